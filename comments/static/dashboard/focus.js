/*
 * Moving through the queue: the item in focus, j/k, the claim that shows the team who is
 * reviewing what ("taken by"), and the selection that bulk decisions act on.
 */

import { formatNumber } from "@widget/core/time.js";

const CLAIM_DELAY_MS = 250;
const RECLAIM_MS = 45000;
const CLAIM_TTL_MS = 60000;

export const focus = {
  navigable() {
    return this.order.filter((id) => {
      const rec = this.items.get(id);
      return rec && !rec.busy;
    });
  },

  /** The item after `id` (or before it, at the end): where focus goes when `id` leaves. */
  neighbour(id, skip) {
    const at = this.order.indexOf(id);
    const ok = (other) => {
      const rec = this.items.get(other);
      return rec && !rec.busy && other !== id && !(skip && skip.has(other));
    };
    for (let i = at + 1; i < this.order.length; i += 1) if (ok(this.order[i])) return this.order[i];
    for (let i = at - 1; i >= 0; i -= 1) if (ok(this.order[i])) return this.order[i];
    return null;
  },

  async move(step) {
    const ids = this.navigable();
    if (!ids.length) {
      if (step > 0 && (await this.loadMore())) this.move(step);
      return;
    }
    const at = ids.indexOf(this.focusedId);
    if (at === -1) {
      this.setFocus(step > 0 ? ids[0] : ids[ids.length - 1]);
      return;
    }
    const next = at + step;
    if (next < 0) return;
    if (next < ids.length) {
      this.setFocus(ids[next]);
      return;
    }
    if (!this.nextCursor) {
      this.say(this.t("focus.lastItem"));
      return;
    }
    this.say(this.t("focus.loadingMore"));
    if (await this.loadMore()) {
      this.say("");
      this.move(step);
    }
  },

  canTakeFocus() {
    const active = document.activeElement;
    return !active || active === document.body || active === this.el.main || this.el.list.contains(active);
  },

  setFocus(id, { scroll = true, domFocus = true } = {}) {
    const previous = this.items.get(this.focusedId);
    if (previous && previous.el) {
      previous.el.classList.remove("is-focused");
      previous.el.removeAttribute("aria-current");
      previous.el.tabIndex = -1;
    }
    const rec = id === null || id === undefined ? null : this.items.get(id);
    this.focusedId = rec ? rec.id : null;
    if (!rec) {
      this.releaseClaim();
      if (domFocus && this.canTakeFocus()) this.el.list.focus({ preventScroll: true });
      return;
    }
    rec.el.classList.add("is-focused");
    rec.el.setAttribute("aria-current", "true");
    rec.el.tabIndex = 0;
    if (domFocus) rec.el.focus({ preventScroll: true });
    if (scroll) rec.el.scrollIntoView({ block: "nearest" });
    this.scheduleClaim(rec.id);
    if (this.nextCursor && this.order.length - this.order.indexOf(rec.id) <= 10) this.loadMore();
  },

  /* ---------------- claims: "taken by" for the team ---------------- */

  scheduleClaim(id) {
    this.releaseClaim();
    if (this.queue.status !== "pending" && this.queue.status !== "reported") return;
    this.claim.id = id;
    this.claim.delay = setTimeout(() => {
      this.claimNow(id);
      this.claim.every = setInterval(() => {
        if (!document.hidden && this.focusedId === id) this.claimNow(id);
      }, RECLAIM_MS);
    }, CLAIM_DELAY_MS);
  },

  releaseClaim() {
    clearTimeout(this.claim.delay);
    clearInterval(this.claim.every);
    this.claim = { id: null, delay: null, every: null };
  },

  async claimNow(id) {
    const rec = this.items.get(id);
    if (!rec || rec.busy) return;
    try {
      await this.api.claim(id);
      if (this.taken.has(id)) {
        this.taken.delete(id);
        this.renderNotes(rec);
      }
    } catch (error) {
      if (error.name === "AbortError") return;
      if (error.status === 401) {
        this.fail(error);
        return;
      }
      if (error.status === 409) {
        this.taken.set(id, { text: error.message || this.t("focus.reviewedElsewhere"), until: Date.now() + CLAIM_TTL_MS });
        const current = this.items.get(id);
        if (current) this.renderNotes(current);
      }
      // other failures only cost the "taken" hint: say nothing
    }
  },

  /** A live event: another moderator took an item. */
  onClaimed(data) {
    const id = data.id === undefined || data.id === null ? null : String(data.id);
    if (!id || !data.by || (this.user && data.by.id === this.user.id)) return;
    const name = typeof data.by.name === "string" && data.by.name.trim() ? data.by.name.trim() : this.t("focus.someone");
    this.taken.set(id, { text: this.t("focus.takenBy", { name }), until: Date.now() + CLAIM_TTL_MS });
    const rec = this.items.get(id);
    if (rec) this.renderNotes(rec);
  },

  /* ---------------- selection ---------------- */

  toggleSelect(id) {
    const rec = this.items.get(id);
    if (!rec || rec.busy) return;
    if (this.selected.has(id)) this.selected.delete(id);
    else this.selected.add(id);
    this.paintSelected(rec);
    this.renderSelection();
  },

  paintSelected(rec) {
    const on = this.selected.has(rec.id);
    rec.el.classList.toggle("is-selected", on);
    const toggle = rec.el.querySelector('button[data-action="select"]');
    if (toggle) toggle.setAttribute("aria-pressed", on ? "true" : "false");
  },

  selectAll() {
    for (const id of this.navigable()) {
      this.selected.add(id);
      this.paintSelected(this.items.get(id));
    }
    this.renderSelection();
  },

  clearSelection() {
    for (const id of this.selected) {
      const rec = this.items.get(id);
      this.selected.delete(id);
      if (rec) this.paintSelected(rec);
    }
    this.renderSelection();
  },

  renderSelection() {
    const n = this.selected.size;
    this.el.bulkCount.textContent = n ? this.t("focus.selected", { n, count: formatNumber(n) }) : this.t("focus.noneSelected");
    for (const action of ["bulk-approve", "bulk-reject", "clear-selection"]) {
      document.querySelector('button[data-action="' + action + '"]').disabled = n === 0;
    }
    document.querySelector('button[data-action="select-all"]').disabled = this.order.length === 0;
  },
};
