/*
 * Permalinks: each comment's time links to `threadUrl#comment-<id>` (render.js). A page
 * opened with such a hash, or moving to one, loads the page that holds the comment
 * (`?around=`, main.js) and this module, asked for then, shows it: scrolled into view,
 * highlighted, focused for screen readers. A "Show from the start" button leads back to
 * the thread's first page. A comment the page doesn't hold (hidden, removed) gets a short
 * notice and the first page as usual (asked for again: the service may have answered the
 * page where the comment would have been).
 */

import { h } from "../core/dom.js";

const CSS = `
  .cw-target > .cw-main { background: var(--note-bg); box-shadow: 0 0 0 0.4rem var(--note-bg); border-radius: 2px; }
  .cw-target > .cw-main:focus { outline: 2px solid var(--focus); outline-offset: 0.4rem; }
  .cw-from-start { margin: 0.5rem 0 1rem; }
`;

/** A first page has come (or the hash moved to a comment shown): the linked comment, if any. */
export async function arrived(w) {
  w.style(CSS);
  const id = w.target;
  w.target = null;
  const li = id && w.els.get(id);
  if (id && !li) {
    // Not on its page (hidden, removed): the thread's first page, as if there were no link.
    const reload = Boolean(w.around);
    w.around = null;
    startButton(w);
    if (reload) await w.loadThread();
    if (!w.destroyed) w.say(w.t("permalink.missing"));
    return;
  }
  startButton(w);
  if (li) highlight(w, li);
}

/** The comment of `li` marked, focused (screen readers read its author and time) and in view. */
function highlight(w, li) {
  for (const old of w.listEl.querySelectorAll(".cw-target")) old.classList.remove("cw-target");
  li.classList.add("cw-target");
  const main = li.querySelector(":scope > .cw-main");
  if (!main) return;
  main.setAttribute("tabindex", "-1");
  main.focus({ preventScroll: true });
  // Centred, unless it is taller than most of the window: then its start.
  main.scrollIntoView({ block: main.offsetHeight > window.innerHeight * 0.8 ? "start" : "center" });
}

/** The "Show from the start" button above the list, while the page shown begins elsewhere. */
function startButton(w) {
  if (!w.around) {
    if (w.fromStart) w.fromStart.remove();
    w.fromStart = null;
    return;
  }
  if (!w.fromStart) {
    w.fromStart = h("button", {
      type: "button", class: "cw-btn cw-btn-quiet cw-from-start", "data-action": "from-start",
      onclick: () => showFromStart(w),
    }, w.t("permalink.start"));
  }
  if (!w.fromStart.isConnected) w.listEl.before(w.fromStart);
}

/** The thread's first page again, the reader taken to its top. */
export async function showFromStart(w) {
  w.target = w.around = null;
  await w.loadThread();
  if (w.around || w.destroyed) return;
  const first = w.listEl.querySelector(":scope > li > .cw-main");
  if (first) {
    first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
  }
  w.shell.scrollIntoView({ block: "start" });
}
