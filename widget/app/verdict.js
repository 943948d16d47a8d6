/*
 * The reader's own comment left what others see (a moderator rejected it, or took back
 * its approval): instead of vanishing, it stays in its place as the service now has it,
 * marked with its status and the reasons (a page's `viewer.own` carries them). Asked for
 * when such news arrives (events.js answers a "recheck" step); pure `ownVerdict` beside it.
 */

import { dropShown } from "./events.js";
import { isObject, node, personalise } from "./thread.js";

/** Asks the service for the reader's own copy of node `n` and shows it, or takes `n` away. */
export async function recheck(w, n) {
  let data = null;
  if (w.loggedIn()) {
    try {
      data = await w.api.list(w.config.thread, w.state.sort, null);
    } catch (error) {
      if (w.ignorable(error)) return;
    }
  }
  if (node(w.state, n.id) !== n) return; // a page loaded meanwhile has it as it is now
  w.apply(ownVerdict(w.state, n, data));
}

/** The steps for node `n` once `data` (a page read with the reader's token, or null) is in. */
export function ownVerdict(state, n, data) {
  const own = data && isObject(data.viewer) && Array.isArray(data.viewer.own) ? data.viewer.own : [];
  const copy = own.find((c) => isObject(c) && String(c.id) === n.id);
  if (!copy) return dropShown(state, n); // deleted, or the service couldn't be asked
  n.c = personalise(state, copy);
  delete n.c.replies; // the replies shown stay
  return [{ op: "main", id: n.id }];
}
