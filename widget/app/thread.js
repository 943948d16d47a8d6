/*
 * The thread as plain data, and the ways it changes: pages and replies arriving, the
 * reader's own parts (a page's `viewer` block), their new posts and edits. Pure (no DOM,
 * no network), so node tests it. A change answers the steps the screen takes, in order:
 *   {op: "add", id, fresh}  show the comment (with its replies) in its place
 *   {op: "main", id}        rebuild the comment itself: its status or controls changed
 *   {op: "text", id}        new text and score only (a form open on it stays)
 *   {op: "score", id} · {op: "drop", id} · {op: "count"} · {op: "fresh"} · {op: "closed"}
 * Live news from others goes through events.js, on the same state; the changes only
 * writing or live news make (the reader's own post or edit, an arrival counted) are in
 * arrivals.js, asked for with them.
 *
 * A node is {id, c (the comment as shown, without replies), parent, depth, kids, more
 * (the cursor of its further replies)}; `top` lists the top-level ids in screen order.
 */

export const has = (value) => value !== null && value !== undefined;
export const isObject = (value) => Boolean(value) && typeof value === "object" && !Array.isArray(value);
const list = (value) => (Array.isArray(value) ? value : []);
const time = (c) => Date.parse(c.created_at);

/** An empty thread shown in `sort` order. */
export function createThread(sort) {
  return reset({ sort });
}

function reset(state) {
  return Object.assign(state, {
    info: null, count: 0, closed: false, cursor: null, nodes: new Map(), top: [],
    viewer: null, waiting: [], fresh: [], counted: new Set(),
  });
}

/** The node of comment `id`, or null. */
export function node(state, id) {
  return (has(id) && state.nodes.get(String(id))) || null;
}

/** A first page (again): what was shown before is forgotten. */
export function firstPage(state, data) {
  reset(state);
  const info = isObject(data && data.thread) ? data.thread : {};
  state.info = info;
  state.closed = Boolean(info.closed);
  state.count = Number.isFinite(info.count) ? info.count : 0;
  return nextPage(state, data);
}

/** The next page of top-level comments, or of the replies under `parentId`. */
export function nextPage(state, data, parentId = null) {
  const parent = node(state, parentId);
  if (has(parentId) && !parent) return [];
  absorbViewer(state, data);
  const steps = addAll(state, list(data && data.comments), parent).map((id) => ({ op: "add", id }));
  const cursor = (data && data.next_cursor) || null;
  if (parent) parent.more = cursor;
  else state.cursor = cursor;
  return steps.concat(placeOwn(state));
}

/** Adds the comments not shown yet under `parent` (and their replies); answers their ids. */
function addAll(state, comments, parent) {
  const added = [];
  for (const c of comments) {
    if (!isObject(c) || !has(c.id) || node(state, c.id)) continue;
    added.push(addNode(state, personalise(state, c), parent).id);
  }
  return added;
}

/** Puts `c` at `index` among `parent`'s replies (or the top level); the end by default. */
export function addNode(state, c, parent, index) {
  const { replies, replies_next_cursor: more, ...shown } = c;
  const n = {
    id: String(c.id), c: shown, parent: parent ? parent.id : null,
    depth: parent ? parent.depth + 1 : 0, kids: [], more: more || null,
  };
  const ids = parent ? parent.kids : state.top;
  ids.splice(index === undefined ? ids.length : index, 0, n.id);
  state.nodes.set(n.id, n);
  addAll(state, list(replies), n);
  return n;
}

/** Takes the node out (its replies too). */
export function removeNode(state, n) {
  const parent = node(state, n.parent);
  const ids = parent ? parent.kids : state.top;
  ids.splice(ids.indexOf(n.id), 1);
  for (const id of n.kids) removeNode(state, state.nodes.get(id));
  state.nodes.delete(n.id);
}

/**
 * A page's `viewer` block: the reader's votes and rights are kept (the shared comments
 * carry anonymous values); their held comments wait for their place to be on screen.
 * A page without the block carries these parts in each comment, as the service used to.
 */
export function absorbViewer(state, data) {
  const block = data && data.viewer;
  if (!isObject(block)) return;
  const v = state.viewer || (state.viewer = { votes: new Map(), canEdit: new Set(), canDelete: new Set() });
  if (has(block.user_id)) v.user = String(block.user_id); // whose own comments are whose
  for (const [id, value] of Object.entries(isObject(block.votes) ? block.votes : {})) {
    if (value === 1 || value === -1) v.votes.set(id, value);
  }
  for (const id of list(block.can_edit)) v.canEdit.add(String(id));
  for (const id of list(block.can_delete)) v.canDelete.add(String(id));
  for (const c of list(block.own)) {
    if (isObject(c) && has(c.id) && !state.waiting.some((w) => String(w.id) === String(c.id))) state.waiting.push(c);
  }
}

/** A shared comment with this reader's vote and rights put in. */
export function personalise(state, c) {
  const v = state.viewer;
  if (!v) return c;
  const id = String(c.id);
  return Object.assign({}, c, {
    my_vote: v.votes.has(id) ? v.votes.get(id) : c.my_vote === 1 || c.my_vote === -1 ? c.my_vote : null,
    can_edit: v.canEdit.has(id) || c.can_edit === true,
    can_delete: v.canDelete.has(id) || c.can_delete === true,
  });
}

/** Shows the reader's held comments whose place is on screen now. */
function placeOwn(state) {
  const steps = [];
  state.waiting = state.waiting.filter((c) => {
    if (node(state, c.id)) return false;
    const parent = node(state, c.parent_id);
    if (has(c.parent_id) && !parent) return true;
    // Replies run oldest first.
    const n = parent
      ? byTime(state, personalise(state, c), parent, "oldest", !parent.more)
      : byTime(state, personalise(state, c), null, state.sort, !state.cursor);
    if (n) steps.push({ op: "add", id: n.id });
    return !n;
  });
  return steps;
}

/**
 * Adds `c` among the shown comments by its time; under "top", first (a comment with no
 * score yet, where its author looks). Null, adding nothing, when its place lies beyond
 * what is loaded (`complete` false: more comments would come after the shown ones).
 */
export function byTime(state, c, parent, sort, complete) {
  const ids = parent ? parent.kids : state.top;
  let index = 0;
  if (sort !== "top") {
    const when = time(c);
    index = ids.findIndex((id) => {
      const then = time(state.nodes.get(id).c);
      return sort === "newest" ? then < when : then > when;
    });
    if (index < 0) {
      if (!complete) return null;
      index = ids.length;
    }
  }
  return addNode(state, c, parent, index);
}

/** The reader's own vote on `id`, as the service answered it (`value` is what they asked). */
export function ownVote(state, id, answer, value) {
  const n = node(state, id);
  if (!n) return [];
  const a = isObject(answer) ? answer : {};
  const myVote = a.my_vote !== undefined ? a.my_vote : value;
  n.c = Object.assign({}, n.c, { score: a.score !== undefined ? a.score : n.c.score, my_vote: myVote });
  if (state.viewer) {
    if (myVote === 1 || myVote === -1) state.viewer.votes.set(n.id, myVote);
    else state.viewer.votes.delete(n.id);
  }
  return [{ op: "score", id: n.id }];
}
