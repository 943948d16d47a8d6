/*
 * Failed messages (admins): e-mails and webhook calls the service gave up on after their
 * last retry, said in words (what, to whom or which event, why, when), each with "Send
 * again", which puts it back in line. Recipients come masked from the server.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, timeEl } from "./ui.js";

const KINDS = Object.freeze({ "mail.send": "failed.kindMail", "webhook.send": "failed.kindWebhook" });
// The status line once a message is back in line, by its kind.
const REQUEUED = Object.freeze({ "mail.send": "failed.mailRequeued", "webhook.send": "failed.webhookRequeued" });

/** What the message was: the mail's recipient and subject, or the webhook's event and endpoint. */
function aboutOf(row, endpoints, t) {
  const about = row.about && typeof row.about === "object" ? row.about : {};
  if (row.kind === "mail.send") {
    return [
      h("span", { class: "failed-about" }, about.to ? t("failed.mailTo", { to: String(about.to) }) : t("failed.mailToUnknown")),
      about.subject ? h("span", { class: "failed-about" }, t("failed.subject", { subject: String(about.subject) })) : null,
    ];
  }
  const url = endpoints.get(String(about.webhook_id));
  return [
    h("span", { class: "failed-about" }, about.event ? String(about.event) : t("failed.anEvent")),
    h("span", { class: "failed-about" }, url ? t("failed.webhookTo", { url }) : t("failed.endpointRemoved")),
  ];
}

export const failed = {
  async loadFailed() {
    const seq = ++this.failedSeq;
    const body = this.pageBody("failed");
    body.replaceChildren(h("p", { class: "muted" }, this.t("failed.loading")));
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
    const refresh = h("button", { type: "button", class: "btn", "data-action": "refresh-failed", onclick: () => this.loadFailed() }, this.t("failed.refresh"));
    if (!rows.length) {
      body.replaceChildren(this.failedEmpty(), refresh);
      return;
    }
    body.replaceChildren(
      h("p", { class: "hint" }, this.t("failed.hint")),
      h("table", { class: "table table-cards failed", "aria-label": this.t("failed.tableLabel") },
        h("thead", null, h("tr", null, [...this.failedColumns(), ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, rows.map((row) => this.failedRow(row, endpoints)))),
      refresh);
  },

  failedEmpty() {
    return h("p", { class: "muted failed-empty" }, this.t("failed.empty"));
  },

  /** The columns' names: they head the table and label each row's cells when it shows as cards. */
  failedColumns() {
    return [this.t("failed.colWhat"), this.t("failed.colAbout"), this.t("failed.colWhy"), this.t("failed.colFailed"), this.t("failed.colAttempts")];
  },

  failedRow(row, endpoints) {
    const send = h("button", { type: "button", class: "btn", "data-action": "retry" }, this.t("failed.sendAgain"));
    const [what, about, why, when, attempts] = this.failedColumns();
    const tr = h("tr", { "data-failed": String(row.id), "data-kind": String(row.kind || "") },
      cell(what, null, Object.hasOwn(KINDS, row.kind) ? this.t(KINDS[row.kind]) : row.kind ? String(row.kind) : this.t("failed.kindMessage")),
      cell(about, { class: "wrap" }, aboutOf(row, endpoints, this.t.bind(this))),
      cell(why, { class: "wrap" }, row.error ? String(row.error) : this.t("failed.noReason")),
      cell(when, { class: "nowrap" }, timeEl(row.failed_at || row.created_at)),
      cell(attempts, null, formatNumber(Number(row.attempts) || 0)),
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
        this.say(this.t("failed.gone"), "ok");
        return;
      }
      this.fail(error);
      return;
    }
    this.dropFailedRow(tr);
    this.say(this.t(Object.hasOwn(REQUEUED, row.kind) ? REQUEUED[row.kind] : "failed.messageRequeued"), "ok");
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
