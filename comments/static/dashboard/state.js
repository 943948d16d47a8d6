/*
 * The dashboard's state: the one `Dashboard` object every other module adds its methods
 * to (main.js mixes them into the prototype), the page's elements, and the choices a
 * browser remembers. All mutable state lives on that object; modules hold none.
 */

import { createApi } from "./api.js";

export const QUEUES = Object.freeze(["pending", "reported", "rejected", "approved"]);
export const PAGES = Object.freeze(["bans", "log", "stats", "settings", "roles", "webhooks", "failed"]);
export const ADMIN_PAGES = Object.freeze(["settings", "roles", "webhooks", "failed"]);
export const PAGE_SIZE = 50;
export const BULK_MAX = 100;
export const UNDO_MS = 8000;
export const CONFLICT_LINGER_MS = 3000;
export const TICK_MS = 15000;
export const SITE_KEY = "comments:moderate:site";
export const DENSITY_KEY = "comments:moderate:density";
export const LINK_KEY = "comments:moderate:link";

/** Choices kept in `storage` (a getter: reading it may throw) when the browser allows it. */
function keeper(storage) {
  return Object.freeze({
    get(key) {
      try {
        return storage().getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        storage().setItem(key, value);
      } catch {
        /* private mode or storage switched off: not remembered */
      }
    },
    drop(key) {
      try {
        storage().removeItem(key);
      } catch {
        /* nothing was kept */
      }
    },
  });
}

/** Remembered choices: localStorage when the browser allows it. */
export const memory = keeper(() => window.localStorage);

/** What this tab keeps across a login's round trip (a link opened before logging in). */
export const tabMemory = keeper(() => window.sessionStorage);

export class Dashboard {
  constructor(base) {
    this.base = base;
    this.aborter = new AbortController();
    this.i18n = null; // the translator (language.js), loaded before anything shows
    this.api = createApi(base, {
      getCsrf: () => this.csrf,
      getSignal: () => this.aborter.signal,
      getLanguage: () => this.languageTag(),
      t: (key, params) => this.t(key, params),
    });
    this.csrf = null;
    this.user = null;
    this.sites = [];
    this.site = null;
    this.view = null;
    this.idSeq = 0;

    // the queue
    this.queue = { status: "pending", q: "", thread: null, author: null, reason: null };
    this.items = new Map(); // id -> { id, data, el, busy, notesEl, note }
    this.order = []; // ids in list order
    this.nextCursor = null;
    this.queueSeq = 0;
    this.loadingMore = null;
    this.focusedId = null;
    this.selected = new Set();
    this.counts = {};
    this.oldestPendingAt = null;
    this.undoable = null; // { kind, entries, ban?, expires, timer }
    this.claim = { id: null, delay: null, every: null };
    this.taken = new Map(); // id -> { text, until }
    this.echoes = new Map(); // id -> { status, until }: our own undone decision's late event
    this.surges = new Set();
    this.threadTitles = new Map();
    this.banTarget = null;
    this.searchTimer = null;

    // the live feed
    this.source = null;
    this.liveRetry = 0;
    this.liveTimer = null;
    this.liveWasDown = false;

    this.logCursor = null;
    this.statsDays = 30;
    this.statsSeq = 0;
    this.hookNotice = null;
    this.failedSeq = 0;
    this.alertsSeq = 0;
    this.linked = null; // a comment id a link asked to open, until the queue has shown it
    this.tick = null;
    this.el = grabElements();
  }

  uid(prefix) {
    this.idSeq += 1;
    return "mod-" + prefix + "-" + this.idSeq;
  }

  isAdmin() {
    return Boolean(this.site && Array.isArray(this.site.roles) && this.site.roles.includes("admin"));
  }

  /** The body of a page view (bans, log, stats, settings, roles, webhooks, failed). */
  pageBody(view) {
    return this.el.views[view].querySelector(".page-body");
  }
}

function grabElements() {
  const $ = (selector) => document.querySelector(selector);
  return {
    boot: $("#boot"),
    login: $("#login"),
    providers: $("#login .login-providers"),
    loginError: $("#login .login-error"),
    app: $("#app"),
    main: $("#main"),
    sitePickerLabel: $(".site-picker"),
    sitePicker: $("#site-picker"),
    siteName: $("#site-name"),
    live: $("#live"),
    liveText: $("#live .live-text"),
    who: $("#who"),
    languagePicker: $("#language-picker"),
    alerts: $("#my-alerts"),
    alertsBox: $("#my-alerts input"),
    views: {
      queue: $("#view-queue"),
      bans: $("#view-bans"),
      log: $("#view-log"),
      stats: $("#view-stats"),
      settings: $("#view-settings"),
      roles: $("#view-roles"),
      webhooks: $("#view-webhooks"),
      failed: $("#view-failed"),
      message: $("#view-message"),
    },
    tabs: Array.from(document.querySelectorAll("button[data-queue]")),
    oldest: $("#oldest-waiting"),
    searchForm: $("form.search"),
    search: $("#search"),
    density: $('button[data-action="density"]'),
    surge: $("#surge"),
    filters: $(".toolbar .filters"),
    bulkCount: $(".bulk-count"),
    list: $("#queue-list"),
    empty: $(".queue-empty"),
    more: $('button[data-action="load-more"]'),
    sentinel: $(".queue-sentinel"),
    status: $("#status"),
    undo: $('button[data-action="undo"]'),
    banDialog: $("#ban-dialog"),
    helpDialog: $("#help-dialog"),
  };
}
