// The thread as data (widget/app/thread.js, arrivals.js) and live news on it (events.js):
// pages and replies merged, the reader's viewer block, their own posts, and every live
// event, each answering the steps the screen takes. Run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ownEdit, ownPost } from "../../widget/app/arrivals.js";
import { applyEvent, showFresh } from "../../widget/app/events.js";
import { createThread, firstPage, nextPage, node, ownVote } from "../../widget/app/thread.js";

const at = (minute) => new Date(Date.UTC(2025, 0, 1, 12, minute)).toISOString();
const comment = (id, minute, extra = {}) => ({
  id, created_at: at(minute), status: "approved", html: `<p>${id}</p>`, score: 0,
  author: { id: "dev:" + id, name: id }, replies: [], ...extra,
});
const page = (comments, extra = {}) => ({
  thread: { key: "t", count: comments.length, closed: false, last_event_id: "1-0" },
  comments, next_cursor: null, ...extra,
});
const ops = (steps) => steps.map((s) => (s.id ? `${s.op} ${s.id}` : s.op));
const shown = (state, parent = null) => (parent ? node(state, parent).kids : state.top);

function loaded(sort, comments, extra) {
  const state = createThread(sort);
  firstPage(state, page(comments, extra));
  return state;
}

describe("pages", () => {
  test("a first page shows its comments and their replies, in order", () => {
    const state = createThread("oldest");
    const steps = firstPage(state, page([comment("a", 1, { replies: [comment("a1", 2)] }), comment("b", 3)]));
    assert.deepEqual(ops(steps), ["add a", "add b"]); // a's reply comes with it
    assert.deepEqual(shown(state), ["a", "b"]);
    assert.deepEqual(shown(state, "a"), ["a1"]);
    assert.equal(node(state, "a1").depth, 1);
    assert.equal(state.count, 2);
    assert.equal("replies" in node(state, "a").c, false);
  });

  test("a next page adds only what is new, and a first page forgets the old one", () => {
    const state = loaded("oldest", [comment("a", 1)], { next_cursor: "c1" });
    assert.equal(state.cursor, "c1");
    assert.deepEqual(ops(nextPage(state, page([comment("a", 1), comment("b", 2)]))), ["add b"]);
    assert.equal(state.cursor, null);
    firstPage(state, page([comment("z", 9)]));
    assert.deepEqual(shown(state), ["z"]);
    assert.equal(node(state, "a"), null);
  });

  test("replies load under their comment, and not at all once it is gone", () => {
    const state = loaded("oldest", [comment("a", 1, { replies: [comment("a1", 2)], replies_next_cursor: "r1" })]);
    assert.equal(node(state, "a").more, "r1");
    assert.deepEqual(ops(nextPage(state, page([comment("a2", 3)]), "a")), ["add a2"]);
    assert.deepEqual(shown(state, "a"), ["a1", "a2"]);
    assert.equal(node(state, "a").more, null);
    assert.deepEqual(nextPage(state, page([comment("x", 4)]), "gone"), []);
    assert.equal(node(state, "x"), null);
  });

  test("hostile page data is skipped, never thrown on", () => {
    const state = createThread("oldest");
    const steps = firstPage(state, { thread: "nope", comments: [null, 3, "x", [], { no: "id" }, comment("ok", 1)] });
    assert.deepEqual(ops(steps), ["add ok"]);
    assert.equal(state.count, 0);
    assert.deepEqual(firstPage(state, null), []);
    assert.deepEqual(firstPage(state, { comments: "many" }), []);
  });
});

describe("the reader's viewer block", () => {
  const viewer = (extra) => ({ votes: {}, can_edit: [], can_delete: [], own: [], ...extra });

  test("votes and rights go into the shared comments", () => {
    const state = loaded("oldest", [comment("a", 1), comment("b", 2)], {
      viewer: viewer({ votes: { a: 1, b: 7 }, can_edit: ["b"], can_delete: ["b"] }),
    });
    assert.equal(node(state, "a").c.my_vote, 1);
    assert.equal(node(state, "b").c.my_vote, null); // 7 is no vote
    assert.equal(node(state, "b").c.can_edit, true);
    assert.equal(node(state, "a").c.can_edit, false);
  });

  test("held comments wait until their place is loaded, then sit there by time", () => {
    const own = [
      comment("mine", 5, { status: "pending", author: { id: "dev:me" } }),
      comment("reply", 2, { status: "pending", parent_id: "later" }),
    ];
    const state = loaded("oldest", [comment("a", 1), comment("b", 9)], {
      next_cursor: "c", viewer: viewer({ own }),
    });
    assert.deepEqual(shown(state), ["a", "mine", "b"]);
    assert.deepEqual(state.waiting.map((c) => c.id), ["reply"]);
    const steps = nextPage(state, page([comment("later", 10)], { viewer: viewer({ own }) }));
    assert.deepEqual(ops(steps), ["add later", "add reply"]);
    assert.deepEqual(shown(state, "later"), ["reply"]);
  });

  test("a held comment newer than a page that is not the last waits for the next one", () => {
    const own = [comment("mine", 50, { status: "pending" })];
    const state = loaded("oldest", [comment("a", 1)], { next_cursor: "c", viewer: viewer({ own }) });
    assert.deepEqual(shown(state), ["a"]);
    nextPage(state, page([comment("b", 60)]));
    assert.deepEqual(shown(state), ["a", "mine", "b"]);
  });

  test("newest first puts it by time the other way; top puts it first", () => {
    const own = [comment("mine", 5, { status: "pending" })];
    const newest = loaded("newest", [comment("b", 9), comment("a", 1)], { viewer: viewer({ own }) });
    assert.deepEqual(shown(newest), ["b", "mine", "a"]);
    const top = loaded("top", [comment("b", 9), comment("a", 1)], { viewer: viewer({ own }) });
    assert.deepEqual(shown(top), ["mine", "b", "a"]);
  });
});

describe("the reader's own writes", () => {
  test("a new comment shows at once, counted once, however its news arrives", () => {
    const state = loaded("oldest", [comment("a", 1)]);
    assert.deepEqual(ops(ownPost(state, comment("mine", 2))), ["add mine", "count"]);
    assert.equal(state.count, 2);
    assert.deepEqual(ops(applyEvent(state, "comment.created", comment("mine", 2))), ["text mine"]);
    assert.equal(state.count, 2);
  });

  test("its live news first, then the answer: one copy, counted once", () => {
    const state = loaded("oldest", [comment("a", 1)]);
    applyEvent(state, "comment.created", comment("mine", 2));
    assert.deepEqual(ops(ownPost(state, comment("mine", 2, { can_edit: true }))), ["main mine"]);
    assert.deepEqual(shown(state), ["a", "mine"]);
    assert.equal(state.count, 2);
    assert.equal(node(state, "mine").c.can_edit, true);
  });

  test("newest first puts a new comment on top; a reply goes under its comment; held is not counted", () => {
    const state = loaded("newest", [comment("a", 1)]);
    ownPost(state, comment("mine", 2, { status: "pending" }));
    assert.deepEqual(shown(state), ["mine", "a"]);
    assert.equal(state.count, 1);
    ownPost(state, comment("re", 3, { parent_id: "a" }), "a");
    assert.deepEqual(shown(state, "a"), ["re"]);
  });

  test("an edit keeps the written source; a vote is remembered for the next page", () => {
    const state = loaded("oldest", [comment("a", 1)], { viewer: { votes: {} } });
    assert.deepEqual(ops(ownEdit(state, "a", { html: "<p>new</p>", status: "pending" }, "new")), ["main a"]);
    assert.equal(node(state, "a").c.body, "new");
    assert.equal(node(state, "a").c.status, "pending");
    assert.deepEqual(ops(ownVote(state, "a", { score: 1, my_vote: 1 }, 1)), ["score a"]);
    assert.equal(state.viewer.votes.get("a"), 1);
    ownVote(state, "a", { score: 0, my_vote: null }, 0);
    assert.equal(state.viewer.votes.has("a"), false);
  });
});

describe("live news", () => {
  test("a new comment goes in its place by time, counted; a reply under its comment", () => {
    const state = loaded("oldest", [comment("a", 1), comment("c", 3)]);
    assert.deepEqual(ops(applyEvent(state, "comment.created", comment("b", 2))), ["count", "add b"]);
    assert.deepEqual(shown(state), ["a", "b", "c"]);
    applyEvent(state, "comment.created", comment("a1", 4, { parent_id: "a" }));
    assert.deepEqual(shown(state, "a"), ["a1"]);
    assert.equal(state.count, 4);
  });

  test("one beyond the loaded pages is counted but left for them to bring", () => {
    const state = loaded("oldest", [comment("a", 1)], { next_cursor: "c" });
    assert.deepEqual(ops(applyEvent(state, "comment.created", comment("z", 50))), ["count"]);
    assert.deepEqual(shown(state), ["a"]);
  });

  test("newest first: a newer comment waits behind the button, then shows on top", () => {
    const state = loaded("newest", [comment("b", 2), comment("a", 1)]);
    assert.deepEqual(ops(applyEvent(state, "comment.created", comment("c", 3))), ["count", "fresh"]);
    applyEvent(state, "comment.created", comment("d", 4));
    assert.deepEqual(shown(state), ["b", "a"]); // nothing moved under the reader
    applyEvent(state, "comment.voted", { id: "c", score: 5 });
    assert.deepEqual(ops(showFresh(state)), ["fresh", "add c", "add d"]);
    assert.deepEqual(shown(state), ["d", "c", "b", "a"]);
    assert.equal(node(state, "c").c.score, 5);
  });

  test("an edit changes the text and keeps the reader's vote and rights; a status change rebuilds", () => {
    const state = loaded("oldest", [comment("a", 1, { my_vote: 1, can_edit: true, body: "src" })]);
    const steps = applyEvent(state, "comment.updated", comment("a", 1, { html: "<p>edited</p>", my_vote: null, can_edit: false }));
    assert.deepEqual(ops(steps), ["text a"]);
    assert.equal(node(state, "a").c.html, "<p>edited</p>");
    assert.equal(node(state, "a").c.my_vote, 1);
    assert.equal(node(state, "a").c.can_edit, true);
    assert.equal(node(state, "a").c.body, undefined); // the edit form starts from the new text
    assert.deepEqual(ops(applyEvent(state, "comment.updated", comment("a", 1, { status: "deleted" }))), ["main a"]);
  });

  test("the reader's held comment, approved, is published and counted", () => {
    const own = [comment("mine", 2, { status: "pending" })];
    const state = loaded("oldest", [comment("a", 1)], { viewer: { own } });
    assert.equal(state.count, 1);
    assert.deepEqual(ops(applyEvent(state, "comment.updated", comment("mine", 2))), ["count", "main mine"]);
    assert.equal(state.count, 2);
  });

  test("a removal drops the comment, or leaves a tombstone while replies hang on it", () => {
    const state = loaded("oldest", [comment("a", 1, { replies: [comment("a1", 2)] }), comment("b", 3)]);
    state.count = 3;
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "a" })), ["count", "main a"]);
    assert.equal(node(state, "a").c.status, "deleted");
    assert.equal(node(state, "a").c.author.name, "[deleted]");
    // Its last reply goes: the tombstone goes with it.
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "a1" })), ["count", "drop a1", "drop a"]);
    assert.deepEqual(shown(state), ["b"]);
    assert.equal(state.count, 1);
  });

  test("news about the reader's own held comment does not remove their copy: it is asked after", () => {
    const state = loaded("oldest", [], { viewer: { own: [comment("mine", 1, { status: "pending" })] } });
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "mine" })), ["recheck mine"]);
    assert.deepEqual(shown(state), ["mine"]);
  });

  test("a comment waiting behind the button can be removed from there", () => {
    const state = loaded("newest", [comment("a", 1)]);
    applyEvent(state, "comment.created", comment("b", 2));
    assert.deepEqual(ops(applyEvent(state, "comment.removed", { id: "b" })), ["fresh", "count"]);
    assert.equal(state.fresh.length, 0);
    assert.equal(state.count, 1);
  });

  test("votes move the score only; the thread closing and opening is told once each", () => {
    const state = loaded("oldest", [comment("a", 1, { my_vote: -1 })]);
    assert.deepEqual(ops(applyEvent(state, "comment.voted", { id: "a", score: "4" })), ["score a"]);
    assert.equal(node(state, "a").c.score, 4);
    assert.equal(node(state, "a").c.my_vote, -1);
    assert.deepEqual(applyEvent(state, "comment.voted", { id: "a", score: "lots" }), []);
    assert.deepEqual(ops(applyEvent(state, "thread.updated", { closed: true })), ["closed"]);
    assert.deepEqual(applyEvent(state, "thread.updated", { closed: true }), []);
    assert.deepEqual(applyEvent(state, "thread.updated", { closed: "yes" }), []);
    assert.equal(state.closed, true);
  });

  test("news before the first page, unknown events and hostile data change nothing", () => {
    const empty = createThread("oldest");
    assert.deepEqual(applyEvent(empty, "comment.created", comment("a", 1)), []);
    const state = loaded("oldest", [comment("a", 1)]);
    for (const data of [null, [], "x", 5, {}, { id: null }]) {
      for (const name of ["comment.created", "comment.updated", "comment.removed", "comment.voted", "nope"]) {
        assert.deepEqual(applyEvent(state, name, data), [], `${name} ${JSON.stringify(data)}`);
      }
    }
    assert.deepEqual(shown(state), ["a"]);
    assert.equal(state.count, 1);
  });
});
