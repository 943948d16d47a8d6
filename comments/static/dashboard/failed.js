/*
 * Failed messages (admins): e-mails and webhook calls the service gave up on after their
 * last retry, said in words (what, to whom or which event, why, when), each with "Send
 * again", which puts it back in line. Recipients come masked from the server.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, timeEl } from "./ui.js";

const KINDS = Object.freeze({ "mail.send": "E-mail", "webhook.send": "Webhook" });

/** What the message was: the mail's recipient and subject, or the webhook's event and endpoint. */
function aboutOf(row, endpoints) {
  const about = row.about && typeof row.about === "object" ? row.about : {};
  if (row.kind === "mail.send") {
    return [
      h("span", { class: "failed-about" }, "To " + String(about.to || "an unknown address")),
      about.subject ? h("span", { class: "failed-about" }, "“" + String(about.subject) + "”") : null,
    ];
  }
  const url = endpoints.get(String(about.webhook_id));
  return [
    h("span", { class: "failed-about" }, about.event ? String(about.event) : "An event"),
    h("span", { class: "failed-about" }, url ? "To " + url : "To an endpoint since removed"),
  ];
}

export const failed = {
  async loadFailed() {
    const seq = ++this.failedSeq;
    const body = this.pageBody("failed");
    body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    const site = this.site.name;
    let data;
    let hooks = null;
    try {
      [data, hooks] = await Promise.all([
        this.api.failed(site),
        this.api.webhooks(site).catch(() => null), // only names the endpoints: not needed
      ]);
    } catch (error) {
      if (seq === this.failedSeq && !this.fail(error)) {
        body.replaceChildren(h("p", { class: "form-error" }, error.message));
      }
      return;
    }
    if (seq !== this.failedSeq) return;
    const rows = (data && Array.isArray(data.failed)) ? data.failed : [];
    const endpoints = new Map(
      (hooks && Array.isArray(hooks.webhooks) ? hooks.webhooks : []).map((hook) => [String(hook.id), String(hook.url)]));
    const refresh = h("button", { type: "button", class: "btn", "data-action": "refresh-failed", onclick: () => this.loadFailed() }, "Refresh");
    if (!rows.length) {
      body.replaceChildren(this.failedEmpty(), refresh);
      return;
    }
    body.replaceChildren(
      h("p", { class: "hint" },
        "These could not be delivered after their last retry. Send one again once what stopped it is fixed."),
      h("table", { class: "table table-cards failed", "aria-label": "Failed messages" },
        h("thead", null, h("tr", null, ["What", "About", "Why it failed", "Failed", "Attempts", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, rows.map((row) => this.failedRow(row, endpoints)))),
      refresh);
  },

  failedEmpty() {
    return h("p", { class: "muted failed-empty" },
      "No failed messages. E-mails and webhook calls that still fail after their last retry are listed here.");
  },

  failedRow(row, endpoints) {
    const send = h("button", { type: "button", class: "btn", "data-action": "retry" }, "Send again");
    const tr = h("tr", { "data-failed": String(row.id), "data-kind": String(row.kind || "") },
      cell("What", null, KINDS[row.kind] || String(row.kind || "Message")),
      cell("About", { class: "wrap" }, aboutOf(row, endpoints)),
      cell("Why it failed", { class: "wrap" }, row.error ? String(row.error) : "No reason was given."),
      cell("Failed", { class: "nowrap" }, timeEl(row.failed_at || row.created_at)),
      cell("Attempts", null, formatNumber(Number(row.attempts) || 0)),
      cell("", null, send));
    send.addEventListener("click", () => this.retryFailed(row, tr, send));
    return tr;
  },

  async retryFailed(row, tr, send) {
    send.disabled = true;
    try {
      await this.api.retryFailed(this.site.name, row.id);
    } catch (error) {
      send.disabled = false;
      if (error.status === 404) {
        this.dropFailedRow(tr);
        this.say("That message is no longer among the failed ones.", "ok");
        return;
      }
      this.fail(error);
      return;
    }
    this.dropFailedRow(tr);
    const what = row.kind === "mail.send" ? "The e-mail" : row.kind === "webhook.send" ? "The webhook call" : "The message";
    this.say(what + " is back in line and will be sent again shortly.", "ok");
  },

  /** Takes a row off the list; focus goes to the next row's button, or the page's title. */
  dropFailedRow(tr) {
    const tbody = tr.parentElement;
    const next = tr.nextElementSibling || tr.previousElementSibling;
    tr.remove();
    if (next) {
      next.querySelector('button[data-action="retry"]').focus();
      return;
    }
    const body = this.pageBody("failed");
    const table = tbody && tbody.closest("table");
    if (table) {
      const hint = table.previousElementSibling;
      if (hint && hint.classList.contains("hint")) hint.remove();
      table.replaceWith(this.failedEmpty());
    }
    body.closest("section").querySelector("h1").focus();
  },
};
