"""The words of every e-mail, in each language the widget speaks.

A mail goes in the language remembered on the recipient's account (English until one
is known). Plurals follow `comments.messages.plural_form`: two forms in English,
three (one, few, many) in the others. `{…}` are filled in by comments/service/mail.py.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from comments.models import Language

Words = MappingProxyType[str, str | tuple[str, ...]]

_EN: Final[dict[str, str | tuple[str, ...]]] = {
    "page_unsubscribe_title": "Stop e-mails",
    "page_unsubscribe_ask": "Stop these e-mails from {site}: {lists}?",
    "page_unsubscribe_button": "Stop them",
    "page_unsubscribed": "Done: you will get no more of these e-mails from {site}.",
    "page_confirm_title": "Confirm your address",
    "page_confirm_ask": "Get comment notifications at {email}?",
    "page_confirm_button": "Confirm",
    "page_confirmed": "Your address {email} is confirmed.",
    "page_bad_link": "This link does not work: it may be cut short, changed or too old. "
    "Copy the whole link from the e-mail, or ask for a new one.",
    "list_replies": "replies to your comments",
    "list_decisions": "decisions on your comments",
    "list_alerts": "moderation alerts",
    "updates_subject": ("{count} update on your comments", "{count} updates on your comments"),
    "open_article": "Open the article",
    "hook_off_subject": "A webhook of {site} was switched off",
    "hook_off_line": "The endpoint {url} failed 50 times in a row and gets nothing until an "
    "admin switches it back on.",
    "open_webhooks": "Open the webhooks page",
    "why_admin": "You get this mail because you are an admin of {site}.",
    "reply_subject": "{name} replied to your comment",
    "digest_subject": (
        "{count} new reply to your comments",
        "{count} new replies to your comments",
    ),
    "approved_subject": "Your comment is published",
    "rejected_subject": "Your comment was not published",
    "alert_subject": (
        "{count} comment waits for moderation on {site}",
        "{count} comments wait for moderation on {site}",
    ),
    "confirm_subject": "Confirm your address for comment notifications",
    "reply_line": "{name} replied to your comment on “{title}”:",
    "approved_line": "Your comment on “{title}” was approved and is now published.",
    "rejected_line": "Your comment on “{title}” was not published.",
    "reason": "Reason: {reason}",
    "queued_line": "Waiting for a decision on “{title}”, by {name}:",
    "reported_line": "Reported by readers on “{title}”, by {name}:",
    "open_comment": "Open the comment",
    "open_queue": "Open it in the moderation queue",
    "why_replies": "You get this mail because you asked to be told of replies on {site}.",
    "why_decisions": "You get this mail because a comment of yours on {site} waited for review.",
    "why_alerts": "You get this mail because you moderate {site}.",
    "unsubscribe": "Stop these e-mails",
    "confirm_body": "Someone, hopefully you, asked to be told of replies on {site} at this "
    "address. To confirm, open this link and press the button:",
    "confirm_ignore": "If it was not you, ignore this mail: nothing will be sent.",
}

_RU: Final[dict[str, str | tuple[str, ...]]] = {
    "page_unsubscribe_title": "Отписаться",
    "page_unsubscribe_ask": "Больше не присылать эти письма с {site}: {lists}?",
    "page_unsubscribe_button": "Не присылать",
    "page_unsubscribed": "Готово: эти письма с {site} больше не придут.",
    "page_confirm_title": "Подтвердите адрес",
    "page_confirm_ask": "Получать уведомления о комментариях на {email}?",
    "page_confirm_button": "Подтвердить",
    "page_confirmed": "Адрес {email} подтверждён.",
    "page_bad_link": "Ссылка не работает: возможно, она обрезана, изменена или устарела. "
    "Скопируйте ссылку из письма целиком или запросите новую.",
    "list_replies": "ответы на ваши комментарии",
    "list_decisions": "решения по вашим комментариям",
    "list_alerts": "уведомления для модераторов",
    "updates_subject": (
        "{count} новость о ваших комментариях",
        "{count} новости о ваших комментариях",
        "{count} новостей о ваших комментариях",
    ),
    "open_article": "Открыть статью",
    "hook_off_subject": "Вебхук {site} отключён",
    "hook_off_line": "Адрес {url} не ответил 50 раз подряд и ничего не получит, пока "
    "администратор не включит его снова.",
    "open_webhooks": "Открыть страницу вебхуков",
    "why_admin": "Вы получили это письмо, потому что администрируете {site}.",
    "reply_subject": "{name} ответил(а) на ваш комментарий",
    "digest_subject": (
        "{count} новый ответ на ваши комментарии",
        "{count} новых ответа на ваши комментарии",
        "{count} новых ответов на ваши комментарии",
    ),
    "approved_subject": "Ваш комментарий опубликован",
    "rejected_subject": "Ваш комментарий не опубликован",
    "alert_subject": (
        "{count} комментарий ждёт модерации на {site}",
        "{count} комментария ждут модерации на {site}",
        "{count} комментариев ждут модерации на {site}",
    ),
    "confirm_subject": "Подтвердите адрес для уведомлений о комментариях",
    "reply_line": "{name} ответил(а) на ваш комментарий к «{title}»:",
    "approved_line": "Ваш комментарий к «{title}» одобрен и опубликован.",
    "rejected_line": "Ваш комментарий к «{title}» не опубликован.",
    "reason": "Причина: {reason}",
    "queued_line": "Ждёт решения, «{title}», автор {name}:",
    "reported_line": "Читатели пожаловались, «{title}», автор {name}:",
    "open_comment": "Открыть комментарий",
    "open_queue": "Открыть в очереди модерации",
    "why_replies": "Вы получили это письмо, потому что просили сообщать об ответах на {site}.",
    "why_decisions": "Вы получили это письмо, потому что ваш комментарий на {site} ждал проверки.",
    "why_alerts": "Вы получили это письмо, потому что модерируете {site}.",
    "unsubscribe": "Отписаться от этих писем",
    "confirm_body": "Кто-то, надеемся, вы, попросил присылать на этот адрес уведомления об "
    "ответах на {site}. Чтобы подтвердить, откройте ссылку и нажмите кнопку:",
    "confirm_ignore": "Если это были не вы, просто не обращайте внимания: писем не будет.",
}

_UK: Final[dict[str, str | tuple[str, ...]]] = {
    "page_unsubscribe_title": "Відписатися",
    "page_unsubscribe_ask": "Більше не надсилати ці листи з {site}: {lists}?",
    "page_unsubscribe_button": "Не надсилати",
    "page_unsubscribed": "Готово: ці листи з {site} більше не надходитимуть.",
    "page_confirm_title": "Підтвердьте адресу",
    "page_confirm_ask": "Отримувати сповіщення про коментарі на {email}?",
    "page_confirm_button": "Підтвердити",
    "page_confirmed": "Адресу {email} підтверджено.",
    "page_bad_link": "Посилання не працює: можливо, воно обрізане, змінене чи застаріле. "
    "Скопіюйте посилання з листа повністю або попросіть нове.",
    "list_replies": "відповіді на ваші коментарі",
    "list_decisions": "рішення щодо ваших коментарів",
    "list_alerts": "сповіщення для модераторів",
    "updates_subject": (
        "{count} новина про ваші коментарі",
        "{count} новини про ваші коментарі",
        "{count} новин про ваші коментарі",
    ),
    "open_article": "Відкрити статтю",
    "hook_off_subject": "Вебхук {site} вимкнено",
    "hook_off_line": "Адреса {url} не відповіла 50 разів поспіль і нічого не отримає, доки "
    "адміністратор не ввімкне її знову.",
    "open_webhooks": "Відкрити сторінку вебхуків",
    "why_admin": "Ви отримали цього листа, бо адмініструєте {site}.",
    "reply_subject": "{name} відповів(-ла) на ваш коментар",
    "digest_subject": (
        "{count} нова відповідь на ваші коментарі",
        "{count} нові відповіді на ваші коментарі",
        "{count} нових відповідей на ваші коментарі",
    ),
    "approved_subject": "Ваш коментар опубліковано",
    "rejected_subject": "Ваш коментар не опубліковано",
    "alert_subject": (
        "{count} коментар чекає на модерацію на {site}",
        "{count} коментарі чекають на модерацію на {site}",
        "{count} коментарів чекають на модерацію на {site}",
    ),
    "confirm_subject": "Підтвердьте адресу для сповіщень про коментарі",
    "reply_line": "{name} відповів(-ла) на ваш коментар до «{title}»:",
    "approved_line": "Ваш коментар до «{title}» схвалено й опубліковано.",
    "rejected_line": "Ваш коментар до «{title}» не опубліковано.",
    "reason": "Причина: {reason}",
    "queued_line": "Чекає на рішення, «{title}», автор {name}:",
    "reported_line": "Читачі поскаржилися, «{title}», автор {name}:",
    "open_comment": "Відкрити коментар",
    "open_queue": "Відкрити в черзі модерації",
    "why_replies": "Ви отримали цього листа, бо просили повідомляти про відповіді на {site}.",
    "why_decisions": "Ви отримали цього листа, бо ваш коментар на {site} чекав на перевірку.",
    "why_alerts": "Ви отримали цього листа, бо модеруєте {site}.",
    "unsubscribe": "Відписатися від цих листів",
    "confirm_body": "Хтось, сподіваємося, ви, попросив надсилати на цю адресу сповіщення про "
    "відповіді на {site}. Щоб підтвердити, відкрийте посилання й натисніть кнопку:",
    "confirm_ignore": "Якщо це були не ви, не зважайте на цей лист: нічого не надсилатиметься.",
}

_BE: Final[dict[str, str | tuple[str, ...]]] = {
    "page_unsubscribe_title": "Адпісацца",
    "page_unsubscribe_ask": "Больш не дасылаць гэтыя лісты з {site}: {lists}?",
    "page_unsubscribe_button": "Не дасылаць",
    "page_unsubscribed": "Гатова: гэтыя лісты з {site} больш не прыйдуць.",
    "page_confirm_title": "Пацвердзіце адрас",
    "page_confirm_ask": "Атрымліваць апавяшчэнні пра каментарыі на {email}?",
    "page_confirm_button": "Пацвердзіць",
    "page_confirmed": "Адрас {email} пацверджаны.",
    "page_bad_link": "Спасылка не працуе: магчыма, яна абрэзаная, змененая ці састарэлая. "
    "Скапіруйце спасылку з ліста цалкам або папрасіце новую.",
    "list_replies": "адказы на вашы каментарыі",
    "list_decisions": "рашэнні па вашых каментарыях",
    "list_alerts": "апавяшчэнні для мадэратараў",
    "updates_subject": (
        "{count} навіна пра вашы каментарыі",
        "{count} навіны пра вашы каментарыі",
        "{count} навін пра вашы каментарыі",
    ),
    "open_article": "Адкрыць артыкул",
    "hook_off_subject": "Вэбхук {site} адключаны",
    "hook_off_line": "Адрас {url} не адказаў 50 разоў запар і нічога не атрымае, пакуль "
    "адміністратар не ўключыць яго зноў.",
    "open_webhooks": "Адкрыць старонку вэбхукаў",
    "why_admin": "Вы атрымалі гэты ліст, бо адмініструеце {site}.",
    "reply_subject": "{name} адказаў(-ла) на ваш каментарый",
    "digest_subject": (
        "{count} новы адказ на вашы каментарыі",
        "{count} новыя адказы на вашы каментарыі",
        "{count} новых адказаў на вашы каментарыі",
    ),
    "approved_subject": "Ваш каментарый апублікаваны",
    "rejected_subject": "Ваш каментарый не апублікаваны",
    "alert_subject": (
        "{count} каментарый чакае мадэрацыі на {site}",
        "{count} каментарыі чакаюць мадэрацыі на {site}",
        "{count} каментарыяў чакаюць мадэрацыі на {site}",
    ),
    "confirm_subject": "Пацвердзіце адрас для апавяшчэнняў пра каментарыі",
    "reply_line": "{name} адказаў(-ла) на ваш каментарый да «{title}»:",
    "approved_line": "Ваш каментарый да «{title}» ухвалены і апублікаваны.",
    "rejected_line": "Ваш каментарый да «{title}» не апублікаваны.",
    "reason": "Прычына: {reason}",
    "queued_line": "Чакае рашэння, «{title}», аўтар {name}:",
    "reported_line": "Чытачы паскардзіліся, «{title}», аўтар {name}:",
    "open_comment": "Адкрыць каментарый",
    "open_queue": "Адкрыць у чарзе мадэрацыі",
    "why_replies": "Вы атрымалі гэты ліст, бо прасілі паведамляць пра адказы на {site}.",
    "why_decisions": "Вы атрымалі гэты ліст, бо ваш каментарый на {site} чакаў праверкі.",
    "why_alerts": "Вы атрымалі гэты ліст, бо мадэруеце {site}.",
    "unsubscribe": "Адпісацца ад гэтых лістоў",
    "confirm_body": "Нехта, спадзяёмся, вы, папрасіў дасылаць на гэты адрас апавяшчэнні пра "
    "адказы на {site}. Каб пацвердзіць, адкрыйце спасылку і націсніце кнопку:",
    "confirm_ignore": "Калі гэта былі не вы, не звяртайце ўвагі на гэты ліст: нічога не прыйдзе.",
}

WORDS: Final[MappingProxyType[Language, Words]] = MappingProxyType(
    {
        "en": MappingProxyType(_EN),
        "ru": MappingProxyType(_RU),
        "uk": MappingProxyType(_UK),
        "be": MappingProxyType(_BE),
    }
)
