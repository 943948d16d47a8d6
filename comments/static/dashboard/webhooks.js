/*
 * Webhooks (admins): the site's endpoints, adding one (its secret shown once), removing,
 * rotating, testing and switching back on; each endpoint's deliveries, with Redeliver.
 * Everything the server says goes in as text.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, clearFormErrors, timeEl } from "./ui.js";

export const WEBHOOK_EVENTS = Object.freeze([
  "comment.created", "comment.updated", "comment.approved", "comment.rejected",
  "comment.deleted", "comment.reported", "user.banned", "user.unbanned",
  "thread.closed", "thread.opened", "moderation.alert",
]);
const MAX_URL = 2000;

/** The secret, once: a read-only box, a copy button, and why to copy it now. */
function secretBox(app, title, secret) {
  const id = app.uid("secret");
  const input = h("input", { id, type: "text", readonly: true, value: secret, class: "mono", spellcheck: "false", "aria-describedby": id + "-help" });
  const copied = h("span", { class: "muted", role: "status" });
  const copy = h("button", {
    type: "button", class: "btn", "data-action": "copy-secret",
    onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(secret);
        copied.textContent = app.t("webhooks.copied");
      } catch {
        copied.textContent = app.t("webhooks.copyYourself");
      }
    },
  }, app.t("webhooks.copy"));
  return h("div", { class: "secret-box", "data-secret": "" },
    h("h2", null, title),
    h("p", { class: "hint", id: id + "-help" }, app.t("webhooks.secretHint")),
    h("label", { for: id, class: "label" }, app.t("webhooks.secretLabel")),
    h("div", { class: "secret-row" }, input, copy, copied));
}

function stateOf(hook, t) {
  if (hook.enabled) return h("span", { class: "badge badge-ok" }, t("webhooks.enabled"));
  return [h("span", { class: "badge badge-bad" }, t("webhooks.disabled")), " ",
    h("span", { class: "muted" }, t("webhooks.disabledAfter", { count: formatNumber(hook.failures), n: Number(hook.failures) }))];
}

export const webhooks = {
  async loadWebhooks() {
    const body = this.pageBody("webhooks");
    body.replaceChildren(h("p", { class: "muted" }, this.t("webhooks.loading")));
    let data;
    try {
      data = await this.api.webhooks(this.site.name);
    } catch (error) {
      if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    const hooks = (data && Array.isArray(data.webhooks)) ? data.webhooks : [];
    this.hookNotice = h("div", { class: "hook-notice" });
    body.replaceChildren(
      this.hookNotice,
      hooks.length
        ? h("ul", { class: "hooks", "aria-label": this.t("webhooks.endpoints") }, hooks.map((hook) => this.hookCard(hook)))
        : h("p", { class: "muted" }, this.t("webhooks.empty")),
      this.hookForm());
  },

  hookCard(hook) {
    const deliveries = h("div", { class: "hook-deliveries", hidden: true });
    const confirm = h("span", { class: "hook-confirm", hidden: true },
      h("span", null, this.t("webhooks.removeConfirm")),
      h("button", { type: "button", class: "btn btn-danger", "data-action": "delete-confirm", onclick: () => this.hookAct(hook, "delete") }, this.t("webhooks.remove")),
      h("button", { type: "button", class: "btn", "data-action": "delete-cancel", onclick: () => { confirm.hidden = true; } }, this.t("webhooks.cancel")));
    const act = (name, label, props) => h("button", Object.assign({ type: "button", class: "btn", "data-action": name }, props), label);
    const show = act("deliveries", this.t("webhooks.deliveries"), {
      "aria-expanded": "false",
      onclick: () => {
        const open = deliveries.hidden;
        deliveries.hidden = !open;
        show.setAttribute("aria-expanded", String(open));
        if (open) this.loadDeliveries(hook, deliveries);
      },
    });
    return h("li", { class: "hook", "data-webhook": hook.id },
      h("p", { class: "hook-url" }, h("code", null, String(hook.url))),
      h("p", { class: "hook-state" }, stateOf(hook, this.t.bind(this)),
        hook.enabled && hook.failures ? [" ", h("span", { class: "muted" }, this.t("webhooks.failedInRow", { count: formatNumber(hook.failures), n: Number(hook.failures) }))] : null),
      h("p", { class: "hook-events" }, this.t("webhooks.events", { events: Array.isArray(hook.events) ? hook.events.map(String).join(", ") : "" })),
      h("div", { class: "hook-actions" },
        show,
        act("test", this.t("webhooks.sendTest"), { onclick: () => this.hookAct(hook, "test") }),
        act("rotate", this.t("webhooks.rotate"), { onclick: () => this.hookAct(hook, "rotate") }),
        hook.enabled ? null : act("enable", this.t("webhooks.enable"), { class: "btn btn-primary", onclick: () => this.hookAct(hook, "enable") }),
        act("delete", this.t("webhooks.remove"), { onclick: () => { confirm.hidden = false; confirm.querySelector("button").focus(); } }),
        confirm),
      deliveries);
  },

  async hookAct(hook, action) {
    const site = this.site.name;
    let answer;
    try {
      if (action === "test") answer = await this.api.testWebhook(site, hook.id);
      else if (action === "rotate") answer = await this.api.rotateWebhook(site, hook.id);
      else if (action === "enable") answer = await this.api.enableWebhook(site, hook.id);
      else answer = await this.api.deleteWebhook(site, hook.id);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (action === "test") {
      this.say(this.t("webhooks.testSent"), "ok");
      return;
    }
    await this.loadWebhooks();
    if (action === "rotate" && answer && answer.secret) {
      this.hookNotice.replaceChildren(secretBox(this, this.t("webhooks.newSecretFor", { url: String(hook.url) }), String(answer.secret)));
      this.hookNotice.querySelector("input").focus();
      this.say(this.t("webhooks.rotated"), "ok");
    } else {
      this.say(action === "enable" ? this.t("webhooks.enabledAgain") : this.t("webhooks.removed"), "ok");
    }
  },

  async loadDeliveries(hook, target) {
    target.replaceChildren(h("p", { class: "muted" }, this.t("webhooks.loading")));
    let data;
    try {
      data = await this.api.deliveries(this.site.name, hook.id);
    } catch (error) {
      if (!this.fail(error)) target.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    const rows = (data && Array.isArray(data.deliveries)) ? data.deliveries : [];
    const refresh = h("button", { type: "button", class: "btn", "data-action": "refresh-deliveries", onclick: () => this.loadDeliveries(hook, target) }, this.t("webhooks.refresh"));
    if (!rows.length) {
      target.replaceChildren(h("p", { class: "muted" }, this.t("webhooks.nothingSent")), refresh);
      return;
    }
    // A column's name heads it and labels its cells when the table shows as cards.
    const col = {
      when: this.t("webhooks.colWhen"), event: this.t("webhooks.colEvent"), status: this.t("webhooks.colStatus"),
      code: this.t("webhooks.colCode"), latency: this.t("webhooks.colLatency"), error: this.t("webhooks.colError"),
    };
    target.replaceChildren(
      h("table", { class: "table table-cards deliveries", "aria-label": this.t("webhooks.deliveriesTo", { url: String(hook.url) }) },
        h("thead", null, h("tr", null, [col.when, col.event, col.status, col.code, col.latency, col.error, ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, rows.map((row) => h("tr", { "data-delivery": String(row.id), "data-message": String(row.message_id || "") },
          cell(col.when, { class: "nowrap" }, timeEl(row.created_at)),
          cell(col.event, null, String(row.event || "")),
          cell(col.status, null, h("span", { class: "badge " + (row.status === "delivered" ? "badge-ok" : "badge-bad") }, row.status === "delivered" ? this.t("webhooks.delivered") : this.t("webhooks.notDelivered"))),
          cell(col.code, null, row.response_code == null ? "—" : String(row.response_code)),
          cell(col.latency, { class: "nowrap" }, row.latency_ms == null ? "—" : this.t("webhooks.latencyMs", { ms: formatNumber(row.latency_ms) })),
          cell(col.error, { class: "wrap" }, row.error ? String(row.error) : "—"),
          cell("", null, h("button", {
            type: "button", class: "btn", "data-action": "redeliver",
            onclick: () => this.redeliver(hook, row, target),
          }, this.t("webhooks.redeliver"))))))),
      refresh);
  },

  async redeliver(hook, row, target) {
    try {
      await this.api.redeliver(this.site.name, hook.id, row.id);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.say(this.t("webhooks.redelivered"), "ok");
    this.loadDeliveries(hook, target);
  },

  hookForm() {
    const urlId = this.uid("hook-url");
    const url = h("input", { id: urlId, name: "url", type: "text", inputmode: "url", required: true, maxlength: MAX_URL, spellcheck: "false", autocomplete: "off", placeholder: "https://example.com/hooks/comments", class: "mono" });
    const boxes = WEBHOOK_EVENTS.map((event) => {
      const id = this.uid("hook-event");
      return h("div", { class: "field-check" },
        h("input", { id, type: "checkbox", name: "events", value: event, checked: event === "comment.created" }),
        h("label", { for: id }, event));
    });
    const form = h("form", { class: "hook-form", novalidate: true },
      h("h2", null, this.t("webhooks.addTitle")),
      h("div", { class: "field" }, h("label", { for: urlId }, this.t("webhooks.url")), url, h("p", { class: "field-error", "data-error-for": "url" })),
      h("fieldset", { class: "hook-event-list" }, h("legend", null, this.t("webhooks.eventsLegend")), boxes,
        h("p", { class: "field-error", "data-error-for": "events" })),
      h("div", { class: "field" }, h("button", { type: "submit", class: "btn btn-primary" }, this.t("webhooks.addButton"))),
      h("p", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const events = Array.from(form.querySelectorAll('input[name="events"]:checked'), (box) => box.value);
      let made;
      try {
        made = await this.api.addWebhook(this.site.name, url.value.trim(), events);
      } catch (error) {
        if (error.status === 401) this.fail(error);
        else this.showFieldErrors(form, error);
        return;
      }
      await this.loadWebhooks();
      this.hookNotice.replaceChildren(secretBox(this, this.t("webhooks.addedTitle", { url: String(made.url) }), String(made.secret)));
      this.hookNotice.querySelector("input").focus();
      this.say(this.t("webhooks.added"), "ok");
    });
    return form;
  },
};
