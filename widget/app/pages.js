/*
 * The pages after the first, asked for when the reader wants them: the next page of
 * comments ("Load more comments") and a comment's next replies ("More replies"). Live
 * news arriving meanwhile waits for them (main.js hold and release).
 */

import { nextPage } from "./thread.js";

/** The next page of comments, from the button under the list. */
export async function loadMore(w) {
  if (!w.state.cursor) return;
  const seq = w.listSeq;
  const button = w.moreButton;
  button.disabled = true;
  button.textContent = w.t("list.loading");
  w.hold();
  try {
    const data = await w.api.list(w.config.thread, w.state.sort, w.state.cursor);
    if (seq === w.listSeq && !w.destroyed) w.apply(nextPage(w.state, data));
  } catch (error) {
    w.fail(error);
  } finally {
    button.disabled = false;
    button.textContent = w.t("list.more");
    w.release();
  }
}

/** The next replies under node `n`, from its "more replies" `button`. */
export async function loadReplies(w, n, button) {
  button.disabled = true;
  button.textContent = w.t("list.loading");
  w.hold();
  try {
    w.apply(nextPage(w.state, await w.api.replies(w.config.thread, n.id, n.more), n.id));
    if (!n.more) return button.remove();
  } catch (error) {
    w.fail(error);
  } finally {
    w.release();
  }
  button.disabled = false;
  button.textContent = w.t("replies.more");
}
