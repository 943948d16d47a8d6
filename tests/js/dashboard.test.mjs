// The dashboard's pure wording: durations, ranges beside settings, the server's field
// errors in a person's words, and the audit log's before and after.
import "./support/import-map.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

const words = await import("../../comments/static/dashboard/words.js");
const { POLICY_FIELDS, labelOf } = await import("../../comments/static/dashboard/policy.js");
const { createTranslator } = await import("../../widget/core/i18n.js");
const en = (await import("../../comments/static/dashboard/i18n/en.js")).default;
const ru = (await import("../../comments/static/dashboard/i18n/ru.js")).default;
// The dashboard's Russian as it would speak it: Russian words, English where one is missing.
const russian = createTranslator({ language: "ru", strings: { ...en, ...ru }, fallback: en });
const inRussian = (key, params) => russian.t(key, params);

describe("durations", () => {
  test("the median time to a decision reads in words", () => {
    assert.equal(words.duration(40), "40 s");
    assert.equal(words.duration(14 * 60 + 20), "14 min");
    assert.equal(words.duration(2 * 3600 + 5 * 60), "2 h 5 min");
    assert.equal(words.duration(3 * 86400 + 7), "3 days");
  });
  test("no decisions yet is no duration", () => {
    assert.equal(words.duration(null), "");
    assert.equal(words.duration(-1), "");
  });
});

describe("ranges beside the settings", () => {
  test("a range is written as the server checks it", () => {
    assert.equal(words.rangeText(POLICY_FIELDS.max_links), "0 to 100");
    assert.equal(words.rangeText(POLICY_FIELDS.duplicate_window_seconds), "0 to 2,592,000 (up to 30 days)");
    assert.equal(words.rangeText(POLICY_FIELDS.auto_close_days), "1 to 3,650, or empty");
  });
  test("a field without numbers has no range", () => {
    assert.equal(words.rangeText(POLICY_FIELDS.premoderation), "");
  });
});

describe("the server's field errors", () => {
  test("a field path becomes the field's label and the message plain words", () => {
    const found = words.fieldProblems({ "policy.max_links": "Input should be less than or equal to 100" });
    assert.deepEqual(found, [{ field: "max_links", label: "Hold comments with more links than", message: "At most 100." }]);
  });
  test("an entry of a list says which line", () => {
    const found = words.fieldProblems({ "policy.blocked_domains.2": "String should match pattern '^[a-z0-9.-]+$'" });
    assert.equal(found[0].field, "blocked_domains");
    assert.equal(found[0].message, "Line 3: Not in the expected form.");
  });
  test("a field the page has no input for is kept for the form's own error line", () => {
    const found = words.fieldProblems({ policy: "bad pattern" }, (name) => name !== "policy");
    assert.deepEqual(found, [{ field: null, label: "Moderation policy", message: "Bad pattern" }]);
  });
});

describe("the audit log's changes", () => {
  test("a value change reads from and to", () => {
    assert.equal(words.changeText({ from: "off", to: "all" }), "off → all");
    assert.equal(words.changeText({ from: null, to: 30 }), "empty → 30");
    assert.equal(words.changeText({ from: true, to: false }), "on → off");
  });
  test("a list change says what was added and removed", () => {
    assert.equal(words.changeText({ added: ["darn"], removed: [], from: [], to: ["darn"] }), "added darn");
    assert.equal(words.changeText({ added: ["a", "b"], removed: ["c"], added_count: 250, removed_count: 1 }),
      "added a, b (250 in all); removed c");
  });
  test("a secret's change names no value", () => {
    assert.equal(words.changeText({ changed: true }), "changed");
  });
  test("values stay text: markup is not interpreted, only shown", () => {
    assert.equal(words.changeText({ from: "<b>x</b>", to: "y" }), "<b>x</b> → y");
  });
  test("old rows' field names have labels", () => {
    assert.equal(labelOf("policy"), "Moderation policy");
    assert.equal(labelOf("origins"), "Allowed origins");
    assert.equal(labelOf("premoderation"), "Pre-moderation");
    assert.equal(labelOf("some_new_field"), "Some new field");
  });
});

describe("the same wording in Russian", () => {
  test("durations, with the plural the number needs", () => {
    assert.equal(words.duration(40, inRussian), "40 с");
    assert.equal(words.duration(2 * 3600 + 5 * 60, inRussian), "2 ч 5 мин");
    assert.equal(words.duration(86400, inRussian), "1 день");
    assert.equal(words.duration(3 * 86400, inRussian), "3 дня");
    assert.equal(words.duration(5 * 86400, inRussian), "5 дней");
    assert.equal(words.age(30 * 1000, inRussian), "меньше минуты");
  });
  test("a range beside a setting", () => {
    assert.equal(words.rangeText(POLICY_FIELDS.max_links, inRussian), "от 0 до 100");
    assert.equal(words.rangeText(POLICY_FIELDS.cdn_seconds, inRussian), "от 0 до 60 (до 1 мин)");
  });
  test("a field error, by the field's Russian label", () => {
    const found = words.fieldProblems({ "policy.max_links": "Input should be less than or equal to 100" }, undefined, inRussian);
    assert.deepEqual(found, [{ field: "max_links", label: "Задерживать комментарии, где ссылок больше, чем", message: "Не больше 100." }]);
    const line = words.fieldProblems({ "policy.banned_words.0": "String should have at most 64 characters" }, undefined, inRussian);
    assert.equal(line[0].message, "Строка 1: Не больше 64 символов.");
    assert.equal(words.fieldMessage("Input should be 'off', 'new' or 'all'", inRussian), "Выберите 'off', 'new' или 'all'.");
  });
  test("a logged change", () => {
    assert.equal(words.changeText({ from: true, to: false }, inRussian), "вкл. → выкл.");
    assert.equal(words.changeText({ added: ["a"], added_count: 21 }, inRussian), "добавлено: a (всего 21)");
    assert.equal(labelOf("premoderation", inRussian), "Премодерация");
    assert.equal(labelOf("origins", inRussian), "Разрешённые источники");
  });
  test("every key has its Russian, with the same parameters", () => {
    const names = (entry) => [...new Set((typeof entry === "string" ? entry : Object.values(entry).join(" ")).match(/\{\w+\}/g) || [])].sort();
    assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en)) assert.deepEqual(names(ru[key]), names(en[key]), key);
  });
});
