/*
 * The audit log: who decided what and when, the comment's excerpt, and for settings what
 * changed from what to what (older entries name only the fields). Values go in as text.
 */

import { h } from "@widget/core/dom.js";

import { labelOf } from "./policy.js";
import { cell, nameOf, timeEl } from "./ui.js";
import { changeText } from "./words.js";

function isObject(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/** What an entry changed: "Pre-moderation: off → all" lines, or the bare names of old rows. */
function changesOf(details) {
  if (isObject(details.changes) && Object.keys(details.changes).length) {
    return h("ul", { class: "changes" }, Object.entries(details.changes).map(([field, change]) =>
      h("li", { "data-field": field }, h("span", { class: "change-field" }, labelOf(field)), ": ", changeText(change))));
  }
  if (Array.isArray(details.changed) && details.changed.length) {
    return h("p", { class: "changes" }, "Changed: " + details.changed.map((name) => labelOf(name)).join(", "));
  }
  return null;
}

function detailsOf(entry) {
  const details = isObject(entry.details) ? entry.details : {};
  const parts = [];
  if (entry.reason) parts.push(h("p", { class: "log-reason" }, String(entry.reason)));
  if (typeof details.word === "string") parts.push(h("p", null, "Word: ", h("q", null, details.word)));
  parts.push(changesOf(details));
  if (typeof details.url === "string") parts.push(h("p", { class: "wrap" }, "Endpoint: ", h("code", null, details.url)));
  if (Array.isArray(details.events)) parts.push(h("p", null, "Events: " + details.events.map(String).join(", ")));
  if (Array.isArray(details.roles)) {
    parts.push(h("p", null, "Roles: " + (details.roles.length ? details.roles.join(", ") : "none")));
  }
  return parts;
}

function subjectOf(entry) {
  const comment = isObject(entry.comment) ? entry.comment : null;
  const excerpt = comment && typeof comment.excerpt === "string" ? comment.excerpt : "";
  return [
    excerpt ? h("q", { class: "excerpt" }, excerpt) : null,
    entry.comment_id ? h("code", { class: "muted" }, String(entry.comment_id)) : null,
    entry.user_id ? h("span", { class: "log-user" }, "User ", h("code", null, String(entry.user_id))) : null,
  ];
}

export const log = {
  async loadLog(reset) {
    const body = this.pageBody("log");
    if (reset) {
      this.logCursor = null;
      body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
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
    let table = body.querySelector("table");
    if (reset || !table) {
      if (!entries.length) {
        body.replaceChildren(h("p", { class: "muted" }, "Nothing has been decided yet."));
        return;
      }
      table = h("table", { class: "table table-cards log" },
        h("thead", null, h("tr", null, ["When", "Who", "What", "About", "Details"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody"));
      body.replaceChildren(table);
    }
    table.tBodies[0].append(...entries.map((entry) => h("tr", { "data-action": String(entry.action || "") },
      cell("When", { class: "nowrap" }, timeEl(entry.at)),
      cell("Who", null, nameOf(entry.actor, "—")),
      cell("What", null, h("span", { class: "badge action-" + String(entry.action || "").replace(/[^a-z_]/gi, "") }, String(entry.action || ""))),
      cell("About", { class: "wrap" }, subjectOf(entry)),
      cell("Details", { class: "wrap" }, detailsOf(entry)))));
    const old = body.querySelector('button[data-action="log-more"]');
    if (old) old.remove();
    if (this.logCursor) {
      body.append(h("button", { type: "button", class: "btn btn-wide", "data-action": "log-more", onclick: () => this.loadLog(false) }, "Load older entries"));
    }
  },
};
