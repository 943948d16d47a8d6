/*
 * The live feed (Server-Sent Events): new items as they arrive, other moderators'
 * decisions and claims, counts and surges; reconnecting, and catching up after a gap.
 */

import { nameOf, parts } from "./ui.js";

const DECIDED_LINGER_MS = 1500;
const LIVE_KEYS = Object.freeze({ live: "live.live", connecting: "live.connecting", off: "live.off" });
// Who decided an item in view, by the status it went to (anything else: "Decided by").
const DECIDED_KEYS = Object.freeze({
  approved: "live.approvedBy", rejected: "live.rejectedBy", pending: "live.requeuedBy", deleted: "live.deletedBy",
});

export const live = {
  isLive() {
    return Boolean(this.source && this.source.readyState === 1);
  },

  setLive(state) {
    this.el.live.dataset.state = state;
    this.el.liveText.textContent = Object.hasOwn(LIVE_KEYS, state) ? this.t(LIVE_KEYS[state]) : state;
  },

  connectLive() {
    this.disconnectLive();
    if (!this.site || typeof EventSource === "undefined") return;
    const source = this.api.events(this.site.name);
    this.source = source;
    this.setLive("connecting");
    source.addEventListener("open", () => {
      if (this.source !== source) return;
      this.setLive("live");
      this.liveRetry = 0;
      if (this.liveWasDown) {
        this.liveWasDown = false;
        this.catchUp();
      }
    });
    source.addEventListener("error", () => {
      if (this.source !== source) return;
      this.liveWasDown = true;
      if (source.readyState === 2) {
        // the browser gave up (an error status): try again later, checking the session first
        this.setLive("off");
        this.liveRetry = Math.min(this.liveRetry + 1, 6);
        clearTimeout(this.liveTimer);
        this.liveTimer = setTimeout(() => this.reconnectLive(), 1000 * 2 ** this.liveRetry);
      } else {
        this.setLive("connecting");
      }
    });
    const events = {
      "queue.added": (data) => this.onAdded(data),
      "queue.decided": (data) => this.onDecided(data),
      "queue.claimed": (data) => this.onClaimed(data),
      counts: (data) => this.applyCounts(data.counts, data.oldest_pending_at),
      "thread.surge": (data) => this.onSurge(data),
    };
    for (const [name, handler] of Object.entries(events)) {
      source.addEventListener(name, (event) => {
        if (this.source !== source) return;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        if (data && typeof data === "object") handler(data);
      });
    }
  },

  disconnectLive() {
    clearTimeout(this.liveTimer);
    if (this.source) this.source.close();
    this.source = null;
    if (this.el && this.el.live) this.setLive("off");
  },

  async reconnectLive() {
    try {
      await this.api.session();
    } catch (error) {
      if (error.status === 401) {
        this.fail(error);
        return;
      }
      // the server may be restarting: try again later
    }
    if (this.site) this.connectLive();
  },

  /** After a gap in the live feed: fresh counts and any items we missed at the end. */
  async catchUp() {
    if (!this.site || this.view !== "queue") return;
    const seq = this.queueSeq;
    try {
      const data = await this.api.queue(this.site.name, Object.assign(this.queueParams(null), { limit: 1 }));
      if (seq === this.queueSeq && data && data.counts) this.applyCounts(data.counts, data.oldest_pending_at);
    } catch {
      /* the next event or reload will fix the counts */
    }
  },

  matchesView(item, status) {
    if (this.view !== "queue" || status !== this.queue.status) return false;
    const { thread, author, comment, reasons } = parts(item);
    if (this.queue.thread && thread.key !== this.queue.thread.key) return false;
    if (this.queue.author && author.id !== this.queue.author.id) return false;
    if (this.queue.reason && !reasons.some((r) => r.code === this.queue.reason.code)) return false;
    if (this.queue.q) {
      const q = this.queue.q.toLowerCase();
      const hay = (String(comment.body || "") + " " + String(author.name || "")).toLowerCase();
      if (!hay.includes(q)) return false;
    }
    return true;
  },

  onAdded(data) {
    const added = data.item;
    const status = data.status || (added && added.comment && added.comment.status);
    if (!added || !added.comment) return;
    const { thread } = parts(added);
    if (thread.key && thread.title) this.threadTitles.set(thread.key, thread.title);
    if (!this.matchesView(added, status)) return;
    // oldest first: a new item belongs at the end, which is only on screen once every page is loaded
    if (this.nextCursor) return;
    const rec = this.makeRecord(added);
    if (!rec) return;
    rec.el.classList.add("is-new");
    this.order.push(rec.id);
    this.el.list.append(rec.el);
    this.afterListChange();
    if (!this.focusedId) this.setFocus(rec.id, { domFocus: false, scroll: false });
  },

  onDecided(data) {
    const id = data.id === undefined || data.id === null ? null : String(data.id);
    const rec = id && this.items.get(id);
    if (!rec || rec.busy) return; // not here, or our own decision in flight
    if (data.status && data.status === parts(rec.data).comment.status && this.queue.status !== "reported") return;
    const by = nameOf(data.by, this.t("live.anotherModerator"));
    const text = this.t(Object.hasOwn(DECIDED_KEYS, data.status) ? DECIDED_KEYS[data.status] : "live.decidedBy", { name: by });
    const mine = Boolean(this.user && data.by && data.by.id === this.user.id);
    // Delivery is at least once and unordered: the event of a decision we undid may come
    // late, or twice. Within the window it is stale, never a reason to drop the item.
    const echo = this.echoes.get(rec.id);
    if (echo && mine && echo.status === data.status && echo.until > Date.now()) return;
    if (rec.id !== this.focusedId || mine) {
      this.removeItem(rec.id);
      return;
    }
    // in focus: say who decided it, keep it a moment, then move on
    this.markBusy(rec, true);
    rec.el.classList.add("is-decided");
    this.note(rec, text, "decided");
    this.say(text);
    setTimeout(() => this.removeItem(rec.id), DECIDED_LINGER_MS);
  },

  onSurge(data) {
    const key = data.thread && typeof data.thread === "object" ? data.thread.key : data.thread;
    if (!key) return;
    if (data.thread && data.thread.title) this.threadTitles.set(key, data.thread.title);
    if (data.active) this.surges.add(key);
    else this.surges.delete(key);
    this.renderSurges();
    for (const rec of this.items.values()) {
      if (parts(rec.data).thread.key === key) this.renderItem(rec);
    }
  },
};
