/*
 * The changes of the thread state (thread.js) that come only after the first screen:
 * the reader's own post or edit (composer.js, edit.js), and an arrival counted or a
 * waiting one forgotten (events.js, for live news). Pure, tested with thread.js.
 */

import { addNode, has, isObject, node } from "./thread.js";

/** Moves the count once per comment, however many ways its arrival is heard of. */
export function countArrival(state, id) {
  const key = String(id);
  if (state.counted.has(key)) return [];
  state.counted.add(key);
  state.count += 1;
  return [{ op: "count" }];
}

/** Forgets a comment waiting behind the "new comments" button. */
export function dropFresh(state, id) {
  const before = state.fresh.length;
  state.fresh = state.fresh.filter((f) => String(f.id) !== String(id));
  return state.fresh.length === before ? [] : [{ op: "fresh" }];
}

/** The reader's own new comment (a reply to `repliedTo`): shown at once, where they look. */
export function ownPost(state, c, repliedTo = null) {
  if (!isObject(c) || !has(c.id)) return [];
  const steps = dropFresh(state, c.id);
  const shown = node(state, c.id);
  if (shown) {
    shown.c = c; // its live news came first
    steps.push({ op: "main", id: shown.id });
  } else {
    const parent = node(state, c.parent_id) || node(state, repliedTo);
    const n = addNode(state, c, parent, !parent && state.sort === "newest" ? 0 : undefined);
    steps.push({ op: "add", id: n.id });
  }
  return c.status === "approved" ? steps.concat(countArrival(state, c.id)) : steps;
}

/** The reader's own edit of `id`, as the service answered it (`text` is what they wrote). */
export function ownEdit(state, id, answer, text) {
  const n = node(state, id);
  if (!n) return [];
  n.c = Object.assign({}, n.c, isObject(answer) ? answer : {}, { body: text });
  delete n.c.replies;
  return [{ op: "main", id: n.id, focus: true }];
}
