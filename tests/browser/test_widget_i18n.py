"""The widget's languages in Chromium: the Russian demo speaks Russian and the English one
English, plural counts follow the number, and a publisher rewords the widget with
`data-strings` or the `strings` option on a page of its own (another origin, so the
widget's modules are imported across origins)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_viewer import Caller, log_in, post_in_widget
from tests.live import LiveServer

pytestmark = pytest.mark.browser

W = "#comments >> "
RU_THREAD = "belarus-russia-union-ru"


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Page errors, and the URLs the page asked for in order."""
    errors: list[str] = []
    asked: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: asked.append(request.url))
    return errors, asked


def first(asked: list[str], part: str) -> int:
    return next(i for i, url in enumerate(asked) if part in url)


def test_russian_demo_speaks_russian_with_plural_counts(
    serve_app: Callable[..., LiveServer], page: Page
) -> None:
    app = serve_app()
    errors, asked = watch(page)
    page.goto(app.url + "/ru")
    expect(page.locator(W + ".cw-heading > span:first-child")).to_have_text("Комментарии")
    expect(page.locator(W + ".cw-login-text")).to_have_text(
        "Войдите, чтобы участвовать в обсуждении."
    )
    expect(page.locator(W + "button[data-action='login'][data-provider='dev']")).to_contain_text(
        "Войти через "
    )
    expect(page.locator(W + ".cw-sort label")).to_have_text("Сортировка")
    expect(page.locator(W + ".cw-sort option")).to_have_text(
        ["Сначала старые", "Сначала новые", "По рейтингу"]
    )
    expect(page.locator(W + ".cw-empty")).to_have_text(
        "Комментариев пока нет. Будьте первым, кто выскажется."
    )
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "0 комментариев")
    # The first page came inside the article (its embed fragment): nothing asked for it.
    assert not any("/api/v1/sites/demo/comments?" in url for url in asked)
    assert not any("/i18n/uk.js" in url or "/i18n/be.js" in url for url in asked)

    log_in(page, "Анна Читатель")
    expect(page.locator(W + ".cw-me-name")).to_have_text("Вы вошли как Анна Читатель")
    expect(page.locator(W + "button[data-action='logout']")).to_have_text("Выйти")
    textarea = page.locator(W + "form.cw-compose-form textarea[name='body']")
    expect(textarea).to_have_attribute(
        "placeholder", "Поделитесь мнением. Будьте вежливы: комментарии могут проходить модерацию."
    )
    expect(page.locator(W + "form.cw-compose-form label")).to_have_text("Ваш комментарий")
    expect(page.locator(W + "form.cw-compose-form button[data-action='post']")).to_have_text(
        "Отправить"
    )

    post_in_widget(page, "Союз союзом, а дороги пусть чинят.")
    expect(page.locator(W + ".cw-status")).to_have_text("Комментарий опубликован.")
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "1 комментарий")
    own = page.locator(W + "li.cw-comment").first
    expect(own.locator("button[data-action='reply']")).to_have_text("Ответить")
    expect(own.locator("button[data-action='edit']")).to_have_attribute(
        "aria-label", "Изменить свой комментарий"
    )
    post_in_widget(page, "И ещё одно соображение о пошлинах.")
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "2 комментария")

    boris = Caller(app, "dev:boris", "Борис", thread=RU_THREAD, thread_url=app.url + "/ru")
    for text in ("Первый ответ Бориса.", "Второй ответ Бориса.", "Третий ответ Бориса."):
        boris.post(text)
    page.reload()
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "5 комментариев")
    expect(page.locator(W + "li.cw-comment")).to_have_count(5)
    other = page.locator(W + "li.cw-comment", has_text="Первый ответ Бориса.")
    expect(other.locator("button[data-action='report']")).to_have_attribute(
        "aria-label", "Пожаловаться на комментарий пользователя Борис"
    )
    other.locator("button[data-action='report']").click()
    expect(page.locator(W + "form.cw-report-form legend")).to_have_text(
        "Пожаловаться модераторам на этот комментарий"
    )
    expect(page.locator(W + "form.cw-report-form option")).to_have_text(
        ["Спам или реклама", "Оскорбления или травля", "Не по теме", "Другое"]
    )
    # count.js fills the publisher's own Russian template.
    expect(page.locator("[data-comments-count]")).to_have_text("Комментарии: 5")
    assert errors == []


def test_english_demo_speaks_english(serve_app: Callable[..., LiveServer], page: Page) -> None:
    app = serve_app()
    errors, asked = watch(page)
    page.goto(app.url + "/")
    expect(page.locator(W + ".cw-heading > span:first-child")).to_have_text("Comments")
    expect(page.locator(W + ".cw-login-text")).to_have_text("Log in to join the discussion.")
    expect(page.locator(W + "button[data-action='login'][data-provider='dev']")).to_contain_text(
        "Log in with "
    )
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "0 comments")
    log_in(page, "Anna Reader")
    expect(page.locator(W + ".cw-me-name")).to_have_text("Logged in as Anna Reader")
    expect(page.locator(W + "form.cw-compose-form textarea[name='body']")).to_have_attribute(
        "placeholder", "Share your view. Be civil; comments may be moderated."
    )
    post_in_widget(page, "A union on paper only, for now.")
    expect(page.locator(W + ".cw-status")).to_have_text("Your comment was posted.")
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "1 comment")
    post_in_widget(page, "And a second thought.")
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "2 comments")
    # English needs no language file beyond the fallback it always loads.
    assert any("/widget/v/" in url and url.endswith("/i18n/en.js") for url in asked)
    assert not any(url.endswith(("/i18n/ru.js", "/i18n/uk.js", "/i18n/be.js")) for url in asked)
    assert errors == []


def test_publisher_rewords_the_widget_on_its_own_page(
    serve_app: Callable[..., LiveServer],
    publisher_page: Callable[[str], str],
    page: Page,
) -> None:
    publisher = publisher_page("")
    app = serve_app(host="localhost", demo_origins=(publisher,))
    reader = Caller(app, "dev:olena", "Олена", thread="uk-page", thread_url=publisher + "/a.html")
    reader.post("Перший коментар.")
    reader.post("Другий коментар.")
    strings = (
        '{"login.prompt": "Долучайтеся до розмови наших читачів.",'
        ' "count.comments": {"one": "{n} думка", "few": "{n} думки", "many": "{n} думок"}}'
    )
    publisher_page(f"""<!doctype html><html lang="uk">
<head><meta charset="utf-8"><title>Стаття</title></head>
<body><h1>Стаття видавця</h1>
<p><span data-comments-count data-site="demo" data-thread="uk-page">…</span></p>
<div id="comments" data-site="demo" data-thread="uk-page" data-strings='{strings}'></div>
<div class="comments-embed" data-site="demo" data-thread="uk-page" data-strings="{{not json"></div>
<div id="third" data-site="demo" data-thread="uk-page"></div>
<script async src="{app.url}/widget/count.js"></script>
<script async src="{app.url}/widget/comments.js"></script></body></html>""")
    errors, asked = watch(page)
    events: list[str] = []  # requests started and finished, in order
    page.on("request", lambda request: events.append("start " + request.url))
    page.on("requestfinished", lambda request: events.append("done " + request.url))
    page.goto(publisher + "/article.html")

    # data-strings: the publisher's words win; the rest is the page's language.
    expect(page.locator(W + ".cw-login-text")).to_have_text("Долучайтеся до розмови наших читачів.")
    expect(page.locator(W + ".cw-heading > span:first-child")).to_have_text("Коментарі")
    expect(page.locator(W + ".cw-count")).to_have_attribute("aria-label", "2 думки")
    # Invalid JSON is ignored: the widget's own Ukrainian.
    bad = ".comments-embed >> "
    expect(page.locator(bad + ".cw-login-text")).to_have_text(
        "Увійдіть, щоб долучитися до обговорення."
    )
    expect(page.locator(bad + ".cw-count")).to_have_attribute("aria-label", "2 коментарі")
    # count.js without a template speaks the page's language.
    expect(page.locator("[data-comments-count]")).to_have_text("2 коментарі")
    # Without a fragment, the first page was asked for while the words were still loading.
    page_asked = first(events, "start " + app.url + "/api/v1/sites/demo/comments?")
    words_in = next(i for i, e in enumerate(events) if e.startswith("done ") and "/i18n/uk.js" in e)
    assert page_asked < words_in, events

    # The `strings` option, and `lang` choosing another language than the page's.
    page.evaluate(
        """() => Comments.createInstance(document.getElementById("third"),
            {lang: "be", strings: {heading: "Гутаркі", "no.such.key": 1}})"""
    )
    third = "#third >> "
    expect(page.locator(third + ".cw-heading > span:first-child")).to_have_text("Гутаркі")
    expect(page.locator(third + ".cw-login-text")).to_have_text(
        "Увайдзіце, каб далучыцца да абмеркавання."
    )
    expect(page.locator(third + ".cw-count")).to_have_attribute("aria-label", "2 каментарыі")
    expect(page.locator(third + "li.cw-comment").first.locator(".cw-author")).to_have_text("Олена")
    assert any("/widget/v/" in url and url.endswith("/i18n/be.js") for url in asked)
    assert errors == []
