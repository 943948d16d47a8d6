// The dashboard's pure wording: durations, ranges beside settings, the server's field
// errors in a person's words, and the audit log's before and after.
import assert from "node:assert/strict";
import { register } from "node:module";
import { describe, test } from "node:test";

// The page's import map names the widget's folder `@widget/`; here it is the checkout's.
const widget = new URL("../../widget/", import.meta.url).href;
register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier.startsWith("@widget/")) return next(${JSON.stringify(widget)} + specifier.slice(8), context);
        return next(specifier, context);
      }`
    )
);
const words = await import("../../comments/static/dashboard/words.js");
const { POLICY_FIELDS, labelOf } = await import("../../comments/static/dashboard/policy.js");

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
