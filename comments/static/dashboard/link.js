/*
 * Links into the dashboard, as e-mail alerts send them: `/moderate?site=S&item=ID#/pending`
 * chooses site S (when this account is on its team) and opens that comment in the queue,
 * focused as if moved to. Opening a link decides nothing. A link opened before logging in
 * is kept for the tab and followed once the login comes back (which lands on /moderate).
 */

import { LINK_KEY, tabMemory } from "./state.js";

const ITEM_ID = /^[0-9A-Za-z_-]{1,64}$/;
const MAX_PAGES = 10;
const QUEUE_KEYS = Object.freeze({
  pending: "link.queuePending", reported: "link.queueReported", rejected: "link.queueRejected", approved: "link.queueApproved",
});

function linkIn(search) {
  const params = new URLSearchParams(search);
  return params.has("site") || params.has("item");
}

export const link = {
  /** The link's site and item, taken off the address bar so a reload does not repeat it. */
  takeLink() {
    let search = location.search;
    let hash = location.hash;
    const kept = tabMemory.get(LINK_KEY);
    tabMemory.drop(LINK_KEY);
    if (!linkIn(search) && kept) {
      try {
        ({ search, hash } = JSON.parse(kept));
      } catch {
        return null;
      }
    }
    if (typeof search !== "string" || !linkIn(search)) return null;
    const params = new URLSearchParams(search);
    const item = params.get("item");
    history.replaceState(null, "", location.pathname + (typeof hash === "string" ? hash : ""));
    return { site: params.get("site"), item: item && ITEM_ID.test(item) ? item : null };
  },

  /** Keeps the address bar's link across the login's round trip. */
  keepLink() {
    if (!linkIn(location.search)) return;
    tabMemory.set(LINK_KEY, JSON.stringify({ search: location.search, hash: location.hash }));
  },

  /** Chooses the site a link names, if this account is on its team; else says why not. */
  followLink(wanted, fallback) {
    const site = wanted && wanted.site ? this.sites.find((s) => s.name === wanted.site) : null;
    this.linked = site && wanted.item ? { site: site.name, id: wanted.item } : null;
    this.chooseSite((site || fallback).name);
    if (wanted && wanted.site && !site) {
      this.say(this.t("link.notOnTeam", { site: wanted.site }), "error");
    }
  },

  /**
   * After the queue's first page: finds the linked comment (a few pages on at most), and
   * focuses it (which claims it, as moving to it would). False when it is not there.
   */
  async openLinked(seq) {
    const { id } = this.linked;
    this.linked = null;
    let rec = this.items.get(id);
    for (let pages = 0; !rec && this.nextCursor && pages < MAX_PAGES; pages += 1) {
      if (!(await this.loadMore()) || seq !== this.queueSeq) return false;
      rec = this.items.get(id);
    }
    if (!rec) {
      const status = this.queue.status;
      this.say(this.t("link.gone", { queue: Object.hasOwn(QUEUE_KEYS, status) ? this.t(QUEUE_KEYS[status]) : status }));
      return false;
    }
    this.setFocus(rec.id, { scroll: false });
    rec.el.classList.add("is-linked");
    rec.el.scrollIntoView({ block: "center" });
    this.say(this.t("link.found"));
    return true;
  },
};
