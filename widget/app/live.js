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
import { FRESH_CSS } from "./fresh-styles.js";
import { editedMark, rebuildMain, refreshScore } from "./render.js";

const EVENTS = Object.freeze([
  "ready", "reset", "comment.created", "comment.updated", "comment.removed",
  "comment.voted", "thread.updated",
]);
// A stream the service refused (an HTTP error) is not retried by the browser: try again later.
const RETRY_MS = 15 * 1000;
const RETRY_MAX_MS = 5 * 60 * 1000;

/** The stream of widget `w`: `open()` (again, if closed), `close()`. */
export function follow(w) {
  w.style(FRESH_CSS); // for the comments it adds (main.js place)
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
      w.reached(false, performance.now()); // the service answers: a failure shown before is over
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
    news(w, name, data);
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

/** News from the stream: applied now, or once the pages loading have arrived (main.js release). */
function news(w, name, data) {
  if (w.holds > 0) w.backlog.push([name, data]);
  else applyNews(w, name, data);
}

export function applyNews(w, name, data) {
  try {
    const steps = applyEvent(w.state, name, data);
    steady(w, () => w.apply(steps)); // what the reader reads stays where it is
  } catch (error) {
    console.warn("Comments: could not apply a live update.", error);
  }
}

/** The "N new comments" button pressed: they show, and the focus goes to the newest. */
export function showFreshComments(w) {
  const steps = showFresh(w.state);
  w.apply(steps);
  const added = steps.filter((step) => step.op === "add").pop();
  const li = added && w.els.get(added.id);
  const main = li && li.querySelector(".cw-main");
  if (main) {
    main.setAttribute("tabindex", "-1");
    main.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
  }
}

/**
 * Runs `change` (news applied to the screen) without moving what the reader reads: the
 * first comment at the window's top (or, with the widget above the window, the widget's
 * end) is put back where it was. Browsers with scroll anchoring mostly do this already,
 * and then nothing is left to do; others (and pages that turn it off) need it done.
 */
export function steady(w, change) {
  const place = readingPlace(w);
  if (!place) return change();
  const [el, edge] = place;
  const before = el.getBoundingClientRect()[edge];
  change();
  if (!el.isConnected) return;
  const moved = el.getBoundingClientRect()[edge] - before;
  if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
}

/** What the reader would see move, and which of its edges: [element, "top" | "bottom"], or null. */
function readingPlace(w) {
  if (!w.listEl || !w.listEl.isConnected) return null;
  const list = w.listEl.getBoundingClientRect();
  // Below the window, or starting in it (what comes, comes in view): like browsers do, nothing.
  if (list.top >= 0) return null;
  if (w.el.getBoundingClientRect().bottom <= 0) return [w.el, "bottom"]; // the page after the widget
  for (const main of w.listEl.querySelectorAll(".cw-main")) {
    if (main.getBoundingClientRect().bottom > 0) return [main, "top"];
  }
  return null;
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
