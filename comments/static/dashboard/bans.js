/*
 * Bans: the dialog that bans an item's author (rejecting what they have pending only when
 * asked), its undo (the ban lifted, the rejected comments sent back), and the bans page.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, clearFormErrors, nameOf, parts, timeEl } from "./ui.js";
import { plural } from "./words.js";

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
      this.say("Move to an item first (j or k).");
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
    dialog.querySelector(".ban-name").textContent = nameOf(author, "this author");
    dialog.querySelector(".ban-user").textContent =
      "Account " + author.id + " · " + formatNumber(Number(author.approved) || 0) + " approved, " +
      formatNumber(Number(author.rejected) || 0) + " rejected" + (author.banned ? " · already banned" : "");
    this.banTarget = {
      userId: author.id, name: nameOf(author, "this author"), itemId: rec.id, wasBanned: Boolean(author.banned),
    };
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
      form.querySelector('[data-error-for="reason"]').textContent = "Give a reason: it goes in the log.";
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
    const how = days ? "for " + plural(days, "day", "days") : "permanently";
    this.say(target.name + " is banned " + how + (payload.shadow ? " (shadow ban)" : "") + "." +
      (payload.reject_pending ? " " + plural(rejected, "pending comment", "pending comments") + " rejected." : ""), "ok");
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
    let text = ban.lift ? "Lifted the ban on " + ban.name + "." : "The earlier ban on " + ban.name + " stays; lift it on the bans page.";
    if (back) text += " " + plural(back, "comment", "comments") + (back === 1 ? " is" : " are") + " back in the queue.";
    if (outcomes.failures.length) text += " " + outcomes.failures.length + " could not be sent back: " + outcomes.failures[0].message;
    this.say(text, outcomes.failures.length ? "error" : "ok");
    if (this.view === "bans") this.loadBans();
  },

  async loadBans() {
    const body = this.pageBody("bans");
    body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    let data;
    try {
      data = await this.api.bans(this.site.name);
    } catch (error) {
      if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    const found = (data && Array.isArray(data.bans)) ? data.bans : [];
    if (!found.length) {
      body.replaceChildren(h("p", { class: "muted" }, "Nobody is banned from this site."));
      return;
    }
    const rows = found.map((ban) => {
      const who = nameOf({ name: ban.user_name }, ban.user_id);
      const lift = h("button", {
        type: "button", class: "btn", "data-action": "lift", "aria-label": "Lift the ban on " + who,
      }, "Lift");
      const row = h("tr", { "data-user": ban.user_id },
        cell("Who", null, h("span", { class: "strong" }, nameOf({ name: ban.user_name }, "—")), h("br"), h("code", { class: "muted" }, ban.user_id || "")),
        cell("Until", null, ban.until ? h("span", null, "until ", timeEl(ban.until)) : h("span", { class: "badge badge-bad" }, "Permanent")),
        cell("Kind", null, ban.shadow ? "Shadow" : "Visible"),
        cell("Reason", { class: "wrap" }, ban.reason || ""),
        cell("Banned by", null, typeof ban.created_by === "string" ? ban.created_by : nameOf(ban.created_by, "—"), h("br"), timeEl(ban.created_at, "muted")),
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
        this.say("Lifted the ban on " + who + ".", "ok");
      });
      return row;
    });
    body.replaceChildren(h("table", { class: "table table-cards" },
      h("thead", null, h("tr", null, ["Who", "Until", "Kind", "Reason", "Banned by"].map((t) => h("th", { scope: "col" }, t)),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      h("tbody", null, rows)));
  },
};
