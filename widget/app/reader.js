/*
 * What only a logged-in reader's screen shows: their name (which opens the account
 * panel), roles and logout; the edit and delete buttons of what they may change; the
 * note on their own comment held or rejected, with the service's reasons; why they may
 * not post while banned. An anonymous reader, most of the audience, never downloads it:
 * main.js asks for it as a reader logs in (the loader already, beside the first screen,
 * when a login is stored), and draws what needs it again once it is in.
 */

import { h } from "../core/dom.js";
import { avatarOf, renderAccount } from "./account.js";

export const READER_CSS = `
  .cw-me { display: flex; align-items: center; gap: 0.6rem; }
  .cw-me-name { margin: 0; flex: 1; font-size: 0.95rem; }
  .cw-me-toggle { padding: 0; border: 0; background: none; cursor: pointer; text-decoration: underline dotted; text-underline-offset: 3px; }
  .cw-ban-reason { display: block; margin-top: 0.25rem; overflow-wrap: anywhere; }
  .cw-moderation { margin: 0.3rem 0 0.5rem; padding: 0.5rem 0.7rem; border-radius: 4px; background: var(--note-bg); color: var(--note-fg); font-size: 0.875rem; }
  .cw-reasons { margin: 0.3rem 0 0; padding-left: 1.2rem; }
  .cw-action[data-action="delete"]:hover { color: var(--error); }
`;

/** The account area of a logged-in reader: who they are, their roles, logging out. */
export function drawAccount(w, el) {
  w.style(READER_CSS);
  const roles = Array.isArray(w.user.roles) ? w.user.roles : [];
  el.replaceChildren(
    h(
      "div",
      { class: "cw-me" },
      avatarOf(w.user),
      h(
        "p",
        { class: "cw-me-name" },
        w.i18n.parts("account.as", {
          // The name opens the account panel (account-panel.js, asked for on the first click).
          name: h("button", {
            type: "button", class: "cw-me-toggle", "data-action": "account", "aria-expanded": String(Boolean(w.accountPanel)),
            onclick: ({ currentTarget }) =>
              w.need(import("./account-panel.js")).then((m) => m.togglePanel(w, currentTarget), (error) => w.fail(error)),
          }, h("strong", { class: "cw-me-user" }, w.user.name || w.t("account.reader"))),
        }),
        roles.map((role) => [" ", h("span", { class: "cw-badge" }, w.roleName(role))])
      ),
      h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "logout", onclick: () => logout(w) }, w.t("account.logout"))
    ),
    ...(w.accountPanel ? [w.accountPanel] : [])
  );
}

async function logout(w) {
  if (w.tokens.get()) {
    try {
      await w.api.logout();
    } catch (error) {
      if (w.ignorable(error)) return;
      /* the token is forgotten below either way */
    }
  }
  w.tokens.clear();
  w.user = null;
  renderAccount(w);
  w.say(w.t("logout.done"));
  await w.loadThread();
}

/** Why the reader can't post: until when (or for good) and the reason, as /me says. */
export function banNotice(w) {
  const ban = w.user.ban;
  if (!ban || typeof ban !== "object") return w.user.banMessage || w.t("composer.banned");
  const until = typeof ban.until === "string" && ban.until ? ban.until : null;
  const reason = typeof ban.reason === "string" ? ban.reason.trim() : "";
  return [
    until ? w.t("ban.until", { date: w.formats.absolute(until) }) : w.t("ban.forever"),
    reason ? [" ", h("span", { class: "cw-ban-reason" }, w.t("ban.reason"), " ", h("q", null, reason))] : null,
  ];
}

/** Why the reader's own comment is not public (yet), in the service's words. */
export function moderationNote(w, c) {
  w.style(READER_CSS);
  const pending = c.status === "pending";
  const reasons = (c.moderation && Array.isArray(c.moderation.reasons) ? c.moderation.reasons : [])
    .map((reason) => reason && reason.message)
    .filter(Boolean);
  return h(
    "div",
    { class: "cw-moderation", role: "note" },
    h("strong", null, w.t(pending ? "moderation.pending" : "moderation.rejected")),
    h("span", null, " " + w.t(pending ? "moderation.pendingNote" : "moderation.rejectedNote")),
    reasons.length ? h("ul", { class: "cw-reasons" }, reasons.map((text) => h("li", null, String(text)))) : null
  );
}

/**
 * The edit and delete buttons of node `n` (edit.js, asked for on the first click), as the
 * service allows them (`can_edit`, `can_delete`); `button(action, text, label, onclick)`
 * and `later(load, run)` are render.js's.
 */
export function ownActions(w, n, { mine, name, body, slot, button, later }) {
  const c = n.c;
  const buttons = [];
  if (c.can_edit) {
    const edit = button("edit", w.t("action.edit"), w.t("action.editOwn"),
      later(() => import("./edit.js"), (m) => m.startEdit(w, n, body, slot, edit)));
    buttons.push(edit);
  }
  if (c.can_delete) {
    buttons.push(button("delete", w.t("action.delete"),
      mine ? w.t("action.deleteOwn") : w.t("action.deleteBy", { name }),
      later(() => import("./edit.js"), (m) => m.deleteComment(w, n, slot))));
  }
  return buttons;
}
