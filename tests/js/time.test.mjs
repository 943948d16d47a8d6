// core/time.js's formats made once per language (createFormats), as the widget uses them
// for a whole page of comments: every range of times, numbers, and a locale Intl refuses.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { createFormats } from "../../widget/core/time.js";

const now = Date.parse("2026-12-01T12:00:00Z");

describe("formats made once", () => {
  test("one set answers every range of times, again and again", () => {
    const en = createFormats("en");
    for (let round = 0; round < 2; round++) {
      assert.equal(en.relative("2026-12-01T11:59:50Z", now), "now");
      assert.equal(en.relative("2026-12-01T11:57:00Z", now), "3 minutes ago");
      assert.equal(en.relative("2026-12-01T07:00:00Z", now), "5 hours ago");
      assert.equal(en.relative("2026-11-30T12:00:00Z", now), "yesterday");
      assert.equal(en.relative("2026-12-03T12:00:00Z", now), "in 2 days");
      assert.equal(en.relative("2025-01-05T12:00:00Z", now), "Jan 5, 2025");
      assert.equal(en.relative("not a time", now), "");
      assert.match(en.absolute("2026-12-01T11:57:00Z"), /December 1, 2026/);
      assert.equal(en.number(1234), "1,234");
    }
  });

  test("in the reader's language", () => {
    const ru = createFormats("ru");
    assert.equal(ru.relative("2026-12-01T11:57:00Z", now), "3 минуты назад");
    assert.equal(ru.number(1234).replace(/\s/g, " "), "1 234");
    assert.match(createFormats("be").relative("2026-11-30T12:00:00Z", now), /учора/);
  });

  test("a locale Intl refuses still gives readable answers", () => {
    const bad = createFormats("not a locale!");
    assert.equal(bad.number(1234), "1234");
    assert.notEqual(bad.relative("2026-12-01T11:57:00Z", now), "");
    assert.notEqual(bad.absolute("2026-12-01T11:57:00Z"), "");
  });

  test("the dashboard's short style and its own date cut-off", () => {
    const short = createFormats("en", { style: "short", dateAfterDays: 7 });
    assert.equal(short.relative("2026-12-01T11:57:00Z", now), "3 min. ago");
    assert.match(short.relative("2026-11-10T12:00:00Z", now), /Nov 10, 2026/);
  });
});

// The widget says the first screen's times in its language files' words, not through
// Intl (a page's first Intl format costs it tens of milliseconds): they must say what Intl
// says, at every count a month of comments can show, in every language.
describe("times in the language files' words", async () => {
  const { LANGUAGES, createTranslator } = await import("../../widget/core/i18n.js");
  const HOUR = 3600 * 1000;
  const ago = (ms) => new Date(now - ms).toISOString();
  const times = [0, 10_000, 44_000, 45_000, 89_000, 90_000];
  for (let m = 2; m < 60; m++) times.push(m * 60_000, m * 60_000 + 29_000);
  for (let h = 1; h < 24; h++) times.push(h * HOUR, h * HOUR + 29 * 60_000);
  for (let d = 1; d <= 30; d++) times.push(d * 24 * HOUR, d * 24 * HOUR + 11 * HOUR);

  for (const language of LANGUAGES) {
    test(`${language}: as Intl says them`, async () => {
      const strings = (await import(`../../widget/i18n/${language}.js`)).default;
      const words = createTranslator({ language, strings });
      const ours = createFormats(language, { words });
      const intl = createFormats(language);
      for (const ms of times) {
        assert.equal(ours.relative(ago(ms), now), intl.relative(ago(ms), now), `${ms / 1000} s ago`);
      }
    });
  }

  test("a publisher's own words win, and what the words don't cover is Intl's", () => {
    const words = createTranslator({ language: "en", strings: {}, overrides: { "time.yesterday": "the day before" } });
    const en = createFormats("en", { words });
    assert.equal(en.relative(ago(24 * HOUR), now), "the day before");
    assert.equal(en.relative(ago(3 * 60_000), now), "3 minutes ago"); // no words: Intl's
    assert.equal(en.relative("2026-12-01T14:00:00Z", now), "in 2 hours"); // ahead of the clock
    assert.equal(en.relative("2025-01-05T12:00:00Z", now), "Jan 5, 2025");
  });

  test("numbers below a thousand are written as Intl writes them", () => {
    for (const locale of ["en", "en-GB", "ru", "ru-RU", "uk", "be-BY"]) {
      const ours = createFormats(locale);
      const intl = new Intl.NumberFormat(locale);
      for (let n = -999; n < 1000; n += 7) assert.equal(ours.number(n), intl.format(n), `${n} in ${locale}`);
      assert.equal(ours.number(1234), intl.format(1234));
    }
    assert.equal(createFormats("en-u-nu-arab").number(7), new Intl.NumberFormat("en-u-nu-arab").format(7));
  });
});
