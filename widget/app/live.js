/*
 * Following the thread live: one EventSource per widget, opened once the first page is
 * shown (this module is imported then). No cookies, no token: the stream carries only
 * what anyone may see. The browser reconnects by itself after a dropped connection and
 * sends Last-Event-ID, so the service replays what was missed (or says `reset`). A
 * stream it refused outright is tried again later from scratch (with backoff), and the
 * page is then reloaded in case news was missed. The widget's root says where it stands
 * in `data-live`: "connecting", "on" (news arrives as it happens) or "off".
 */

import { trustedHtml } from "../core/dom.js";
import { applyEvent, showFresh } from "./events.js";
import { editedMark, rebuildMain, refreshScore } from "./render.js";

export { applyEvent, showFresh };

const EVENTS = Object.freeze([
  "ready", "reset", "comment.created", "comment.updated", "comment.removed",
  "comment.voted", "thread.updated",
]);
// A stream the service refused (an HTTP error) is not retried by the browser: try again later.
const RETRY_MS = 15 * 1000;
const RETRY_MAX_MS = 5 * 60 * 1000;

/** The stream of widget `w`: `open()` (again, if closed), `close()`. */
export function follow(w) {
  let source = null;
  let timer = null;
  let delay = 0;
  let lastEventId = null;
  let opened = false; // a stream has said `ready` once
  let lost = false; // events may have been missed: reload when the next one is ready

  const setLive = (state) => w.shell && w.shell.setAttribute("data-live", state);

  function open() {
    if (source || timer || w.destroyed || typeof EventSource !== "function") return;
    // Resume from the last event seen, or from the page's own moment.
    const after = lastEventId || (w.state.info && w.state.info.last_event_id) || null;
    let stream;
    try {
      stream = new EventSource(w.api.eventsUrl(w.config.thread, after));
    } catch {
      return;
    }
    source = stream;
    setLive("connecting");
    for (const name of EVENTS) stream.addEventListener(name, (event) => onEvent(stream, name, event));
    stream.addEventListener("error", () => onError(stream));
  }

  function close() {
    if (source) source.close();
    source = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    setLive("off");
  }

  function onError(stream) {
    if (stream !== source) return;
    if (stream.readyState !== EventSource.CLOSED) {
      setLive("connecting"); // the browser is reconnecting, with Last-Event-ID
      return;
    }
    source = null;
    setLive("off");
    if (opened) lost = true;
    delay = Math.min(RETRY_MAX_MS, delay ? delay * 2 : RETRY_MS);
    timer = setTimeout(() => {
      timer = null;
      open();
    }, delay);
  }

  function onEvent(stream, name, event) {
    if (stream !== source || w.destroyed) return;
    if (event.lastEventId) lastEventId = event.lastEventId;
    if (name === "ready") {
      setLive("on");
      opened = true;
      delay = 0;
      if (lost) {
        lost = false;
        w.loadThread();
      }
      return;
    }
    if (name === "reset") {
      w.loadThread(); // the service no longer has what was missed
      return;
    }
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    w.news(name, data);
  }

  const onPageHide = () => {
    if (source || timer) lost = opened;
    close();
  };
  const onPageShow = (event) => {
    if (event.persisted) open(); // back from the back/forward cache
  };
  window.addEventListener("pagehide", onPageHide);
  window.addEventListener("pageshow", onPageShow);

  return Object.freeze({
    open,
    close() {
      close();
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
    },
  });
}

/** After others' edit: the new text and the "edited" mark, leaving any open form alone. */
export function refreshText(w, n) {
  const li = w.els.get(n.id);
  const main = li && li.querySelector(":scope > .cw-main");
  const body = main && main.querySelector(":scope > .comment-body");
  if (!body) return rebuildMain(w, n, false);
  body.replaceChildren(...trustedHtml("div", "", n.c.html).childNodes);
  const when = main.querySelector(".cw-when");
  if (n.c.edited_at && when) {
    const mark = when.querySelector(".cw-edited");
    if (mark) mark.replaceWith(editedMark(w, n.c));
    else when.append(editedMark(w, n.c));
  }
  refreshScore(w, n);
}
