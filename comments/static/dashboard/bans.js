/*
 * Bans: the dialog that bans an item's author (rejecting what they have pending only when
 * asked), its undo (the ban lifted, the rejected comments sent back), and the bans page.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, clearFormErrors, nameOf, parts, timeEl } from "./ui.js";

const BAN_DURATIONS = Object.freeze({ "1d": 1, "7d": 7, "30d": 30, permanent: null });

export const bans = {
  bindBanDialog() {
    const dialog = this.el.banDialog;
    const form = dialog.querySelector("form");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitBan(form);
    });
    form.querySelector('button[data-action="cancel"]').addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => this.afterBanDialog());
  },

  openBan(id) {
    const rec = this.items.get(id);
    if (!rec) {
      this.say(this.t("bans.moveFirst"));
      return;
    }
    const { author } = parts(rec.data);
    if (!author.id) return;
    const dialog = this.el.banDialog;
    const form = dialog.querySelector("form");
    form.reset();
    form.elements.reject_pending.checked = false;
    form.elements.duration.value = "1d";
    clearFormErrors(form);
    const name = nameOf(author, this.t("bans.thisAuthor"));
    // A nameless author is worded twice: in the title ("Ban …") and as the messages' subject.
    const said = nameOf(author, this.t("bans.thisAuthorSaid"));
    const record = {
      id: author.id, approved: formatNumber(Number(author.approved) || 0), rejected: formatNumber(Number(author.rejected) || 0),
    };
    dialog.querySelector(".ban-name").textContent = name;
    dialog.querySelector(".ban-user").textContent = this.t(author.banned ? "bans.accountBanned" : "bans.account", record);
    this.banTarget = { userId: author.id, name: said, itemId: rec.id, wasBanned: Boolean(author.banned) };
    dialog.querySelector('button[type="submit"]').disabled = false;
    dialog.showModal();
    form.elements.duration.focus();
  },

  afterBanDialog() {
    const target = this.banTarget;
    this.banTarget = null;
    if (this.view !== "queue") return;
    const rec = target && this.items.get(target.itemId);
    if (rec && rec.id === this.focusedId) rec.el.focus({ preventScroll: true });
    else this.focusList();
  },

  async submitBan(form) {
    const target = this.banTarget;
    if (!target) return;
    clearFormErrors(form);
    const reason = form.elements.reason.value.trim();
    if (!reason) {
      form.querySelector('[data-error-for="reason"]').textContent = this.t("bans.reasonNeeded");
      form.elements.reason.setAttribute("aria-invalid", "true");
      form.elements.reason.focus();
      return;
    }
    const days = BAN_DURATIONS[form.elements.duration.value];
    const payload = {
      user_id: target.userId,
      reason,
      shadow: form.elements.shadow.checked,
      reject_pending: form.elements.reject_pending.checked,
    };
    if (days) payload.until = new Date(Date.now() + days * 86400000).toISOString();
    // Taken now: the live events of the rejections may remove the items before the answer.
    const snapshot = payload.reject_pending ? [...this.items.values()]
      .filter((rec) => !rec.busy && parts(rec.data).author.id === target.userId && parts(rec.data).comment.status === "pending")
      .map((rec) => this.undoEntry(rec, "pending", "rejected")) : [];
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    let data;
    try {
      data = await this.api.ban(this.site.name, payload);
    } catch (error) {
      submit.disabled = false;
      if (error.name === "AbortError") return;
      if (error.status === 401) {
        this.el.banDialog.close();
        this.fail(error);
        return;
      }
      this.showFieldErrors(form, error, { user_id: "reason" });
      return;
    }
    this.el.banDialog.close();
    const told = Array.isArray(data && data.rejected_ids) ? data.rejected_ids.map(String) : null;
    const entries = told ? snapshot.filter((entry) => told.includes(entry.id)) : snapshot;
    const rejectedIds = new Set([...(told || []), ...entries.map((entry) => entry.id)]);
    const rejected = Number(data && data.rejected) || rejectedIds.size;
    // every loaded item by this author now shows the ban; the rejected ones leave
    for (const rec of [...this.items.values()]) {
      if (parts(rec.data).author.id !== target.userId) continue;
      if (rejectedIds.has(rec.id) && !rec.busy) {
        this.removeItem(rec.id);
        continue;
      }
      rec.data = Object.assign({}, rec.data, { author: Object.assign({}, rec.data.author, { banned: true }) });
      this.renderItem(rec);
    }
    if (!this.isLive() && rejected) this.bumpCounts("pending", "rejected", rejected);
    const banned = { name: target.name, days: formatNumber(days || 0), n: days || 0 };
    let text = days
      ? this.t(payload.shadow ? "bans.bannedForShadow" : "bans.bannedFor", banned)
      : this.t(payload.shadow ? "bans.bannedForeverShadow" : "bans.bannedForever", banned);
    if (payload.reject_pending) text += " " + this.t("bans.pendingRejected", { count: formatNumber(rejected), n: rejected });
    this.say(text, "ok");
    this.offerUndo({
      kind: "ban",
      entries,
      ban: { userId: target.userId, name: target.name, lift: !target.wasBanned, rejectedIds: [...rejectedIds] },
    });
  },

  /** Undo of a ban: lifted (unless it was there before), its rejections sent back. */
  async undoBan(undoable) {
    const { ban, entries } = undoable;
    const site = this.site.name;
    if (ban.lift) {
      try {
        await this.api.liftBan(site, ban.userId);
      } catch (error) {
        if (error.status !== 404) {
          this.fail(error);
          return;
        }
      }
    }
    const outcomes = await this.reverseAll(ban.rejectedIds.map((id) => [id, "requeue", "rejected"]));
    if (outcomes.failures.some((error) => error.status === 401)) {
      this.fail(outcomes.failures.find((error) => error.status === 401));
      return;
    }
    if (ban.lift) {
      for (const rec of this.items.values()) {
        if (parts(rec.data).author.id !== ban.userId) continue;
        rec.data = Object.assign({}, rec.data, { author: Object.assign({}, rec.data.author, { banned: false }) });
        this.renderItem(rec);
      }
    }
    const restored = entries.filter((entry) => outcomes.done.has(entry.id));
    const unseen = outcomes.done.size - restored.length; // rejected, but not on this page
    if (!this.isLive() && unseen > 0) this.bumpCounts("rejected", "pending", unseen);
    this.restore(restored);
    const back = outcomes.done.size;
    let text = this.t(ban.lift ? "bans.lifted" : "bans.earlierBanStays", { name: ban.name });
    if (back) text += " " + this.t("bans.backInQueue", { count: formatNumber(back), n: back });
    if (outcomes.failures.length) {
      text += " " + this.t("bans.notSentBack", { n: outcomes.failures.length, message: outcomes.failures[0].message });
    }
    this.say(text, outcomes.failures.length ? "error" : "ok");
    if (this.view === "bans") this.loadBans();
  },

  async loadBans() {
    const body = this.pageBody("bans");
    body.replaceChildren(h("p", { class: "muted" }, this.t("bans.loading")));
    let data;
    try {
      data = await this.api.bans(this.site.name);
    } catch (error) {
      if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    const found = (data && Array.isArray(data.bans)) ? data.bans : [];
    if (!found.length) {
      body.replaceChildren(h("p", { class: "muted" }, this.t("bans.nobody")));
      return;
    }
    const lang = this.dateLocale();
    const columns = {
      who: this.t("bans.who"), until: this.t("bans.untilColumn"), kind: this.t("bans.kind"),
      reason: this.t("bans.reason"), by: this.t("bans.bannedBy"),
    };
    const rows = found.map((ban) => {
      const who = nameOf({ name: ban.user_name }, ban.user_id);
      const lift = h("button", {
        type: "button", class: "btn", "data-action": "lift", "aria-label": this.t("bans.liftNamed", { name: who }),
      }, this.t("bans.lift"));
      const row = h("tr", { "data-user": ban.user_id },
        cell(columns.who, null, h("span", { class: "strong" }, nameOf({ name: ban.user_name }, "—")), h("br"), h("code", { class: "muted" }, ban.user_id || "")),
        cell(columns.until, null, ban.until
          ? h("span", null, ...this.tParts("bans.until", { time: timeEl(ban.until, null, lang) }))
          : h("span", { class: "badge badge-bad" }, this.t("bans.permanent"))),
        cell(columns.kind, null, this.t(ban.shadow ? "bans.shadow" : "bans.visible")),
        cell(columns.reason, { class: "wrap" }, ban.reason || ""),
        cell(columns.by, null, typeof ban.created_by === "string" ? ban.created_by : nameOf(ban.created_by, "—"), h("br"), timeEl(ban.created_at, "muted", lang)),
        cell("", { class: "right" }, lift));
      lift.addEventListener("click", async () => {
        lift.disabled = true;
        try {
          await this.api.liftBan(this.site.name, ban.user_id);
        } catch (error) {
          lift.disabled = false;
          this.fail(error);
          return;
        }
        row.remove();
        this.say(this.t("bans.lifted", { name: who }), "ok");
      });
      return row;
    });
    body.replaceChildren(h("table", { class: "table table-cards" },
      h("thead", null, h("tr", null, Object.values(columns).map((label) => h("th", { scope: "col" }, label)),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, this.t("bans.actions"))))),
      h("tbody", null, rows)));
  },
};
