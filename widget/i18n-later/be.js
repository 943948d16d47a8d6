/*
 * Belarusian: the words only the modules asked for on demand show (writing, the
 * login window, staff tools, reports, the account panel…). Loaded with the first of
 * them, or once the reader is logged in; ../i18n/be.js holds the first screen's.
 */
export default {
  // Уваход і выхад
  "login.lost.closed": "Акно ўваходу закрылі да завяршэння ўваходу. Паспрабуйце яшчэ раз, калі будзе зручна.",
  "login.lost.severed":
    "Гэтая старонка разарвала сувязь з акном уваходу (яе загаловак Cross-Origin-Opener-Policy " +
    "блакуе ўсплывальныя вокны), таму ўвайсці тут не атрымаецца. Закрыйце акно ўваходу; " +
    "каманда сайта можа гэта выправіць.",
  "login.lost.unknown":
    "Акно ўваходу закрылася або страціла сувязь з гэтай старонкай да завяршэння ўваходу. " +
    "Закрыйце яго, калі яно яшчэ адкрытае, і паспрабуйце яшчэ раз.",
  "login.lost.timeout": "Уваход заняў занадта шмат часу, і яго спынілі. Паспрабуйце яшчэ раз, калі будзе зручна.",
  "login.done": "Вы ўвайшлі як {name}.",
  "account.as": "Вы ўвайшлі як {name}",
  "account.reader": "чытач",
  "account.logout": "Выйсці",
  "logout.done": "Вы выйшлі з уліковага запісу.",
  "session.ended": "Сеанс скончыўся. Увайдзіце зноў.",
  // Інструменты мадэратараў у артыкуле, выбраныя каментарыі, панэль уліковага запісу
  "staff.approve": "Ухваліць",
  "staff.approveBy": "Ухваліць каментарый карыстальніка {name}",
  "staff.reject": "Адхіліць",
  "staff.rejectBy": "Адхіліць каментарый карыстальніка {name}",
  "staff.reason": "Прычына для журнала (неабавязкова)",
  "staff.rejected": "Каментарый адхілены.",
  "staff.feature": "Замацаваць",
  "staff.featureBy": "Замацаваць каментарый карыстальніка {name} уверсе",
  "staff.unfeature": "Адмацаваць",
  "staff.unfeatureBy": "Адмацаваць каментарый карыстальніка {name}",
  "staff.ban": "Заблакаваць",
  "staff.banBy": "Заблакаваць карыстальніка {name} на гэтым сайце",
  "staff.duration": "На які тэрмін",
  "staff.day": "1 дзень",
  "staff.week": "7 дзён",
  "staff.month": "30 дзён",
  "staff.forever": "Назаўсёды",
  "staff.banReason": "Прычына (аўтар яе ўбачыць)",
  "staff.needReason": "Напішыце прычыну блакавання.",
  "staff.banned": "Карыстальнік {name} заблакаваны на гэтым сайце.",
  "account.panel": "Ваш уліковы запіс",
  "account.export": "Спампаваць мае даныя",
  "account.erase": "Выдаліць мой уліковы запіс",
  "account.eraseWarning": "Профіль будзе выдалены, а вашы каментарыі будуць паказаны як выдаленыя. Гэта дзеянне нельга адмяніць.",
  "account.eraseConfirm": "Так, выдаліць мой уліковы запіс",
  "account.erased": "Ваш уліковы запіс выдалены.",

  // Каментарый і адказ
  "composer.banned": "Вы не можаце пакідаць каментарыі на гэтым сайце.",
  "composer.label": "Ваш каментарый",
  "composer.placeholder": "Падзяліцеся меркаваннем. Будзьце ветлівыя: каментарыі могуць праходзіць мадэрацыю.",
  "composer.submit": "Адправіць",
  "form.hint": "Можна пісаць звычайным тэкстам або ў Markdown.",
  "form.empty": "Напішыце што-небудзь перад адпраўкай.",
  "posted.pending": "Каментарый атрыманы і чакае мадэрацыі.",
  "posted.published": "Каментарый апублікаваны.",
  // The reader's features: permalinks, preview, rejected and banned readers, origins
  "permalink.missing": "Гэты каментарый недаступны.",
  "permalink.start": "Паказаць з пачатку",
  "preview.show": "Папярэдні прагляд",
  "preview.empty": "Пакуль няма чаго паказаць.",
  "preview.limited": "Зашмат папярэдніх праглядаў за кароткі час. Пачакайце крыху і паспрабуйце зноў.",
  "posted.rejected": "Ваш каментарый не апублікаваны. Прычыны паказаны побач з ім.",
  "ban.until": "Вы не можаце пакідаць каментарыі на гэтым сайце да {date}.",
  "ban.forever": "Вы не можаце пакідаць каментарыі на гэтым сайце. Тэрмін блакіроўкі не абмежаваны.",
  "ban.reason": "Прычына:",
  "origin.blocked": "Каментарыі не загружаюцца на гэтай старонцы: сайт не дазваляе каментарыі на старонках з адраса",
  "origin.fix": "Уладальнік сайта можа дадаць гэты адрас у спіс дазволеных.",
  "reply.label": "Адказ карыстальніку {name}",
  "reply.labelNoName": "Адказ на каментарый",
  "reply.submit": "Адказаць",
  "edit.label": "Рэдагаванне каментарыя",
  "edit.submit": "Захаваць змены",
  "edit.pending": "Змены захаваныя і чакаюць мадэрацыі.",
  "edit.saved": "Каментарый абноўлены.",

  // Адзін каментарый
  "moderation.pending": "Чакае мадэрацыі",
  "moderation.pendingNote": "Гэты каментарый бачыце толькі вы, пакуль яго не ўхваліць мадэратар.",
  "moderation.rejected": "Не апублікаваны",
  "moderation.rejectedNote": "Мадэратар адхіліў гэты каментарый.",
  "action.edit": "Рэдагаваць",
  "action.editOwn": "Рэдагаваць свой каментарый",
  "action.delete": "Выдаліць",
  "action.deleteOwn": "Выдаліць свой каментарый",
  "action.deleteBy": "Выдаліць каментарый карыстальніка {name}",
  "delete.confirm": "Выдаліць гэты каментарый? Гэтае дзеянне нельга адмяніць.",
  "delete.done": "Каментарый выдалены.",

  // Скаргі
  "report.legend": "Паскардзіцца мадэратарам на гэты каментарый",
  "report.reason": "Прычына",
  "report.note": "Заўвага (неабавязкова)",
  "report.send": "Адправіць скаргу",
  "report.thanks": "Дзякуй. Мадэратары разгледзяць гэты каментарый.",
  "report.already": "Вы ўжо паскардзіліся на гэты каментарый.",
  "reason.spam": "Спам або рэклама",
  "reason.abuse": "Абразы або цкаванне",
  "reason.off_topic": "Не па тэме",
  "reason.other": "Іншае",
};
