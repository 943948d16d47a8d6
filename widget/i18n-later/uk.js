/*
 * Ukrainian: the words only the modules asked for on demand show (writing, the
 * login window, staff tools, reports, the account panel…). Loaded with the first of
 * them, or once the reader is logged in; ../i18n/uk.js holds the first screen's.
 */
export default {
  // Вхід і вихід
  "login.lost.closed": "Вікно входу закрили до завершення входу. Спробуйте ще раз, коли буде зручно.",
  "login.lost.severed":
    "Ця сторінка розірвала зв’язок із вікном входу (її заголовок Cross-Origin-Opener-Policy " +
    "блокує спливні вікна), тож увійти тут не вийде. Закрийте вікно входу; " +
    "команда сайту може це виправити.",
  "login.lost.unknown":
    "Вікно входу закрилося або втратило зв’язок із цією сторінкою до завершення входу. " +
    "Закрийте його, якщо воно ще відкрите, і спробуйте ще раз.",
  "login.lost.timeout": "Вхід тривав надто довго, і його зупинено. Спробуйте ще раз, коли буде зручно.",
  "login.done": "Ви увійшли як {name}.",
  "account.as": "Ви увійшли як {name}",
  "account.reader": "читач",
  "account.logout": "Вийти",
  "logout.done": "Ви вийшли з облікового запису.",
  "session.ended": "Сеанс завершився. Увійдіть знову.",
  // Інструменти модераторів у статті, вибрані коментарі, панель облікового запису
  "staff.approve": "Схвалити",
  "staff.approveBy": "Схвалити коментар користувача {name}",
  "staff.reject": "Відхилити",
  "staff.rejectBy": "Відхилити коментар користувача {name}",
  "staff.reason": "Причина для журналу (необов’язково)",
  "staff.rejected": "Коментар відхилено.",
  "staff.feature": "Закріпити",
  "staff.featureBy": "Закріпити коментар користувача {name} угорі",
  "staff.unfeature": "Відкріпити",
  "staff.unfeatureBy": "Відкріпити коментар користувача {name}",
  "staff.ban": "Заблокувати",
  "staff.banBy": "Заблокувати користувача {name} на цьому сайті",
  "staff.duration": "На який термін",
  "staff.day": "1 день",
  "staff.week": "7 днів",
  "staff.month": "30 днів",
  "staff.forever": "Назавжди",
  "staff.banReason": "Причина (автор її побачить)",
  "staff.needReason": "Вкажіть причину блокування.",
  "staff.banned": "Користувача {name} заблоковано на цьому сайті.",
  "account.panel": "Ваш обліковий запис",
  "account.export": "Завантажити мої дані",
  "account.erase": "Видалити мій обліковий запис",
  "account.eraseWarning": "Профіль буде видалено, а ваші коментарі буде показано як видалені. Цю дію не можна скасувати.",
  "account.eraseConfirm": "Так, видалити мій обліковий запис",
  "account.erased": "Ваш обліковий запис видалено.",

  // Коментар і відповідь
  "composer.banned": "Ви не можете залишати коментарі на цьому сайті.",
  "composer.label": "Ваш коментар",
  "composer.placeholder": "Поділіться думкою. Будьте ввічливі: коментарі можуть проходити модерацію.",
  "composer.submit": "Надіслати",
  "form.hint": "Можна писати звичайним текстом або в Markdown.",
  "form.empty": "Напишіть щось перед надсиланням.",
  "posted.pending": "Коментар отримано, він очікує на модерацію.",
  "posted.published": "Коментар опубліковано.",
  // The reader's features: permalinks, preview, rejected and banned readers, origins
  "permalink.missing": "Цей коментар недоступний.",
  "permalink.start": "Показати з початку",
  "preview.show": "Попередній перегляд",
  "preview.empty": "Поки що нема чого показати.",
  "preview.limited": "Забагато попередніх переглядів за короткий час. Зачекайте трохи й спробуйте знову.",
  "posted.rejected": "Ваш коментар не опубліковано. Причини вказано поруч із ним.",
  "ban.until": "Ви не можете залишати коментарі на цьому сайті до {date}.",
  "ban.forever": "Ви не можете залишати коментарі на цьому сайті. Термін блокування не обмежений.",
  "ban.reason": "Причина:",
  "origin.blocked": "Коментарі не завантажуються на цій сторінці: сайт не дозволяє коментарі на сторінках з адреси",
  "origin.fix": "Власник сайту може додати цю адресу до списку дозволених.",
  "reply.label": "Відповідь користувачеві {name}",
  "reply.labelNoName": "Відповідь на коментар",
  "reply.submit": "Відповісти",
  "edit.label": "Редагування коментаря",
  "edit.submit": "Зберегти зміни",
  "edit.pending": "Зміни збережено, вони очікують на модерацію.",
  "edit.saved": "Коментар оновлено.",

  // Один коментар
  "moderation.pending": "Очікує на модерацію",
  "moderation.pendingNote": "Цей коментар бачите лише ви, доки його не схвалить модератор.",
  "moderation.rejected": "Не опубліковано",
  "moderation.rejectedNote": "Модератор відхилив цей коментар.",
  "action.edit": "Редагувати",
  "action.editOwn": "Редагувати свій коментар",
  "action.delete": "Видалити",
  "action.deleteOwn": "Видалити свій коментар",
  "action.deleteBy": "Видалити коментар користувача {name}",
  "delete.confirm": "Видалити цей коментар? Цю дію не можна скасувати.",
  "delete.done": "Коментар видалено.",

  // Скарги
  "report.legend": "Поскаржитися модераторам на цей коментар",
  "report.reason": "Причина",
  "report.note": "Примітка (необов’язково)",
  "report.send": "Надіслати скаргу",
  "report.thanks": "Дякуємо. Модератори розглянуть цей коментар.",
  "report.already": "Ви вже поскаржилися на цей коментар.",
  "reason.spam": "Спам або реклама",
  "reason.abuse": "Образи або цькування",
  "reason.off_topic": "Не за темою",
  "reason.other": "Інше",
};
