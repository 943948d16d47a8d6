/*
 * The account area above the thread: the providers' buttons, the wait for the login
 * window (and why it was lost); once logged in, reader.js draws it (the reader's name,
 * which opens the account panel kept in `w.accountPanel`, and logging out). Opening the
 * login window happens here, inside the click (or popup blockers step in); watching it
 * and taking its answer is login.js, asked for as it opens. Functions of the widget
 * instance `w` (main.js), which holds the state they change.
 */

import { avatar, webUrl } from "../core/avatar.js";
import { h } from "../core/dom.js";

/** The account area as the moment calls for; a focus that was in it stays in it. */
export function renderAccount(w) {
  const el = w.accountEl;
  if (!el) return;
  const root = el.getRootNode();
  const focused = el.contains(root.activeElement);
  drawAccount(w, el);
  if (focused && !el.contains(root.activeElement)) {
    const next = el.querySelector("button:not([disabled]), a[href], input, select, textarea");
    if (next) next.focus(); // the button pressed is gone (logged in, out, waiting): not to <body>
  }
}

function drawAccount(w, el) {
  if (w.loggedIn()) {
    // reader.js draws it; until it is in (main.js asks for it, then draws this again), the
    // area shows what it showed.
    if (w.reader) w.reader.drawAccount(w, el);
    else w.readerTools();
    return;
  }
  w.accountPanel = null;
  const buttons = (w.providers || []).map((provider) =>
    h(
      "button",
      {
        type: "button", class: "cw-btn cw-btn-login", "data-action": "login",
        "data-provider": provider.id, disabled: Boolean(w.waiting), onclick: () => login(w, provider),
      },
      w.t("login.with", { provider: provider.name || provider.id })
    )
  );
  let note;
  if (w.providers === null) note = w.t("login.loading");
  else if (w.providersError) note = w.providersError;
  else if (!buttons.length) note = w.t("login.unavailable");
  el.replaceChildren(
    h(
      "div",
      { class: "cw-login" },
      h("p", { class: "cw-login-text" }, w.t("login.prompt")),
      buttons.length ? h("div", { class: "cw-providers" }, buttons) : null,
      note ? h("p", { class: "cw-muted" }, note) : null,
      loginWait(w)
    )
  );
}

/** A person's picture (a web URL only) or their initials. */
export function avatarOf(person) {
  return avatar(person, { prefix: "cw-", src: person && webUrl(person.avatar_url, location.href) });
}

function button(text, action, onclick, className = "cw-btn") {
  return h("button", { type: "button", class: className, "data-action": action, onclick }, text);
}

/** While a login window is open: what to do there, and a way out; after one is lost: why, and a retry. */
function loginWait(w) {
  if (w.waiting) {
    return h(
      "div",
      { class: "cw-login-wait" },
      h("p", { class: "cw-muted" }, w.t("login.wait")),
      button(w.t("cancel"), "login-cancel", () => cancelLogin(w), "cw-btn cw-btn-quiet")
    );
  }
  if (!w.loginNotice) return null;
  const { provider, text } = w.loginNotice;
  return h(
    "div",
    { class: "cw-login-wait" },
    h("p", { class: "cw-login-lost", role: "alert" }, text),
    button(w.t("login.retry"), "login-retry", () => login(w, provider))
  );
}

/* Must run synchronously inside the click handler, or popup blockers step in. */
function login(w, provider) {
  const popup = window.open(w.api.loginUrl(provider.id, location.origin), "comments-login", "width=480,height=640");
  if (!popup) {
    w.say(w.t("login.blocked"), "error");
    return;
  }
  endLoginWait(w);
  w.popup = popup; // the last login window opened: the only source a token is taken from
  w.loginNotice = null;
  const seq = ++w.loginSeq;
  w.waiting = { provider, stop() {} };
  w.login().then((m) => m.watch(w, popup, seq), (error) => w.fail(error));
  w.say("");
  renderAccount(w);
  try {
    popup.focus();
  } catch {
    /* cross-origin focus may be refused */
  }
}

/** Stops watching the login window (its token, should one still arrive, is still taken). */
export function endLoginWait(w) {
  if (w.waiting) w.waiting.stop();
  w.waiting = null;
}

/** The reader gave up on the login window: close it and forget it. */
function cancelLogin(w) {
  const popup = w.popup;
  endLoginWait(w);
  w.popup = null;
  w.loginSeq += 1;
  try {
    if (popup) popup.close();
  } catch {
    /* a window this page lost the link to can't be closed from here */
  }
  renderAccount(w);
}
