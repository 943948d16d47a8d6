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
