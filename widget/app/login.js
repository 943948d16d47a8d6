/*
 * The login window, once it is open (account.js opens it, inside the click, and asks
 * for this module): its answer, and what became of it when none comes.
 *
 * The window is on the service's origin and posts the token to this page's exact
 * origin; only a message from that very window and origin, for this site, is taken.
 * It is watched until it answers, so a lost one never leaves the widget waiting:
 * `closed` reads true when the reader closes it, and also (in Chromium, as soon as the
 * provider's page loads) when this page's `Cross-Origin-Opener-Policy: same-origin`
 * cuts the link while the window stays open.
 */

import { endLoginWait, renderAccount } from "./account.js";

// The wait for the window and, once it is lost, why and a retry (account.js loginWait).
const LOGIN_CSS = `
  .cw-login-wait { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.5rem; }
  .cw-login-wait .cw-muted { margin: 0; }
  .cw-login-lost { margin: 0; flex-basis: 100%; font-size: 0.9rem; color: var(--error); }
`;

const POLL_MS = 500;
// The callback posts its token and closes at once; let a message already on its way land.
const GRACE_MS = 1000;
// The service forgets a login's state after ten minutes: no answer can come later than that.
const TIMEOUT_MS = 10 * 60 * 1000;

/** The login a message carries ({token, user}) when it is the window's answer, else null. */
export function loginAnswer(event, { origin, popup, site }) {
  if (event.origin !== origin || !popup || event.source !== popup) return null;
  const data = event.data;
  if (!data || typeof data !== "object" || data.type !== "comments:login") return null;
  if (data.site !== site || typeof data.token !== "string" || !data.token) return null;
  const user = data.user && typeof data.user === "object" ? data.user : {};
  return {
    token: data.token,
    user: { id: user.id, name: user.name, avatar_url: user.avatar_url, roles: [], banned: false },
  };
}

/** Calls `onLost("closed" | "timeout")` once unless stopped first; answers the stop function. */
function watchPopup(popup, onLost) {
  let grace = null;
  const finish = (reason) => {
    stop();
    onLost(reason);
  };
  const poll = setInterval(() => {
    let closed;
    try {
      closed = popup.closed;
    } catch {
      closed = true;
    }
    if (closed && grace === null) grace = setTimeout(() => finish("closed"), GRACE_MS);
  }, POLL_MS);
  const timeout = setTimeout(() => {
    try {
      popup.close();
    } catch {
      /* a window this page lost the link to can't be closed from here */
    }
    finish("timeout");
  }, TIMEOUT_MS);
  function stop() {
    clearInterval(poll);
    clearTimeout(timeout);
    if (grace !== null) clearTimeout(grace);
  }
  return stop;
}

/** This page's own opener policy ("same-origin", …), read from a HEAD of it; null when unknown. */
async function pageOpenerPolicy(signal) {
  try {
    const response = await fetch(location.href, { method: "HEAD", credentials: "same-origin", cache: "no-store", signal });
    if (!response.ok) return null;
    const value = response.headers.get("Cross-Origin-Opener-Policy") || "unsafe-none";
    return value.split(";")[0].trim().toLowerCase();
  } catch {
    return null;
  }
}

/** Why a login window went quiet: "closed", "severed", "unknown" or "timeout" ("login.lost.<why>"). */
async function diagnoseLostPopup(reason, signal) {
  if (reason !== "closed") return reason;
  const policy = await pageOpenerPolicy(signal);
  if (policy === null) return "unknown";
  // `same-origin` puts any popup on another origin in a new browsing context group.
  return policy === "same-origin" ? "severed" : "closed";
}

/** Watches the window `popup` opened for login number `seq` until it answers or is lost. */
export function watch(w, popup, seq) {
  w.style(LOGIN_CSS);
  if (!w.waiting || seq !== w.loginSeq) return;
  w.waiting.stop = watchPopup(popup, (reason) => loginLost(w, seq, reason));
}

/** The login window closed, was cut off or timed out without a token: say which, offer a retry. */
async function loginLost(w, seq, reason) {
  if (seq !== w.loginSeq || !w.waiting) return;
  const provider = w.waiting.provider;
  w.waiting = null;
  renderAccount(w);
  const kind = await diagnoseLostPopup(reason, w.aborter.signal);
  if (w.destroyed || seq !== w.loginSeq || w.waiting || w.loggedIn()) return;
  w.loginNotice = { provider, text: w.t("login.lost." + kind) };
  renderAccount(w);
}

/** A `message` on the window: the login window's answer, or someone else's to ignore. */
export function onLoginMessage(w, event) {
  const answer = loginAnswer(event, { origin: w.config.origin, popup: w.popup, site: w.config.site });
  if (!answer) return;
  endLoginWait(w);
  w.loginSeq += 1;
  w.loginNotice = null;
  w.popup = null;
  w.tokens.set(answer.token);
  w.user = answer.user;
  w.say("");
  afterLogin(w);
}

/** A token arrived (here, or in another tab): confirm it, then show the thread as this reader. */
export async function afterLogin(w) {
  renderAccount(w);
  await w.confirmUser();
  if (w.loggedIn()) {
    endLoginWait(w);
    w.loginNotice = null;
  }
  renderAccount(w);
  if (w.loggedIn()) w.say(w.t("login.done", { name: w.user.name || w.t("account.reader") }));
  await w.loadThread();
}
