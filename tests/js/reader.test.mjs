// The reader's features in the widget's pure parts: which hashes are permalinks
// (widget/app/main.js), and the reader's own comment leaving what others see, which stays
// with them marked as the service has it (widget/app/events.js, widget/app/verdict.js).
// Run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { applyEvent } from "../../widget/app/events.js";
import { linkedComment } from "../../widget/app/main.js";
import { createThread, firstPage, node } from "../../widget/app/thread.js";
import { ownVerdict } from "../../widget/app/verdict.js";

const ID = "01HZY3K8W8XJ3V6G0M9Q2R7T5A";
const at = (minute) => new Date(Date.UTC(2025, 0, 1, 12, minute)).toISOString();
const comment = (id, minute, extra = {}) => ({
  id, created_at: at(minute), status: "approved", html: `<p>${id}</p>`, score: 0,
  author: { id: "dev:" + id, name: id }, replies: [], ...extra,
});
const ops = (steps) => steps.map((s) => (s.id ? `${s.op} ${s.id}` : s.op));

/** A page read by reader `me` (the viewer block names them), with `comments` shown. */
function read(comments, me = "dev:anna", own = []) {
  const state = createThread("oldest");
  firstPage(state, {
    thread: { key: "t", count: comments.length, closed: false },
    comments, next_cursor: null,
    viewer: { user_id: me, votes: {}, can_edit: [], can_delete: [], own },
  });
  return state;
}

describe("permalinks", () => {
  test("a hash naming a comment's id links to it; anything else is no link", () => {
    assert.equal(linkedComment("#comment-" + ID), ID);
    for (const hash of ["", "#", "#comments", "#comment-", "#comment-" + ID.toLowerCase(),
      "#comment-" + ID + "x", "#comment-" + ID.slice(1), "#comment-01HZY3K8W8XJ3V6G0M9Q2R7T5I",
      "#x#comment-" + ID, null, undefined]) {
      assert.equal(linkedComment(hash), null, String(hash));
    }
  });
});

describe("the reader's own comment leaving the public thread", () => {
  test("their published comment removed: counted out, and asked after rather than dropped", () => {
    const state = read([comment("anna", 1), comment("boris", 2)]);
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "anna" })), ["count", "recheck anna"]);
    assert.equal(state.count, 1);
    assert.ok(node(state, "anna"));
    // Someone else's goes at once, as before.
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "boris" })), ["count", "drop boris"]);
  });

  test("the service's copy marks it rejected, with the reasons, in its place", () => {
    const state = read([comment("anna", 1), comment("boris", 2)]);
    applyEvent(state, "comment.removed", { id: "anna" });
    const reasons = [{ code: "PROFANITY", message: "Mind the language." }];
    const copy = comment("anna", 1, { status: "rejected", body: "anna", moderation: { reasons }, replies: [comment("x", 3)] });
    const n = node(state, "anna");
    assert.deepEqual(ops(ownVerdict(state, n, { comments: [], viewer: { own: [copy] } })), ["main anna"]);
    assert.equal(n.c.status, "rejected");
    assert.deepEqual(n.c.moderation.reasons, reasons);
    assert.equal("replies" in n.c, false);
    assert.deepEqual(state.top, ["anna", "boris"]);
  });

  test("no copy (deleted, or the service out of reach): it goes as others' do", () => {
    const state = read([comment("anna", 1)]);
    applyEvent(state, "comment.removed", { id: "anna" });
    assert.deepEqual(ops(ownVerdict(state, node(state, "anna"), { comments: [], viewer: { own: [] } })), ["drop anna"]);
    assert.equal(node(state, "anna"), null);
    const again = read([], "dev:anna", [comment("anna", 1, { status: "pending" })]);
    assert.deepEqual(ops(applyEvent(again, "comment.removed", { id: "anna" })), ["recheck anna"]);
    assert.deepEqual(ops(ownVerdict(again, node(again, "anna"), null)), ["drop anna"]);
  });

  test("a page without the reader's name in its viewer block drops as before", () => {
    const state = createThread("oldest");
    firstPage(state, { thread: { key: "t", count: 1 }, comments: [comment("anna", 1)], next_cursor: null });
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "anna" })), ["count", "drop anna"]);
  });
});
