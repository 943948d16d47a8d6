// The bundle's short names (widget/build.mjs widgetOwnNames): only the widget's own
// properties are written short; a name anything outside the widget reads (the server's
// JSON, the browser, a publisher's options, the loader) keeps its name, or the bundle
// would break where the modules work. Run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { widgetOwnNames } from "../../widget/build.mjs";

describe("the widget's own names", () => {
  test("a property reached only through the widget is its own", async () => {
    const names = await widgetOwnNames([
      "class Widget { constructor() { this.listEl = null; } buildShell() { this.listEl = 1; } }",
      "export function draw(w) { w.listEl.append(w.buildShell()); }",
    ]);
    assert.deepEqual(names, ["buildShell", "listEl"]);
  });

  test("a name also read from something else keeps its name", async () => {
    const names = await widgetOwnNames([
      "class Widget { constructor(o) { this.statusEl = 1; this.user = null; this.onSsoExpired = o.onSsoExpired; this.target = 2; } }",
      "export const f = (data, event) => [data.user, event.target];",
      'export const g = (w) => w.statusEl;',
    ]);
    assert.deepEqual(names, ["statusEl"]);
  });

  test("a name in a string, an object key or a destructuring keeps its name", async () => {
    const names = await widgetOwnNames([
      'class Widget { constructor() { this.shell = 1; this.sheets = 2; this.els = 3; } }',
      'export const a = (w) => ({ shell: w.shell }); export const b = ({ sheets }) => sheets; export const c = (w) => w["els"] + "els";',
    ]);
    assert.deepEqual(names, []);
  });

  test("in the widget's sources: its elements are its own; what the loader or the server names is not", async () => {
    const names = await widgetOwnNames();
    for (const own of ["listEl", "statusEl", "renderComposer"]) assert.ok(names.includes(own), own);
    // destroy(): the loader calls it; the rest are the server's fields or the publisher's options.
    for (const shared of ["destroy", "user", "config", "state", "onSsoExpired", "then", "handleEvent"]) {
      assert.ok(!names.includes(shared), shared);
    }
  });
});
