/*
 * Russian: the words only the modules asked for on demand show (writing, the
 * login window, staff tools, reports, the account panel…). Loaded with the first of
 * them, or once the reader is logged in; ../i18n/ru.js holds the first screen's.
 */
export default {
  // Вход и выход
  "login.lost.closed": "Окно входа закрыли до завершения входа. Попробуйте ещё раз, когда будет удобно.",
  "login.lost.severed":
    "Эта страница разорвала связь с окном входа (её заголовок Cross-Origin-Opener-Policy " +
    "блокирует всплывающие окна), поэтому войти здесь не получится. Закройте окно входа; " +
    "команда сайта может это исправить.",
  "login.lost.unknown":
    "Окно входа закрылось или потеряло связь с этой страницей до завершения входа. " +
    "Закройте его, если оно ещё открыто, и попробуйте ещё раз.",
  "login.lost.timeout": "Вход занял слишком много времени и был прерван. Попробуйте ещё раз, когда будет удобно.",
  "login.done": "Вы вошли как {name}.",
  "account.as": "Вы вошли как {name}",
  "account.reader": "читатель",
  "account.logout": "Выйти",
  "logout.done": "Вы вышли из аккаунта.",
  "session.ended": "Сеанс завершён. Войдите снова.",
  // Инструменты модераторов в статье, избранные комментарии, панель аккаунта
  "staff.approve": "Одобрить",
  "staff.approveBy": "Одобрить комментарий пользователя {name}",
  "staff.reject": "Отклонить",
  "staff.rejectBy": "Отклонить комментарий пользователя {name}",
  "staff.reason": "Причина для журнала (необязательно)",
  "staff.rejected": "Комментарий отклонён.",
  "staff.feature": "Закрепить",
  "staff.featureBy": "Закрепить комментарий пользователя {name} наверху",
  "staff.unfeature": "Открепить",
  "staff.unfeatureBy": "Открепить комментарий пользователя {name}",
  "staff.ban": "Заблокировать",
  "staff.banBy": "Заблокировать пользователя {name} на этом сайте",
  "staff.duration": "На какой срок",
  "staff.day": "1 день",
  "staff.week": "7 дней",
  "staff.month": "30 дней",
  "staff.forever": "Навсегда",
  "staff.banReason": "Причина (автор её увидит)",
  "staff.needReason": "Укажите причину блокировки.",
  "staff.banned": "Пользователь {name} заблокирован на этом сайте.",
  "account.panel": "Ваш аккаунт",
  "account.export": "Скачать мои данные",
  "account.erase": "Удалить мой аккаунт",
  "account.eraseWarning": "Профиль будет удалён, а ваши комментарии будут показаны как удалённые. Это действие нельзя отменить.",
  "account.eraseConfirm": "Да, удалить мой аккаунт",
  "account.erased": "Ваш аккаунт удалён.",

  // Комментарий и ответ
  "composer.banned": "Вы не можете оставлять комментарии на этом сайте.",
  "composer.label": "Ваш комментарий",
  "composer.placeholder": "Поделитесь мнением. Будьте вежливы: комментарии могут проходить модерацию.",
  "composer.submit": "Отправить",
  "form.hint": "Можно писать обычным текстом или в Markdown.",
  "form.empty": "Напишите что-нибудь перед отправкой.",
  "posted.pending": "Комментарий получен и ожидает модерации.",
  "posted.published": "Комментарий опубликован.",
  // The reader's features: permalinks, preview, rejected and banned readers, origins
  "permalink.missing": "Этот комментарий недоступен.",
  "permalink.start": "Показать с начала",
  "preview.show": "Предпросмотр",
  "preview.empty": "Пока нечего показать.",
  "preview.limited": "Слишком много предпросмотров за короткое время. Подождите немного и попробуйте снова.",
  "posted.rejected": "Ваш комментарий не опубликован. Причины указаны рядом с ним.",
  "ban.until": "Вы не можете оставлять комментарии на этом сайте до {date}.",
  "ban.forever": "Вы не можете оставлять комментарии на этом сайте. Срок блокировки не ограничен.",
  "ban.reason": "Причина:",
  "origin.blocked": "Комментарии не загружаются на этой странице: сайт не разрешает комментарии на страницах с адреса",
  "origin.fix": "Владелец сайта может добавить этот адрес в список разрешённых.",
  "reply.label": "Ответ пользователю {name}",
  "reply.labelNoName": "Ответ на комментарий",
  "reply.submit": "Ответить",
  "edit.label": "Редактирование комментария",
  "edit.submit": "Сохранить изменения",
  "edit.pending": "Изменения сохранены и ожидают модерации.",
  "edit.saved": "Комментарий обновлён.",

  // Один комментарий
  "moderation.pending": "Ожидает модерации",
  "moderation.pendingNote": "Этот комментарий видите только вы, пока его не одобрит модератор.",
  "moderation.rejected": "Не опубликован",
  "moderation.rejectedNote": "Модератор отклонил этот комментарий.",
  "action.edit": "Изменить",
  "action.editOwn": "Изменить свой комментарий",
  "action.delete": "Удалить",
  "action.deleteOwn": "Удалить свой комментарий",
  "action.deleteBy": "Удалить комментарий пользователя {name}",
  "delete.confirm": "Удалить этот комментарий? Это действие нельзя отменить.",
  "delete.done": "Комментарий удалён.",

  // Жалобы
  "report.legend": "Пожаловаться модераторам на этот комментарий",
  "report.reason": "Причина",
  "report.note": "Примечание (необязательно)",
  "report.send": "Отправить жалобу",
  "report.thanks": "Спасибо. Модераторы рассмотрят этот комментарий.",
  "report.already": "Вы уже пожаловались на этот комментарий.",
  "reason.spam": "Спам или реклама",
  "reason.abuse": "Оскорбления или травля",
  "reason.off_topic": "Не по теме",
  "reason.other": "Другое",
};
