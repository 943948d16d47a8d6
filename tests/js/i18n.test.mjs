// The widget's translator (widget/core/i18n.js): language choice, plurals, parameters,
// fallback to English and publisher overrides. Run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  FALLBACK,
  LANGUAGES,
  chooseLanguage,
  createTranslator,
  languageOf,
  readOverrides,
} from "../../widget/core/i18n.js";
import beFirst from "../../widget/i18n/be.js";
import enFirst from "../../widget/i18n/en.js";
import ruFirst from "../../widget/i18n/ru.js";
import ukFirst from "../../widget/i18n/uk.js";
import beLater from "../../widget/i18n-later/be.js";
import enLater from "../../widget/i18n-later/en.js";
import ruLater from "../../widget/i18n-later/ru.js";
import ukLater from "../../widget/i18n-later/uk.js";

// Each language whole: the first screen's words and the rest.
const en = { ...enFirst, ...enLater };
const TABLES = { en, ru: { ...ruFirst, ...ruLater }, uk: { ...ukFirst, ...ukLater }, be: { ...beFirst, ...beLater } };
// A publisher's words as the widget hands them over: read first (app/words.js, overrides.js).
const translator = (language, overrides, locale) =>
  createTranslator({ language, strings: TABLES[language], fallback: en, overrides: readOverrides(overrides), locale });
const counts = (language, key, numbers) =>
  numbers.map((n) => translator(language).t(key, { n }));

describe("choosing the language", () => {
  test("a tag names its language by the primary subtag", () => {
    assert.equal(languageOf("ru-RU"), "ru");
    assert.equal(languageOf("be-BY"), "be");
    assert.equal(languageOf("uk-UA"), "uk");
    assert.equal(languageOf("UK"), "uk");
    assert.equal(languageOf("ru_RU"), "ru");
    assert.equal(languageOf(" en-GB "), "en");
    assert.equal(languageOf("be-tarask"), "be");
    assert.equal(languageOf("ua"), "uk"); // the country code, as the service reads it too
    assert.equal(languageOf("de-DE"), null);
    assert.equal(languageOf("russian"), null);
    assert.equal(languageOf(""), null);
    assert.equal(languageOf(undefined), null);
  });

  test("the explicit choice wins, then the page, then the browser", () => {
    const browser = ["be-BY", "en"];
    assert.equal(chooseLanguage({ explicit: "uk", page: "ru", browser }), "uk");
    assert.equal(chooseLanguage({ explicit: "", page: "ru-RU", browser }), "ru");
    assert.equal(chooseLanguage({ explicit: "  ", page: "", browser }), "be");
    assert.equal(chooseLanguage({ browser: ["uk-UA"] }), "uk");
  });

  test("anything else is English", () => {
    assert.equal(chooseLanguage({ explicit: "de" }), FALLBACK);
    assert.equal(chooseLanguage({ page: "fr-FR", browser: ["ru"] }), "en"); // a French page
    assert.equal(chooseLanguage({ browser: ["de-DE", "fr"] }), "en");
    assert.equal(chooseLanguage({ browser: [] }), "en");
    assert.equal(chooseLanguage(), "en");
    assert.equal(FALLBACK, "en");
  });

  test("among the reader's languages the first one we have is taken", () => {
    assert.equal(chooseLanguage({ browser: ["de-DE", "ru-RU", "uk"] }), "ru");
    assert.equal(chooseLanguage({ browser: "be" }), "be");
  });

  test("every listed language is one a table exists for", () => {
    assert.deepEqual([...LANGUAGES].sort(), Object.keys(TABLES).sort());
  });
});

describe("plurals", () => {
  test("English: one and other", () => {
    assert.deepEqual(counts("en", "count.comments", [0, 1, 2, 5, 21]), [
      "0 comments", "1 comment", "2 comments", "5 comments", "21 comments",
    ]);
  });

  test("Russian: one, few, many", () => {
    assert.deepEqual(counts("ru", "count.comments", [1, 2, 4, 5, 11, 12, 21, 22, 25, 101, 111]), [
      "1 комментарий", "2 комментария", "4 комментария", "5 комментариев", "11 комментариев",
      "12 комментариев", "21 комментарий", "22 комментария", "25 комментариев",
      "101 комментарий", "111 комментариев",
    ]);
    assert.equal(translator("ru").t("count.comments", { n: 0 }), "0 комментариев");
  });

  test("Ukrainian: one, few, many", () => {
    assert.deepEqual(counts("uk", "count.comments", [1, 2, 5, 11, 21, 23, 25]), [
      "1 коментар", "2 коментарі", "5 коментарів", "11 коментарів", "21 коментар",
      "23 коментарі", "25 коментарів",
    ]);
  });

  test("Belarusian: one, few, many", () => {
    assert.deepEqual(counts("be", "count.comments", [1, 2, 5, 11, 21, 24, 25]), [
      "1 каментарый", "2 каментарыі", "5 каментарыяў", "11 каментарыяў", "21 каментарый",
      "24 каментарыі", "25 каментарыяў",
    ]);
  });

  test("the new-comments button agrees with its number", () => {
    assert.deepEqual(counts("en", "list.fresh", [1, 2]), ["Show 1 new comment", "Show 2 new comments"]);
    assert.deepEqual(counts("ru", "list.fresh", [1, 3, 5]), [
      "Показать 1 новый комментарий", "Показать 3 новых комментария", "Показать 5 новых комментариев",
    ]);
    assert.deepEqual(counts("uk", "list.fresh", [21, 22]), [
      "Показати 21 новий коментар", "Показати 22 нові коментарі",
    ]);
    assert.deepEqual(counts("be", "list.fresh", [1, 7]), [
      "Паказаць 1 новы каментарый", "Паказаць 7 новых каментарыяў",
    ]);
  });

  test("numbers are written for the locale", () => {
    assert.equal(translator("en").t("count.comments", { n: 12000 }), "12,000 comments");
    const russian = translator("ru", null, "ru-RU").t("count.comments", { n: 12000 });
    assert.equal(russian.replace(/\s/gu, " "), "12 000 комментариев");
  });

  test("a plural entry without a number takes its `other` form", () => {
    assert.equal(translator("en").t("count.comments"), "{n} comments");
  });
});

describe("parameters", () => {
  test("`{name}` takes the parameter of that name", () => {
    const t = translator("en").t;
    assert.equal(t("login.with", { provider: "GitHub" }), "Log in with GitHub");
    assert.equal(t("error.status", { status: 503 }), "Something went wrong (503). Please try again.");
    assert.equal(translator("ru").t("login.done", { name: "Анна" }), "Вы вошли как Анна.");
  });

  test("a parameter's text is put in as it is, never read as a template", () => {
    const t = translator("en").t;
    assert.equal(t("login.with", { provider: "{provider} <b>" }), "Log in with {provider} <b>");
    assert.equal(t("login.with", { provider: "$& $1" }), "Log in with $& $1");
  });

  test("a missing parameter leaves its placeholder", () => {
    assert.equal(translator("en").t("login.with"), "Log in with {provider}");
    assert.equal(translator("en").t("login.with", { other: 1 }), "Log in with {provider}");
  });

  test("parts keep objects (elements) apart from the text around them", () => {
    const strong = { tag: "strong" };
    assert.deepEqual(translator("en").parts("account.as", { name: strong }), ["Logged in as ", strong]);
    assert.deepEqual(translator("ru").parts("account.as", { name: strong }), ["Вы вошли как ", strong]);
    assert.deepEqual(translator("en").parts("heading"), ["Comments"]);
    assert.deepEqual(translator("en").parts("login.done", { name: "Ann" }), ["You are logged in as Ann."]);
  });
});

describe("a language in two files", () => {
  test("the rest of the words, added to the first screen's, are worded from then on", () => {
    const words = createTranslator({ language: "ru", strings: ruFirst });
    assert.equal(words.t("heading"), "Комментарии");
    assert.equal(words.t("login.done", { name: "Анна" }), "login.done");
    words.add(ruLater);
    assert.equal(words.t("login.done", { name: "Анна" }), "Вы вошли как Анна.");
    assert.ok(words.has("composer.submit"));
  });

  test("what is added never replaces a word the translator has, nor the source table", () => {
    const first = { heading: "Comments" };
    const words = createTranslator({ language: "en", strings: first, overrides: { "login.done": "Hi {name}" } });
    words.add({ heading: "Other", "login.done": "You are in, {name}." });
    assert.equal(words.t("heading"), "Comments");
    assert.equal(words.t("login.done", { name: "Ann" }), "Hi Ann"); // the publisher's word still wins
    assert.deepEqual(first, { heading: "Comments" });
  });
});

describe("fallback", () => {
  test("a key missing from a language is said in English", () => {
    const partial = { heading: "Комментарии" };
    const t = createTranslator({ language: "ru", strings: partial, fallback: en }).t;
    assert.equal(t("heading"), "Комментарии");
    assert.equal(t("account.logout"), "Log out");
    // English plural rules for the English text: "1 comment", not a Russian category.
    assert.equal(t("count.comments", { n: 1 }), "1 comment");
    assert.equal(t("count.comments", { n: 2 }), "2 comments");
  });

  test("a plural entry missing a form uses its `other`", () => {
    const strings = { "count.comments": { one: "{n} комментарий", other: "{n} комм." } };
    const t = createTranslator({ language: "ru", strings, fallback: en }).t;
    assert.equal(t("count.comments", { n: 21 }), "21 комментарий");
    assert.equal(t("count.comments", { n: 5 }), "5 комм.");
  });

  test("a key no table has comes back as itself", () => {
    assert.equal(translator("uk").t("no.such.key"), "no.such.key");
    assert.equal(translator("uk").has("no.such.key"), false);
    assert.equal(translator("uk").has("heading"), true);
  });

  test("keys are own properties only, never the prototype's", () => {
    const t = translator("en").t;
    assert.equal(t("toString"), "toString");
    assert.equal(t("__proto__"), "__proto__");
    assert.equal(t("constructor"), "constructor");
  });

  test("without tables it still answers", () => {
    const t = createTranslator().t;
    assert.equal(t("heading"), "heading");
  });
});

describe("publisher overrides", () => {
  test("an override wins over the file, in any language", () => {
    const t = translator("ru", { "login.prompt": "Войдите через аккаунт издания.", heading: "Мнения" }).t;
    assert.equal(t("login.prompt"), "Войдите через аккаунт издания.");
    assert.equal(t("heading"), "Мнения");
    assert.equal(t("account.logout"), "Выйти");
  });

  test("an override may give plural forms, chosen by the language's rules", () => {
    const overrides = { "count.comments": { one: "{n} мнение", few: "{n} мнения", many: "{n} мнений" } };
    const t = translator("ru", overrides).t;
    assert.deepEqual([1, 3, 5, 21].map((n) => t("count.comments", { n })), [
      "1 мнение", "3 мнения", "5 мнений", "21 мнение",
    ]);
  });

  test("a plain-text override stands for every number", () => {
    const t = translator("en", { "count.comments": "Comments: {n}" }).t;
    assert.equal(t("count.comments", { n: 1 }), "Comments: 1");
    assert.equal(t("count.comments", { n: 7 }), "Comments: 7");
  });

  test("a plural override missing the form asked for falls back to the file's", () => {
    const t = translator("ru", { "count.comments": { one: "{n} отзыв" } }).t;
    assert.equal(t("count.comments", { n: 1 }), "1 отзыв");
    assert.equal(t("count.comments", { n: 5 }), "5 комментариев");
  });

  test("data-strings JSON is read, and bad JSON is ignored", () => {
    assert.deepEqual({ ...readOverrides('{"heading": "Talk"}') }, { heading: "Talk" });
    assert.equal(readOverrides("{heading: Talk}"), null);
    assert.equal(readOverrides(""), null);
    assert.equal(readOverrides("[1, 2]"), null);
    assert.equal(readOverrides("null"), null);
    assert.equal(readOverrides('"text"'), null);
    assert.equal(readOverrides(undefined), null);
    assert.equal(readOverrides(42), null);
    const t = translator("en", "{not json").t;
    assert.equal(t("heading"), "Comments");
  });

  test("values that are neither text nor plural forms are dropped", () => {
    const found = readOverrides({
      heading: "Talk",
      "list.more": 5,
      "sort.top": null,
      "sort.newest": ["x"],
      "count.comments": { one: "{n} note", other: 3, bogus: "x" },
      "list.fresh": { nothing: "here" },
    });
    assert.deepEqual(Object.keys(found).sort(), ["count.comments", "heading"]);
    assert.deepEqual({ ...found["count.comments"] }, { one: "{n} note" });
  });

  test("a __proto__ key in the JSON pollutes nothing", () => {
    const found = readOverrides('{"__proto__": {"polluted": "yes"}, "heading": "Talk"}');
    assert.equal({}.polluted, undefined);
    assert.equal(Object.getPrototypeOf(found), null);
    const t = translator("en", '{"__proto__": "x", "heading": "Talk"}').t;
    assert.equal(t("heading"), "Talk");
    assert.equal({}.polluted, undefined);
  });
});
