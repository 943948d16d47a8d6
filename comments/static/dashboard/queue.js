/*
 * The queue: loading pages, the list's records, filters and search, the tab counts, how
 * long the oldest item has waited, surges, and the list's density (remembered).
 */

import { fill, h } from "@widget/core/dom.js";
import { absoluteTime, formatNumber } from "@widget/core/time.js";

import { DENSITY_KEY, PAGE_SIZE, memory } from "./state.js";
import { isTyping, nameOf, parts } from "./ui.js";
import { age } from "./words.js";

const SEARCH_DELAY_MS = 350;
const CLAIM_TTL_MS = 60000;

export const queue = {
  queueParams(cursor) {
    return {
      status: this.queue.status,
      limit: PAGE_SIZE,
      cursor,
      thread: this.queue.thread && this.queue.thread.key,
      author: this.queue.author && this.queue.author.id,
      reason: this.queue.reason && this.queue.reason.code,
      q: this.queue.q,
    };
  },

  /** Which list is on screen: an undo puts an item back only into the list it left. */
  queueKey() {
    return JSON.stringify([
      this.site && this.site.name, this.queue.status, this.queue.q,
      this.queue.thread && this.queue.thread.key, this.queue.author && this.queue.author.id,
      this.queue.reason && this.queue.reason.code,
    ]);
  },

  /** Loads the first page again (queue, filter or search changed). */
  async loadQueue({ keepFocus = false } = {}) {
    const seq = ++this.queueSeq;
    const inputHadFocus = isTyping(document.activeElement);
    this.releaseClaim();
    this.clearList();
    this.renderFilters();
    this.el.list.setAttribute("aria-busy", "true");
    this.el.empty.hidden = false;
    this.el.empty.textContent = this.t("queue.loading");
    this.el.more.hidden = true;
    let data;
    try {
      data = await this.api.queue(this.site.name, this.queueParams(null));
    } catch (error) {
      if (seq !== this.queueSeq) return;
      this.el.list.removeAttribute("aria-busy");
      if (this.fail(error)) return;
      this.el.empty.textContent = error.message;
      return;
    }
    if (seq !== this.queueSeq) return;
    this.el.list.removeAttribute("aria-busy");
    this.applyPage(data);
    if (this.linked && this.linked.site === this.site.name && (await this.openLinked(seq))) return;
    if (seq !== this.queueSeq) return;
    const first = this.navigable()[0];
    if (first) this.setFocus(first, { domFocus: !inputHadFocus && !keepFocus, scroll: false });
    window.scrollTo({ top: 0 });
  },

  /** The next page; while one is on its way, the same promise. */
  loadMore() {
    if (this.loadingMore) return this.loadingMore;
    if (this.view !== "queue" || !this.nextCursor) return Promise.resolve(false);
    const promise = this.fetchMore();
    this.loadingMore = promise;
    promise.finally(() => {
      if (this.loadingMore === promise) this.loadingMore = null;
    });
    return promise;
  },

  async fetchMore() {
    const seq = this.queueSeq;
    this.el.more.disabled = true;
    this.el.more.textContent = this.t("queue.loading");
    try {
      const data = await this.api.queue(this.site.name, this.queueParams(this.nextCursor));
      if (seq !== this.queueSeq) return false;
      this.applyPage(data);
      return true;
    } catch (error) {
      if (seq === this.queueSeq) this.fail(error);
      return false;
    } finally {
      this.el.more.disabled = false;
      this.el.more.textContent = this.t("queue.loadMore");
    }
  },

  applyPage(data) {
    const items = (data && Array.isArray(data.items)) ? data.items : [];
    this.nextCursor = (data && data.next_cursor) || null;
    if (data && data.counts) this.applyCounts(data.counts, data.oldest_pending_at);
    const fragment = document.createDocumentFragment();
    for (const item of items) {
      const rec = this.makeRecord(item);
      if (!rec) continue;
      this.order.push(rec.id);
      fragment.append(rec.el);
    }
    this.el.list.append(fragment);
    this.afterListChange();
  },

  makeRecord(item) {
    const id = item && item.comment && item.comment.id;
    if (id === undefined || id === null || this.items.has(String(id))) return null;
    const rec = { id: String(id), data: item, el: null, busy: false, notesEl: null, note: null };
    const { thread, claimedBy } = parts(item);
    if (thread.key && thread.title) this.threadTitles.set(thread.key, thread.title);
    if (claimedBy && this.user && claimedBy.id !== this.user.id && !this.taken.has(rec.id)) {
      this.taken.set(rec.id, { text: this.t("queue.takenBy", { name: nameOf(claimedBy, this.t("queue.someone")) }), until: Date.now() + CLAIM_TTL_MS });
    }
    this.items.set(rec.id, rec);
    this.renderItem(rec);
    return rec;
  },

  /** Puts a record back at `index` of the list (an undo). */
  insertRecord(rec, index) {
    const at = Math.max(0, Math.min(index, this.order.length));
    const before = this.items.get(this.order[at]);
    if (before && before.el) this.el.list.insertBefore(rec.el, before.el);
    else this.el.list.append(rec.el);
    this.order.splice(at, 0, rec.id);
  },

  clearList() {
    this.items.clear();
    this.order = [];
    this.selected.clear();
    this.focusedId = null;
    this.nextCursor = null;
    this.loadingMore = null; // a page still on its way is dropped by its sequence check
    this.el.list.replaceChildren();
    this.renderSelection();
  },

  afterListChange() {
    const count = this.order.length;
    this.el.empty.hidden = count > 0;
    if (!count) {
      const filtered = this.queue.q || this.queue.thread || this.queue.author || this.queue.reason;
      this.el.empty.textContent = filtered
        ? this.t("queue.noMatches")
        : this.queue.status === "pending" ? this.t("queue.allClear")
          : this.queue.status === "reported" ? this.t("queue.noReported") : this.t("queue.nothingHere");
    }
    this.el.more.hidden = !this.nextCursor;
    this.renderSelection();
  },

  search(text, moveFocus) {
    clearTimeout(this.searchTimer);
    const q = text.trim();
    if (q === this.queue.q) {
      if (moveFocus) this.focusList();
      return;
    }
    this.queue.q = q;
    this.loadQueue({ keepFocus: !moveFocus }).then(() => {
      if (moveFocus) this.focusList();
    });
  },

  searchSoon() {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.search(this.el.search.value, false), SEARCH_DELAY_MS);
  },

  setFilter(kind, value) {
    this.queue[kind] = value;
    this.loadQueue();
  },

  renderFilters() {
    const chips = [];
    // each label with its own "remove" words: the filter's name is declined in Russian
    const chip = (label, remove, value, clear) => h("span", { class: "chip" },
      h("span", { class: "chip-label" }, label + ": "), h("span", { class: "chip-value" }, value),
      h("button", { type: "button", class: "chip-clear", "aria-label": remove, onclick: clear }, "×"));
    if (this.queue.thread) {
      chips.push(chip(this.t("queue.chipArticle"), this.t("queue.removeArticleFilter"),
        this.queue.thread.title || this.queue.thread.key, () => this.setFilter("thread", null)));
    }
    if (this.queue.author) {
      chips.push(chip(this.t("queue.chipAuthor"), this.t("queue.removeAuthorFilter"),
        this.queue.author.name || this.queue.author.id, () => this.setFilter("author", null)));
    }
    if (this.queue.reason) {
      chips.push(chip(this.t("queue.chipRule"), this.t("queue.removeRuleFilter"), this.queue.reason.code, () => this.setFilter("reason", null)));
    }
    if (this.queue.q) {
      chips.push(chip(this.t("queue.chipSearch"), this.t("queue.removeSearchFilter"), this.queue.q, () => {
        this.el.search.value = "";
        this.search("", false);
      }));
    }
    this.el.filters.replaceChildren(...chips);
  },

  /* ---------------- counts, oldest waiting, surges ---------------- */

  applyCounts(counts, oldestPendingAt) {
    if (counts && typeof counts === "object") this.counts = Object.assign({}, this.counts, counts);
    if (oldestPendingAt !== undefined) this.oldestPendingAt = oldestPendingAt || null;
    this.renderTabs();
    this.renderOldest();
    this.updateTitle();
  },

  bumpCounts(from, to, by) {
    const n = by || 1;
    if (from && typeof this.counts[from] === "number") this.counts[from] = Math.max(0, this.counts[from] - n);
    if (to && to !== from && typeof this.counts[to] === "number") this.counts[to] += n;
    this.renderTabs();
    this.updateTitle();
  },

  renderTabs() {
    const queueLink = document.querySelector('.views a[data-view="queue"]');
    if (queueLink) queueLink.setAttribute("href", "#/" + this.queue.status);
    for (const tab of this.el.tabs) {
      const name = tab.dataset.queue;
      const n = this.counts[name];
      tab.querySelector(".count").textContent = typeof n === "number" ? formatNumber(n) : "–";
      if (name === this.queue.status) tab.setAttribute("aria-current", "true");
      else tab.removeAttribute("aria-current");
    }
  },

  renderOldest() {
    const el = this.el.oldest;
    const then = this.oldestPendingAt ? Date.parse(this.oldestPendingAt) : NaN;
    el.classList.remove("is-warn", "is-alert");
    if (Number.isNaN(then)) {
      el.textContent = this.counts.pending === 0 ? this.t("queue.nothingWaiting") : "–";
      el.removeAttribute("title");
      return;
    }
    const waited = Math.max(0, Date.now() - then);
    el.textContent = this.t("queue.oldestWaiting", { age: age(waited, (key, params) => this.t(key, params)) });
    el.title = this.t("queue.waitingSince", { time: absoluteTime(this.oldestPendingAt, this.dateLocale(), "medium") });
    if (waited > 2 * 3600000) el.classList.add("is-alert");
    else if (waited > 30 * 60000) el.classList.add("is-warn");
  },

  renderSurges() {
    const el = this.el.surge;
    if (!this.surges.size) {
      el.hidden = true;
      el.replaceChildren();
      return;
    }
    const names = [...this.surges].map((key) => this.threadTitles.get(key) || key);
    el.hidden = false;
    const threads = names.map((name, i) => [i ? ", " : "", h("span", { class: "surge-thread" }, name)]);
    // one thread or several, not a count: the sentence names them
    fill(el,
      h("strong", null, this.t("queue.surge")), " ",
      ...this.tParts(names.length === 1 ? "queue.surgeOne" : "queue.surgeMany", { threads })
    );
  },

  onTick() {
    if (this.view === "queue") this.renderOldest();
    const now = Date.now();
    for (const [id, taken] of this.taken) {
      if (taken.until > now) continue;
      this.taken.delete(id);
      const rec = this.items.get(id);
      if (rec) this.renderNotes(rec);
    }
  },

  /* ---------------- density ---------------- */

  /** Compact: one line of context per item, for small screens and long queues. */
  setDensity(compact, remember = true) {
    this.el.app.classList.toggle("is-compact", compact);
    this.el.density.setAttribute("aria-pressed", compact ? "true" : "false");
    if (remember) memory.set(DENSITY_KEY, compact ? "compact" : "comfortable");
  },

  restoreDensity() {
    this.setDensity(memory.get(DENSITY_KEY) === "compact", false);
  },
};
