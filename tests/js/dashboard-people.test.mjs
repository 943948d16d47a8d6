// The dashboard's people and dates in its language: a nameless person, and the locale
// its dates are written in.
import "./support/import-map.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

const { localeFor, nameOf } = await import("../../comments/static/dashboard/ui.js");
const { createTranslator } = await import("../../widget/core/i18n.js");
const en = (await import("../../comments/static/dashboard/i18n/en.js")).default;
const ru = (await import("../../comments/static/dashboard/i18n/ru.js")).default;
const russian = createTranslator({ language: "ru", strings: ru, fallback: en });
const inRussian = (key, params) => russian.t(key, params);

describe("a person's name", () => {
  test("is their name, else the fallback given", () => {
    assert.equal(nameOf({ name: " Ada " }, "x", inRussian), "Ada");
    assert.equal(nameOf({ name: "" }, "этот автор", inRussian), "этот автор");
  });
  test("a nameless person without a fallback is someone, in the dashboard's language", () => {
    assert.equal(nameOf(null), "someone");
    assert.equal(nameOf({}, null, inRussian), "кто-то");
  });
});

describe("the locale of dates", () => {
  test("the browser's own when it speaks the dashboard's language", () => {
    assert.equal(localeFor("en", "en-GB"), undefined);
    assert.equal(localeFor("ru", "ru-RU"), undefined);
  });
  test("the dashboard's language when the browser speaks another", () => {
    assert.equal(localeFor("ru", "en-US"), "ru");
    assert.equal(localeFor("en", "de-DE"), "en");
  });
});

describe("the people's plurals in Russian", () => {
  test("days of a ban and comments back in the queue", () => {
    assert.equal(inRussian("bans.bannedFor", { name: "Ада", days: "1", n: 1 }), "Ада: блокировка на 1 день.");
    assert.equal(inRussian("bans.bannedFor", { name: "Ада", days: "7", n: 7 }), "Ада: блокировка на 7 дней.");
    assert.equal(inRussian("bans.backInQueue", { count: "3", n: 3 }), "3 комментария снова в очереди.");
    assert.equal(inRussian("stats.lastDays", { n: 30 }), "За 30 дней");
  });
});
