/*
 * The audit log: who decided what and when, the comment's excerpt, and for settings what
 * changed from what to what (older entries name only the fields). Values go in as text.
 */

import { h } from "@widget/core/dom.js";

import { labelOf } from "./policy.js";
import { cell, nameOf, timeEl } from "./ui.js";
import { changeText } from "./words.js";

// What each kind of entry is called; one the dashboard doesn't know shows its code.
const ACTION_KEYS = Object.freeze({
  approve: "log.actionApprove",
  reject: "log.actionReject",
  requeue: "log.actionRequeue",
  feature: "log.actionFeature",
  unfeature: "log.actionUnfeature",
  auto_hold: "log.actionAutoHold",
  auto_reject: "log.actionAutoReject",
  ban: "log.actionBan",
  unban: "log.actionUnban",
  ban_refused: "log.actionBanRefused",
  roles: "log.actionRoles",
  roles_refused: "log.actionRolesRefused",
  settings: "log.actionSettings",
  "settings.allow_word": "log.actionAllowWord",
  thread_options: "log.actionThreadOptions",
  close_thread: "log.actionCloseThread",
  open_thread: "log.actionOpenThread",
  surge_on: "log.actionSurgeOn",
  user_linked: "log.actionUserLinked",
  "webhook.add": "log.actionWebhookAdd",
  "webhook.delete": "log.actionWebhookDelete",
  "webhook.enable": "log.actionWebhookEnable",
  "webhook.rotate": "log.actionWebhookRotate",
  "webhook.disabled": "log.actionWebhookDisabled",
});
const ROLE_KEYS = Object.freeze({ moderator: "log.roleModerator", admin: "log.roleAdmin" });

function isObject(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/** What an entry changed: "Pre-moderation: off → all" lines, or the bare names of old rows. */
function changesOf(details, t) {
  if (isObject(details.changes) && Object.keys(details.changes).length) {
    return h("ul", { class: "changes" }, Object.entries(details.changes).map(([field, change]) =>
      h("li", { "data-field": field }, h("span", { class: "change-field" }, labelOf(field, t)), ": ", changeText(change, t))));
  }
  if (Array.isArray(details.changed) && details.changed.length) {
    return h("p", { class: "changes" }, t("log.changed", { fields: details.changed.map((name) => labelOf(name, t)).join(", ") }));
  }
  return null;
}

/** `t` words the entry's labels; the entry's own values (a word, a url) stay as they are. */
function detailsOf(entry, t, tParts) {
  const details = isObject(entry.details) ? entry.details : {};
  const parts = [];
  if (entry.reason) parts.push(h("p", { class: "log-reason" }, String(entry.reason)));
  if (typeof details.word === "string") parts.push(h("p", null, ...tParts("log.word", { word: h("q", null, details.word) })));
  parts.push(changesOf(details, t));
  if (typeof details.url === "string") parts.push(h("p", { class: "wrap" }, ...tParts("log.endpoint", { url: h("code", null, details.url) })));
  if (Array.isArray(details.events)) parts.push(h("p", null, t("log.events", { events: details.events.map(String).join(", ") })));
  if (Array.isArray(details.roles)) {
    const roles = details.roles.map((role) => (Object.hasOwn(ROLE_KEYS, role) ? t(ROLE_KEYS[role]) : String(role)));
    parts.push(h("p", null, roles.length ? t("log.roles", { roles: roles.join(", ") }) : t("log.rolesNone")));
  }
  return parts;
}

function subjectOf(entry, tParts) {
  const comment = isObject(entry.comment) ? entry.comment : null;
  const excerpt = comment && typeof comment.excerpt === "string" ? comment.excerpt : "";
  return [
    excerpt ? h("q", { class: "excerpt" }, excerpt) : null,
    entry.comment_id ? h("code", { class: "muted" }, String(entry.comment_id)) : null,
    entry.user_id ? h("span", { class: "log-user" }, ...tParts("log.user", { id: h("code", null, String(entry.user_id)) })) : null,
  ];
}

export const log = {
  async loadLog(reset) {
    const body = this.pageBody("log");
    const t = (key, params) => this.t(key, params);
    const tParts = (key, params) => this.tParts(key, params);
    if (reset) {
      this.logCursor = null;
      body.replaceChildren(h("p", { class: "muted" }, t("log.loading")));
    }
    let data;
    try {
      data = await this.api.log(this.site.name, reset ? null : this.logCursor);
    } catch (error) {
      if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    const entries = (data && Array.isArray(data.entries)) ? data.entries : [];
    this.logCursor = (data && data.next_cursor) || null;
    const columns = {
      when: t("log.when"), who: t("log.who"), what: t("log.what"), about: t("log.about"), details: t("log.details"),
    };
    const lang = this.dateLocale();
    let table = body.querySelector("table");
    if (reset || !table) {
      if (!entries.length) {
        body.replaceChildren(h("p", { class: "muted" }, t("log.empty")));
        return;
      }
      table = h("table", { class: "table table-cards log" },
        h("thead", null, h("tr", null, Object.values(columns).map((label) => h("th", { scope: "col" }, label)))),
        h("tbody"));
      body.replaceChildren(table);
    }
    table.tBodies[0].append(...entries.map((entry) => {
      const action = String(entry.action || "");
      // No actor is the automatic moderation, which the dashboard names in its own language.
      const who = isObject(entry.actor) && !entry.actor.id ? t("log.automatic") : nameOf(entry.actor, "—");
      return h("tr", { "data-action": action },
        cell(columns.when, { class: "nowrap" }, timeEl(entry.at, null, lang)),
        cell(columns.who, null, who),
        cell(columns.what, null, h("span", { class: "badge action-" + action.replace(/[^a-z_]/gi, "") },
          Object.hasOwn(ACTION_KEYS, action) ? t(ACTION_KEYS[action]) : action)),
        cell(columns.about, { class: "wrap" }, subjectOf(entry, tParts)),
        cell(columns.details, { class: "wrap" }, detailsOf(entry, t, tParts)));
    }));
    const old = body.querySelector('button[data-action="log-more"]');
    if (old) old.remove();
    if (this.logCursor) {
      body.append(h("button", { type: "button", class: "btn btn-wide", "data-action": "log-more", onclick: () => this.loadLog(false) }, t("log.more")));
    }
  },
};
