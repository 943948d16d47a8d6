/*
 * Live news from others, applied to the thread state of thread.js (same steps). Pure;
 * imported with live.js once the first page shows. Every event is harmless when the
 * page already had what it says, so a page and its events may arrive in any order.
 */

import { countArrival } from "./arrivals.js";
import {
  addNode, byTime, has, isObject, node, personalise, removeNode,
} from "./thread.js";

/** The steps for event `name` carrying `data` (already parsed JSON). */
export function applyEvent(state, name, data) {
  if (!state.info || !isObject(data)) return [];
  if (name === "comment.created") return created(state, data);
  if (name === "comment.updated") return updated(state, data);
  if (name === "comment.removed") return removed(state, data);
  if (name === "comment.voted") return voted(state, data);
  if (name === "thread.updated") return threadUpdated(state, data);
  return [];
}

const freshIndex = (state, id) => state.fresh.findIndex((f) => String(f.id) === String(id));

/** A comment others now see: shown where it belongs, or counted while its place isn't loaded. */
function created(state, c) {
  if (!has(c.id)) return [];
  if (node(state, c.id)) return updated(state, c); // the reader's own post, or a page that had it
  if (freshIndex(state, c.id) >= 0) return [];
  return countArrival(state, c.id).concat(placeLive(state, personalise(state, c)) || []);
}

/**
 * Shows a comment that just became visible where the page has room for it (null when
 * it hasn't): among the replies it answers, or at the top level by its time. Under
 * "newest", one newer than all shown waits behind the "new comments" button (nothing
 * moves under the reader); under "top", a new comment (no score yet) goes last. A place
 * beyond the loaded pages (or replies) is left for them to bring.
 */
export function placeLive(state, c) {
  let n;
  if (has(c.parent_id)) {
    const parent = node(state, c.parent_id);
    n = parent && byTime(state, c, parent, "oldest", !parent.more);
  } else if (state.sort === "newest" && state.top.length &&
      !(Date.parse(node(state, state.top[0]).c.created_at) > Date.parse(c.created_at))) {
    state.fresh.push(c);
    return [{ op: "fresh" }];
  } else if (state.sort === "top") {
    n = state.cursor ? null : addNode(state, c, null);
  } else {
    n = byTime(state, c, null, state.sort, !state.cursor);
  }
  return n ? [{ op: "add", id: n.id, fresh: true }] : null;
}

/** What the reader's copy keeps from `before` when others' news about it arrives. */
export function ownParts(before, c) {
  const parts = { my_vote: before.my_vote, can_edit: before.can_edit, can_delete: before.can_delete };
  // The reader's own source text, while it is still the one shown; else the edit form starts from the new text.
  parts.body = typeof before.body === "string" && before.html === c.html ? before.body : undefined;
  if (before.moderation && before.status === c.status) parts.moderation = before.moderation;
  return parts;
}

/** An edit (or a moderator's change) others see: new text, same controls for this reader. */
function updated(state, c) {
  if (!has(c.id)) return [];
  const waiting = freshIndex(state, c.id);
  if (waiting >= 0) {
    const before = state.fresh[waiting];
    state.fresh[waiting] = Object.assign({}, before, c, ownParts(before, c));
    return [];
  }
  const n = node(state, c.id);
  if (!n) {
    // Visible again (a moderator's approval or undo) where the page has its place; or an
    // edit of a comment on a page not loaded, which that page will bring as it is.
    const placed = placeLive(state, personalise(state, c));
    return placed ? placed.concat(countArrival(state, c.id)) : [];
  }
  const before = n.c;
  const merged = Object.assign({}, before, c, ownParts(before, c));
  delete merged.replies; // the shown replies stay; the event carries none
  n.c = merged;
  // Published now: the reader's own held comment, approved; or an undone removal.
  const steps = before.status !== "approved" && merged.status === "approved" ? countArrival(state, c.id) : [];
  // A new status, or featured (or not) by staff: the comment itself is built again.
  const same = before.status === merged.status && Boolean(before.featured) === Boolean(merged.featured);
  return steps.concat({ op: same ? "text" : "main", id: n.id });
}

/** Gone for anonymous readers: removed, or a "deleted" tombstone while replies hang on it. */
function removed(state, data) {
  const id = data.id;
  if (!has(id)) return [];
  const waiting = freshIndex(state, id);
  if (waiting >= 0) {
    state.fresh.splice(waiting, 1);
    state.counted.delete(String(id));
    state.count -= 1;
    return [{ op: "fresh" }, { op: "count" }];
  }
  const n = node(state, id);
  if (!n || n.c.status === "rejected") return [];
  // Only its author sees a held comment: rejected now, perhaps (verdict.js asks).
  if (n.c.status === "pending") return [{ op: "recheck", id: n.id }];
  state.counted.delete(n.id);
  const steps = [];
  if (n.c.status === "approved" || n.c.status === undefined) {
    state.count -= 1;
    steps.push({ op: "count" });
  }
  // The reader's own comment stays with them, as the service now has it, rather than vanish.
  const mine = state.viewer && has(state.viewer.user) && n.c.author && String(n.c.author.id) === state.viewer.user;
  return steps.concat(mine && n.c.status !== "deleted" ? [{ op: "recheck", id: n.id }] : dropShown(state, n));
}

/** Takes a comment others no longer see off the screen (a tombstone while replies hang on it). */
export function dropShown(state, n) {
  if (n.kids.length) {
    if (n.c.status === "deleted") return [];
    n.c = Object.assign({}, n.c, {
      status: "deleted", html: "", body: undefined, can_edit: false, can_delete: false,
      author: { id: null, name: "[deleted]", avatar_url: null, badges: [] },
    });
    return [{ op: "main", id: n.id }];
  }
  const parent = node(state, n.parent);
  removeNode(state, n);
  const steps = [{ op: "drop", id: n.id }];
  // A tombstone left with no replies goes too, as the service drops it.
  if (parent && parent.c.status === "deleted" && !parent.more) return steps.concat(dropShown(state, parent));
  return steps;
}

function voted(state, data) {
  const score = Number(data.score);
  if (!has(data.id) || !Number.isFinite(score)) return [];
  const waiting = freshIndex(state, data.id);
  if (waiting >= 0) state.fresh[waiting] = Object.assign({}, state.fresh[waiting], { score });
  const n = node(state, data.id);
  if (!n) return [];
  n.c = Object.assign({}, n.c, { score }); // the reader's own my_vote stays as it is
  return [{ op: "score", id: n.id }];
}

function threadUpdated(state, data) {
  if (typeof data.closed !== "boolean" || state.closed === data.closed) return [];
  state.closed = data.closed;
  return [{ op: "closed" }];
}

/** The comments waiting behind the "new comments" button, shown at the top, newest first. */
export function showFresh(state) {
  const waiting = state.fresh.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  state.fresh = [];
  const steps = [{ op: "fresh" }];
  for (const c of waiting) {
    if (!node(state, c.id)) steps.push({ op: "add", id: addNode(state, c, null, 0).id, fresh: true });
  }
  return steps;
}
