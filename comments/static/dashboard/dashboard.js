/*
 * The moderators' dashboard, served at `{base}/moderate`.
 *
 * Plain JavaScript, no build step, no dependencies. The page is first-party:
 * it talks to the service only through `createApi` (same-origin cookie session,
 * an `X-CSRF-Token` header on every state-changing request) and inserts text
 * as text everywhere. The only HTML it inserts is a comment's (or a parent
 * comment's) `html` field, which the server has sanitised.
 *
 * Keyboard first: j/k move, a approve, r reject, b ban, x select, A/R act on
 * the selection, u undo, / search, ? help. Every action also has a button.
 *
 * All mutable state lives on the one `Dashboard` object created at the end.
 */
(() => {
  "use strict";

  const SCRIPT_PATH = "/static/dashboard/dashboard.js";
  const QUEUES = Object.freeze([
    ["pending", "Pending"],
    ["reported", "Reported"],
    ["rejected", "Rejected"],
    ["approved", "Approved"],
  ]);
  const QUEUE_NAMES = Object.freeze(QUEUES.map(([name]) => name));
  const PAGE_SIZE = 50;
  const BULK_MAX = 100;
  const UNDO_MS = 8000;
  const CLAIM_DELAY_MS = 250;
  const RECLAIM_MS = 45000;
  const CLAIM_TTL_MS = 60000;
  const CONFLICT_LINGER_MS = 3000;
  const DECIDED_LINGER_MS = 1500;
  const SEARCH_DELAY_MS = 350;
  const TICK_MS = 15000;
  const SITE_KEY = "comments:moderate:site";
  const BAN_DURATIONS = Object.freeze({ "1d": 1, "7d": 7, "30d": 30, permanent: null });
  const DONE_WORDS = Object.freeze({
    approve: ["Approved", "approved"],
    reject: ["Rejected", "rejected"],
    requeue: ["Sent back to the queue", "sent back to the queue"],
  });
  const HELP_KEYS = Object.freeze([
    ["j", "Next item"],
    ["k", "Previous item"],
    ["a", "Approve the item in focus"],
    ["r", "Reject the item in focus"],
    ["b", "Ban the author (asks how long)"],
    ["x", "Select or unselect the item in focus"],
    ["A", "Approve every selected item"],
    ["R", "Reject every selected item"],
    ["u", "Undo the last decision (for 8 seconds)"],
    ["s", "Show or hide the source"],
    ["/", "Search this queue"],
    ["1 – 4", "Pending, reported, rejected, approved"],
    ["Esc", "Clear the selection, leave the search box"],
    ["?", "This help"],
  ]);
  const POLICY_GROUPS = Object.freeze([
    ["review", "Review"],
    ["words", "Word lists"],
    ["links", "Links"],
    ["spam", "Repetition and shouting"],
    ["limits", "Limits"],
    ["threads", "Threads and editing"],
    ["other", "Other settings"],
  ]);
  const LIST_ACTIONS = Object.freeze([
    ["hold", "Hold for review"],
    ["reject", "Reject"],
    ["mask", "Publish with the word starred out"],
  ]);
  const TIER_ACTIONS = Object.freeze([["publish", "Publish"], ...LIST_ACTIONS]);
  /* Known policy fields; anything else the server sends is rendered by its type. */
  const POLICY_FIELDS = Object.freeze({
    premoderation: {
      group: "review", label: "Pre-moderation",
      choices: [["off", "Off — publish at once"], ["new", "New authors — hold until they are established"], ["all", "All — hold every comment"]],
    },
    new_author_comments: { group: "review", label: "An author is new until this many comments are approved", kind: "int" },
    profanity_list: { group: "words", label: "Use the built-in word lists", help: "English, Russian, Ukrainian and Belarusian words and roots, each with a tier." },
    profanity_languages: { group: "words", label: "Languages of the built-in lists", kind: "lines", help: "One code per line: en, ru, uk, be." },
    profanity_mild: { group: "words", label: "Mild words (hell, damn, crap)", choices: TIER_ACTIONS },
    profanity_strong: { group: "words", label: "Strong words (obscenities)", choices: TIER_ACTIONS },
    profanity_slur: { group: "words", label: "Slurs", choices: TIER_ACTIONS },
    banned_words: { group: "words", label: "Banned words", kind: "lines", help: "One per line. A comment containing one is rejected." },
    banned_action: { group: "words", label: "For banned words", choices: LIST_ACTIONS },
    suspect_action: { group: "words", label: "For suspect words", choices: LIST_ACTIONS },
    suspect_words: { group: "words", label: "Suspect words", kind: "lines", help: "One per line. A comment containing one is held for review." },
    allowed_words: { group: "words", label: "Allowed words", kind: "lines", help: "One per line. Exceptions to the lists above." },
    report_threshold: { group: "review", label: "Reports that put a comment in the queue", kind: "int", help: "From this many different readers." },
    max_links: { group: "links", label: "Hold comments with more links than", kind: "int" },
    link_min_approved: { group: "links", label: "Links need this many approved comments", kind: "int", help: "Links from authors with fewer published comments are held." },
    blocked_domains: { group: "links", label: "Blocked link domains", kind: "lines", help: "One per line. Links to these domains (and subdomains) are rejected." },
    allowed_domains: { group: "links", label: "Allowed link domains", kind: "lines", help: "One per line. When set, links elsewhere are held for review." },
    link_domains_blocked: { group: "links", label: "Blocked link domains", kind: "lines", help: "One per line. A comment linking to one is rejected." },
    link_domains_allowed: { group: "links", label: "Allowed link domains", kind: "lines", help: "One per line. Links here never count against the limit." },
    rate_per_minute: { group: "limits", label: "Comments per author per minute", kind: "int" },
    rate_per_hour: { group: "limits", label: "Comments per author per hour", kind: "int" },
    ip_rate_per_hour: { group: "limits", label: "Comments per network address per hour", kind: "int", help: "0: no limit." },
    duplicate_window_seconds: { group: "spam", label: "Repeated text window (seconds)", kind: "int", help: "Posting the same text again within it is held." },
    copy_paste_authors: { group: "spam", label: "Same text from this many authors is held", kind: "int" },
    shouting_ratio: { group: "spam", label: "Share of capital letters that is held", kind: "number", help: "Between 0.5 and 1; counted on 20 letters or more." },
    max_char_run: { group: "spam", label: "Hold a run of one character this long", kind: "int" },
    edit_window_seconds: { group: "threads", label: "Edit window (seconds)", kind: "int", help: "How long authors may edit their comments. 0: no editing." },
    reply_depth: { group: "threads", label: "Reply depth", kind: "int", help: "How deep replies nest when shown." },
    auto_close_days: { group: "threads", label: "Close threads after (days)", kind: "int", nullable: true, help: "Days after the first comment. Empty: never." },
  });

  /* ------------------------------------------------------------------ *
   * Where the service lives: this script's own URL minus SCRIPT_PATH.   *
   * ------------------------------------------------------------------ */

  function findServiceBase() {
    let src = document.currentScript && document.currentScript.src;
    if (!src) {
      for (const script of document.querySelectorAll("script[src]")) {
        if (pathEndsWith(script.src, SCRIPT_PATH)) {
          src = script.src;
          break;
        }
      }
    }
    if (!src) return location.origin + location.pathname.replace(/\/moderate\/?$/, "");
    const url = new URL(src, location.href);
    const path = url.pathname.endsWith(SCRIPT_PATH) ? url.pathname.slice(0, -SCRIPT_PATH.length) : "";
    return url.origin + path;
  }

  function pathEndsWith(src, suffix) {
    try {
      return new URL(src, location.href).pathname.endsWith(suffix);
    } catch {
      return false;
    }
  }

  const SERVICE_BASE = findServiceBase(); // constant once the script has run

  /* ------------------------------------------------------------------ *
   * HTTP: every request the dashboard makes goes through this object.   *
   * ------------------------------------------------------------------ */

  class ApiError extends Error {
    constructor(status, code, message, fields) {
      super(message);
      this.name = "ApiError";
      this.status = status;
      this.code = code;
      this.fields = fields || null;
    }
  }

  function createApi(base, getCsrf, getSignal) {
    const sitePath = (site) => "/api/v1/sites/" + encodeURIComponent(site);
    const commentPath = (id) => "/api/v1/moderation/comments/" + encodeURIComponent(id);

    async function request(method, path, { query, body } = {}) {
      const url = new URL(base + path);
      for (const [key, value] of Object.entries(query || {})) {
        if (value === undefined || value === null || value === "") continue;
        url.searchParams.append(key, String(value));
      }
      const headers = { Accept: "application/json" };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      if (method !== "GET") {
        const csrf = getCsrf();
        if (csrf) headers["X-CSRF-Token"] = csrf;
      }
      let response;
      try {
        response = await fetch(url.href, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: "same-origin",
          cache: "no-store",
          signal: getSignal(),
        });
      } catch (error) {
        if (error && error.name === "AbortError") throw error;
        throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
      }
      if (response.status === 204) return null;
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        if (error && error.name === "AbortError") throw error;
        data = null;
      }
      if (!response.ok) {
        const detail = (data && data.error) || {};
        throw new ApiError(
          response.status,
          detail.code || "http_" + response.status,
          detail.message || "Something went wrong (" + response.status + "). Please try again.",
          detail.fields
        );
      }
      return data;
    }

    return Object.freeze({
      loginUrl: (provider) => base + "/moderate/login/" + encodeURIComponent(provider),
      session: () => request("GET", "/moderate/session"),
      providers: () => request("GET", "/moderate/providers"),
      logout: () => request("POST", "/moderate/logout"),
      queue: (site, params) => request("GET", sitePath(site) + "/moderation/queue", { query: params }),
      decide: (id, action, fromStatus, reason) =>
        request("POST", commentPath(id) + "/decision", {
          body: reason ? { action, from_status: fromStatus, reason } : { action, from_status: fromStatus },
        }),
      claim: (id) => request("POST", commentPath(id) + "/claim"),
      bulk: (site, ids, action, fromStatus) =>
        request("POST", sitePath(site) + "/moderation/bulk", { body: { ids, action, from_status: fromStatus } }),
      bans: (site) => request("GET", sitePath(site) + "/bans"),
      ban: (site, payload) => request("POST", sitePath(site) + "/bans", { body: payload }),
      liftBan: (site, userId) => request("DELETE", sitePath(site) + "/bans/" + encodeURIComponent(userId)),
      settings: (site) => request("GET", sitePath(site) + "/settings"),
      saveSettings: (site, payload) => request("PUT", sitePath(site) + "/settings", { body: payload }),
      check: (site, text) => request("POST", sitePath(site) + "/moderation/check", { body: { body: text } }),
      roles: (site) => request("GET", sitePath(site) + "/roles"),
      setRoles: (site, userId, roles) =>
        request("PUT", sitePath(site) + "/roles/" + encodeURIComponent(userId), { body: { roles } }),
      log: (site, cursor) => request("GET", sitePath(site) + "/moderation/log", { query: { cursor } }),
      setThreadOpen: (site, thread, open) =>
        request("POST", sitePath(site) + "/threads/" + (open ? "open" : "close"), { body: { thread } }),
      /** The live queue feed; same-origin, so the session cookie goes along. */
      events: (site) => new EventSource(base + sitePath(site) + "/moderation/events"),
    });
  }

  /* ------------------------------------------------------------------ *
   * Remembered choices: localStorage when the browser allows it.        *
   * ------------------------------------------------------------------ */

  const memory = Object.freeze({
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch {
        /* private mode or storage switched off: not remembered */
      }
    },
  });

  /* ------------------------------------------------------------------ *
   * Small DOM helpers. Strings always become text nodes.                *
   * ------------------------------------------------------------------ */

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2), value);
      } else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  /** Replaces `el`'s children the way `h` builds them: nested arrays flattened, empties skipped. */
  function fill(el, ...children) {
    el.replaceChildren();
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  /** Server-sanitised HTML only (a comment's `html` field). */
  function trustedHtml(tag, className, html) {
    const el = h(tag, { class: className });
    el.innerHTML = typeof html === "string" ? html : "";
    for (const link of el.querySelectorAll("a[href]")) {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener noreferrer nofollow");
    }
    return el;
  }

  function kbd(key) {
    return h("kbd", { "aria-hidden": "true" }, key);
  }

  function button(label, props, key) {
    return h("button", Object.assign({ type: "button", class: "btn" }, props), label, key ? kbd(key) : null);
  }

  function plural(n, one, many) {
    return formatNumber(n) + " " + (n === 1 ? one : many);
  }

  function formatNumber(n) {
    try {
      return new Intl.NumberFormat().format(n);
    } catch {
      return String(n);
    }
  }

  function relativeTime(iso) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    const seconds = (then - Date.now()) / 1000;
    const abs = Math.abs(seconds);
    try {
      if (abs > 60 * 86400) {
        return new Date(then).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
      }
      const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
      if (abs < 45) return rtf.format(0, "second");
      if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
      if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
      return rtf.format(Math.round(seconds / 86400), "day");
    } catch {
      return new Date(then).toLocaleString();
    }
  }

  function absoluteTime(iso) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    try {
      return new Date(then).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    } catch {
      return new Date(then).toLocaleString();
    }
  }

  function timeEl(iso, className) {
    if (!iso) return null;
    return h("time", { class: className || null, datetime: iso, title: absoluteTime(iso) }, relativeTime(iso));
  }

  /** "4 min", "2 h 5 min", "3 days": how long something has waited. */
  function age(ms) {
    const minutes = Math.floor(ms / 60000);
    if (minutes < 1) return "under a minute";
    if (minutes < 60) return minutes + " min";
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h" + (minutes % 60 ? " " + (minutes % 60) + " min" : "");
    const days = Math.floor(hours / 24);
    return plural(days, "day", "days");
  }

  function safeLink(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function safeImage(url) {
    try {
      const parsed = new URL(url, location.href);
      if (parsed.protocol === "https:" || parsed.origin === location.origin) return parsed.href;
    } catch {
      /* not a URL */
    }
    return null;
  }

  function initials(name) {
    const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
    const letters = parts.slice(0, 2).map((p) => Array.from(p)[0] || "");
    return (letters.join("") || "?").toUpperCase();
  }

  function hueClass(text) {
    let hash = 0;
    for (const ch of String(text || "")) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return "hue-" + (hash % 8);
  }

  function avatar(person) {
    const name = (person && person.name) || "";
    const fallback = h("span", { class: "avatar initials " + hueClass(name), "aria-hidden": "true" }, initials(name));
    const src = person && person.avatar_url && safeImage(person.avatar_url);
    if (!src) return fallback;
    const img = h("img", {
      class: "avatar", src, alt: "", width: 28, height: 28,
      loading: "lazy", decoding: "async", referrerpolicy: "no-referrer",
    });
    img.addEventListener("error", () => img.replaceWith(fallback), { once: true });
    return img;
  }

  /**
   * `text` as text nodes with the code-point ranges in `spans` wrapped in <mark>.
   * Overlapping spans are merged; each mark's title names the rules it matched.
   */
  function highlighted(text, spans) {
    const chars = Array.from(String(text || ""));
    const ranges = [];
    for (const { span, label } of spans) {
      if (!Array.isArray(span) || span.length !== 2) continue;
      const start = Math.max(0, Math.min(chars.length, Number(span[0]) | 0));
      const end = Math.max(start, Math.min(chars.length, Number(span[1]) | 0));
      if (end > start) ranges.push({ start, end, labels: [label] });
    }
    ranges.sort((x, y) => x.start - y.start || x.end - y.end);
    const merged = [];
    for (const range of ranges) {
      const last = merged[merged.length - 1];
      if (last && range.start <= last.end) {
        last.end = Math.max(last.end, range.end);
        last.labels.push(...range.labels);
      } else merged.push(range);
    }
    const out = document.createDocumentFragment();
    let at = 0;
    for (const range of merged) {
      if (range.start > at) out.append(chars.slice(at, range.start).join(""));
      const labels = [...new Set(range.labels.filter(Boolean))].join("; ");
      out.append(h("mark", { title: labels || null }, chars.slice(range.start, range.end).join("")));
      at = range.end;
    }
    if (at < chars.length) out.append(chars.slice(at).join(""));
    return { node: out, marks: merged.length };
  }

  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    const tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return !["button", "checkbox", "radio", "submit", "reset"].includes(el.type);
  }

  /** The parts of an item, with defaults so a missing field never breaks a render. */
  function parts(item) {
    const comment = item.comment || {};
    const author = item.author || {};
    const thread = item.thread || {};
    const reports = item.reports || {};
    return {
      comment,
      author,
      thread,
      parent: item.parent || null,
      reasons: Array.isArray(item.reasons) ? item.reasons : [],
      reports: {
        count: Number(reports.count || comment.report_count || 0),
        reasons: reports.reasons && typeof reports.reasons === "object" ? reports.reasons : {},
        notes: Array.isArray(reports.notes) ? reports.notes : [],
      },
      claimedBy: item.claimed_by || null,
    };
  }

  function nameOf(person, fallback) {
    return (person && typeof person.name === "string" && person.name.trim()) || fallback || "someone";
  }

  /* ------------------------------------------------------------------ *
   * The dashboard.                                                      *
   * ------------------------------------------------------------------ */

  class Dashboard {
    constructor(base) {
      this.base = base;
      this.aborter = new AbortController();
      this.api = createApi(base, () => this.csrf, () => this.aborter.signal);
      this.csrf = null;
      this.user = null;
      this.sites = [];
      this.site = null;
      this.view = null;
      this.idSeq = 0;

      // the queue
      this.queue = { status: "pending", q: "", thread: null, author: null, reason: null };
      this.items = new Map(); // id -> { data, el, busy, notesEl }
      this.order = []; // ids in list order
      this.nextCursor = null;
      this.queueSeq = 0;
      this.loadingMore = null;
      this.focusedId = null;
      this.selected = new Set();
      this.counts = {};
      this.oldestPendingAt = null;
      this.undoable = null; // { entries, expires, timer }
      this.claim = { id: null, delay: null, every: null };
      this.taken = new Map(); // id -> { text, until }
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
      this.tick = null;
      this.grabElements();
      this.bindStatic();
    }

    uid(prefix) {
      this.idSeq += 1;
      return "mod-" + prefix + "-" + this.idSeq;
    }

    grabElements() {
      const $ = (selector) => document.querySelector(selector);
      this.el = {
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
        views: {
          queue: $("#view-queue"),
          bans: $("#view-bans"),
          log: $("#view-log"),
          settings: $("#view-settings"),
          roles: $("#view-roles"),
          message: $("#view-message"),
        },
        tabs: Array.from(document.querySelectorAll("button[data-queue]")),
        oldest: $("#oldest-waiting"),
        searchForm: $("form.search"),
        search: $("#search"),
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

    /* ---------------- wiring of the static page ---------------- */

    bindStatic() {
      const el = this.el;
      document.addEventListener("keydown", (event) => this.onKey(event));
      window.addEventListener("hashchange", () => this.route());
      document.querySelector('button[data-action="logout"]').addEventListener("click", () => this.logout());
      el.sitePicker.addEventListener("change", () => this.chooseSite(el.sitePicker.value));
      for (const tab of el.tabs) {
        tab.addEventListener("click", () => this.go("#/" + tab.dataset.queue));
      }
      el.searchForm.addEventListener("submit", (event) => {
        event.preventDefault();
        this.search(el.search.value, true);
      });
      el.search.addEventListener("input", () => {
        clearTimeout(this.searchTimer);
        this.searchTimer = setTimeout(() => this.search(el.search.value, false), SEARCH_DELAY_MS);
      });
      el.search.addEventListener("keydown", (event) => {
        if (event.key !== "Escape") return;
        event.preventDefault();
        if (el.search.value) {
          el.search.value = "";
          this.search("", false);
        }
        this.focusList();
      });
      el.more.addEventListener("click", () => this.loadMore());
      document.querySelector('button[data-action="help"]').addEventListener("click", () => this.showHelp());
      document.querySelector('button[data-action="select-all"]').addEventListener("click", () => this.selectAll());
      document.querySelector('button[data-action="clear-selection"]').addEventListener("click", () => this.clearSelection());
      document.querySelector('button[data-action="bulk-approve"]').addEventListener("click", () => this.bulk("approve"));
      document.querySelector('button[data-action="bulk-reject"]').addEventListener("click", () => this.bulk("reject"));
      el.undo.addEventListener("click", () => this.undo());

      // the list: one set of listeners for every item
      el.list.addEventListener("click", (event) => this.onListClick(event));
      el.list.addEventListener("focusin", (event) => {
        const article = event.target.closest("article.mod-item");
        if (article && article.dataset.id !== this.focusedId) {
          this.setFocus(article.dataset.id, { scroll: false, domFocus: false });
        }
      });

      if ("IntersectionObserver" in window) {
        this.observer = new IntersectionObserver((entries) => {
          if (entries.some((entry) => entry.isIntersecting)) this.loadMore();
        }, { rootMargin: "600px 0px" });
        this.observer.observe(el.sentinel);
      }

      // keys help
      const rows = HELP_KEYS.map(([key, what]) => h("tr", null, h("th", { scope: "row" }, h("kbd", null, key)), h("td", null, what)));
      el.helpDialog.querySelector("tbody").replaceChildren(...rows);
      el.helpDialog.querySelector('button[data-action="close"]').addEventListener("click", () => el.helpDialog.close());

      // ban dialog
      const form = el.banDialog.querySelector("form");
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submitBan(form);
      });
      form.querySelector('button[data-action="cancel"]').addEventListener("click", () => el.banDialog.close());
      el.banDialog.addEventListener("close", () => this.afterBanDialog());

      document.addEventListener("visibilitychange", () => {
        if (!document.hidden && this.view === "queue") this.renderOldest();
      });
    }

    /* ---------------- start-up, session and login ---------------- */

    async start() {
      let session;
      try {
        session = await this.api.session();
      } catch (error) {
        if (error.status === 401) {
          this.showLogin();
        } else if (error.name !== "AbortError") {
          this.showFatal("The dashboard could not start", error.message);
        }
        return;
      }
      this.csrf = (session && session.csrf_token) || null;
      this.user = (session && session.user) || null;
      this.sites = (session && Array.isArray(session.sites) ? session.sites : [])
        .filter((s) => s && typeof s.name === "string");
      this.showApp();
      if (!this.sites.length) {
        this.showMessage("No sites to moderate", "Your account is not a moderator of any site yet. Ask an admin to grant you the moderator role.");
        return;
      }
      const remembered = memory.get(SITE_KEY);
      const site = this.sites.find((s) => s.name === remembered) || this.sites[0];
      this.renderSitePicker();
      this.chooseSite(site.name);
    }

    showFatal(title, text) {
      this.el.boot.hidden = false;
      this.el.boot.replaceChildren(h("strong", null, title), " ", text);
      this.el.boot.classList.add("is-error");
    }

    async showLogin(message) {
      this.teardown();
      this.csrf = null;
      this.user = null;
      this.el.boot.hidden = true;
      this.el.app.hidden = true;
      this.el.login.hidden = false;
      document.title = "Log in · Moderation";
      this.el.loginError.textContent = message || "";
      this.el.providers.replaceChildren(h("li", { class: "muted" }, "Loading…"));
      try {
        const data = await this.api.providers();
        const providers = (data && Array.isArray(data.providers)) ? data.providers : [];
        if (!providers.length) {
          this.el.providers.replaceChildren(h("li", { class: "muted" }, "No login methods are configured for this service."));
          return;
        }
        this.el.providers.replaceChildren(...providers.map((p) =>
          h("li", null, h("a", {
            class: "btn btn-provider",
            href: this.api.loginUrl(p.id),
            "data-provider": p.id,
          }, "Continue with " + (p.name || p.id)))
        ));
        const first = this.el.providers.querySelector("a");
        if (first) first.focus();
      } catch (error) {
        if (error.name === "AbortError") return;
        this.el.providers.replaceChildren();
        this.el.loginError.textContent = error.message;
      }
    }

    showApp() {
      this.el.boot.hidden = true;
      this.el.login.hidden = true;
      this.el.app.hidden = false;
      const who = this.el.who;
      who.replaceChildren();
      if (this.user) who.append(avatar(this.user), h("span", { class: "who-name" }, nameOf(this.user, "")));
    }

    async logout() {
      try {
        await this.api.logout();
      } catch (error) {
        if (error.status !== 401 && error.name !== "AbortError") {
          this.say(error.message, "error");
          return;
        }
      }
      this.showLogin("You have logged out.");
    }

    /** Stops everything tied to the current session or site. */
    teardown() {
      this.aborter.abort();
      this.aborter = new AbortController();
      this.disconnectLive();
      this.releaseClaim();
      clearInterval(this.tick);
      this.tick = null;
      clearTimeout(this.searchTimer);
      this.dropUndo();
      for (const dialog of [this.el.banDialog, this.el.helpDialog]) if (dialog.open) dialog.close();
    }

    renderSitePicker() {
      const picker = this.el.sitePicker;
      picker.replaceChildren(...this.sites.map((s) => h("option", { value: s.name }, s.name)));
      this.el.sitePickerLabel.hidden = this.sites.length < 2;
    }

    chooseSite(name) {
      const site = this.sites.find((s) => s.name === name);
      if (!site) return;
      this.teardown();
      this.site = site;
      memory.set(SITE_KEY, site.name);
      this.el.sitePicker.value = site.name;
      this.el.siteName.textContent = this.sites.length < 2 ? site.name : "";
      const admin = this.isAdmin();
      for (const link of document.querySelectorAll(".views a[data-admin]")) link.hidden = !admin;
      this.counts = {};
      this.oldestPendingAt = null;
      this.surges.clear();
      this.taken.clear();
      this.view = null;
      this.connectLive();
      this.tick = setInterval(() => this.onTick(), TICK_MS);
      this.route(true);
    }

    isAdmin() {
      return Boolean(this.site && Array.isArray(this.site.roles) && this.site.roles.includes("admin"));
    }

    /* ---------------- errors and the status line ---------------- */

    say(text, kind) {
      const status = this.el.status;
      status.textContent = text || "";
      status.className = kind ? "is-" + kind : "";
    }

    /** Handles an API error: 401 shows the login, anything else is said as text. */
    fail(error, target) {
      if (!error || error.name === "AbortError") return true;
      if (error.status === 401) {
        this.showLogin(error.message || "Your session has ended. Please log in again.");
        return true;
      }
      const message = error instanceof ApiError ? error.message : "Something went wrong. Please try again.";
      if (target) target.textContent = message;
      this.say(message, "error");
      if (!(error instanceof ApiError)) console.error(error);
      return false;
    }

    /* ---------------- views ---------------- */

    go(hash) {
      if (location.hash === hash) this.route();
      else location.hash = hash;
    }

    route(force) {
      if (!this.site) return;
      const name = decodeURIComponent(location.hash.replace(/^#\/?/, "")) || "pending";
      let view = "queue";
      let status = this.queue.status;
      if (QUEUE_NAMES.includes(name)) status = name;
      else if (["bans", "log", "settings", "roles"].includes(name)) view = name;
      if ((view === "settings" || view === "roles") && !this.isAdmin()) {
        this.showView("message");
        this.showMessage("Admins only", "Only the site's admins can see this page.");
        return;
      }
      const changed = force || view !== this.view || (view === "queue" && status !== this.queue.status);
      this.showView(view);
      if (!changed) return;
      if (view === "queue") {
        this.queue.status = status;
        this.renderTabs();
        this.loadQueue();
      } else {
        this.releaseClaim();
        if (view === "bans") this.loadBans();
        if (view === "log") this.loadLog(true);
        if (view === "settings") this.loadSettings();
        if (view === "roles") this.loadRoles();
      }
    }

    showView(view) {
      this.view = view;
      for (const [name, section] of Object.entries(this.el.views)) section.hidden = name !== view;
      for (const link of document.querySelectorAll(".views a[data-view]")) {
        if (link.dataset.view === view) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      }
      this.updateTitle();
    }

    showMessage(title, text) {
      this.showView("message");
      const section = this.el.views.message;
      section.querySelector(".message-title").textContent = title;
      section.querySelector(".message-text").textContent = text;
    }

    updateTitle() {
      const pending = this.counts.pending;
      const prefix = typeof pending === "number" && pending > 0 ? "(" + formatNumber(pending) + ") " : "";
      const site = this.site ? " · " + this.site.name : "";
      document.title = prefix + "Moderation" + site;
    }

    /* ---------------- keyboard ---------------- */

    onKey(event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (this.el.app.hidden || document.querySelector("dialog[open]")) return;
      if (isTyping(event.target)) return;
      const key = event.key;
      if (key === "?") {
        event.preventDefault();
        this.showHelp();
        return;
      }
      if (this.view !== "queue") return;
      const actions = {
        j: () => this.move(1),
        k: () => this.move(-1),
        a: () => this.decide("approve"),
        r: () => this.decide("reject"),
        b: () => this.openBan(this.focusedId),
        x: () => this.toggleSelect(this.focusedId),
        A: () => this.bulk("approve"),
        R: () => this.bulk("reject"),
        u: () => this.undo(),
        s: () => this.toggleSource(this.focusedId),
        "/": () => this.el.search.focus(),
        1: () => this.go("#/pending"),
        2: () => this.go("#/reported"),
        3: () => this.go("#/rejected"),
        4: () => this.go("#/approved"),
        Escape: () => this.clearSelection(),
      };
      const action = actions[key];
      if (!action) return;
      // a button or link in focus keeps Enter and Space; letters are ours
      event.preventDefault();
      if (event.repeat && "arbxARu".includes(key)) return; // a held key decides once
      action();
    }

    showHelp() {
      if (!this.el.helpDialog.open) this.el.helpDialog.showModal();
    }

    focusList() {
      const rec = this.items.get(this.focusedId);
      if (rec) rec.el.focus({ preventScroll: true });
      else this.el.list.focus({ preventScroll: true });
    }

    /* ---------------- the queue: loading ---------------- */

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
    }

    /** Loads the first page again (queue, filter or search changed). */
    async loadQueue({ keepFocus = false } = {}) {
      const seq = ++this.queueSeq;
      const inputHadFocus = isTyping(document.activeElement);
      this.releaseClaim();
      this.clearList();
      this.renderFilters();
      this.el.list.setAttribute("aria-busy", "true");
      this.el.empty.hidden = false;
      this.el.empty.textContent = "Loading…";
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
      const first = this.navigable()[0];
      if (first) this.setFocus(first, { domFocus: !inputHadFocus && !keepFocus, scroll: false });
      window.scrollTo({ top: 0 });
    }

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
    }

    async fetchMore() {
      const seq = this.queueSeq;
      this.el.more.disabled = true;
      this.el.more.textContent = "Loading…";
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
        this.el.more.textContent = "Load more";
      }
    }

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
    }

    makeRecord(item) {
      const id = item && item.comment && item.comment.id;
      if (id === undefined || id === null || this.items.has(String(id))) return null;
      const rec = { id: String(id), data: item, el: null, busy: false, notesEl: null };
      const { thread, claimedBy } = parts(item);
      if (thread.key && thread.title) this.threadTitles.set(thread.key, thread.title);
      if (claimedBy && this.user && claimedBy.id !== this.user.id && !this.taken.has(rec.id)) {
        this.taken.set(rec.id, { text: "Taken by " + nameOf(claimedBy), until: Date.now() + CLAIM_TTL_MS });
      }
      this.items.set(rec.id, rec);
      this.renderItem(rec);
      return rec;
    }

    clearList() {
      this.items.clear();
      this.order = [];
      this.selected.clear();
      this.focusedId = null;
      this.nextCursor = null;
      this.loadingMore = null; // a page still on its way is dropped by its sequence check
      this.el.list.replaceChildren();
      this.renderSelection();
    }

    afterListChange() {
      const count = this.order.length;
      this.el.empty.hidden = count > 0;
      if (!count) {
        const filtered = this.queue.q || this.queue.thread || this.queue.author || this.queue.reason;
        this.el.empty.textContent = filtered
          ? "Nothing in this queue matches."
          : this.queue.status === "pending" ? "All clear. Nothing is waiting for review."
            : this.queue.status === "reported" ? "No reported comments." : "Nothing here.";
      }
      this.el.more.hidden = !this.nextCursor;
      this.renderSelection();
    }

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
    }

    setFilter(kind, value) {
      this.queue[kind] = value;
      this.loadQueue();
    }

    renderFilters() {
      const chips = [];
      const chip = (label, value, clear) => h("span", { class: "chip" },
        h("span", { class: "chip-label" }, label + ": "), h("span", { class: "chip-value" }, value),
        h("button", { type: "button", class: "chip-clear", "aria-label": "Remove the " + label.toLowerCase() + " filter", onclick: clear }, "×"));
      if (this.queue.thread) chips.push(chip("Article", this.queue.thread.title || this.queue.thread.key, () => this.setFilter("thread", null)));
      if (this.queue.author) chips.push(chip("Author", this.queue.author.name || this.queue.author.id, () => this.setFilter("author", null)));
      if (this.queue.reason) chips.push(chip("Rule", this.queue.reason.code, () => this.setFilter("reason", null)));
      if (this.queue.q) {
        chips.push(chip("Search", this.queue.q, () => {
          this.el.search.value = "";
          this.search("", false);
        }));
      }
      this.el.filters.replaceChildren(...chips);
    }

    /* ---------------- counts, oldest waiting, surges ---------------- */

    applyCounts(counts, oldestPendingAt) {
      if (counts && typeof counts === "object") this.counts = Object.assign({}, this.counts, counts);
      if (oldestPendingAt !== undefined) this.oldestPendingAt = oldestPendingAt || null;
      this.renderTabs();
      this.renderOldest();
      this.updateTitle();
    }

    bumpCounts(from, to, by) {
      const n = by || 1;
      if (from && typeof this.counts[from] === "number") this.counts[from] = Math.max(0, this.counts[from] - n);
      if (to && to !== from && typeof this.counts[to] === "number") this.counts[to] += n;
      this.renderTabs();
      this.updateTitle();
    }

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
    }

    renderOldest() {
      const el = this.el.oldest;
      const then = this.oldestPendingAt ? Date.parse(this.oldestPendingAt) : NaN;
      el.classList.remove("is-warn", "is-alert");
      if (Number.isNaN(then)) {
        el.textContent = this.counts.pending === 0 ? "Nothing waiting" : "–";
        el.removeAttribute("title");
        return;
      }
      const waited = Math.max(0, Date.now() - then);
      el.textContent = "Oldest waiting: " + age(waited);
      el.title = "Since " + absoluteTime(this.oldestPendingAt);
      if (waited > 2 * 3600000) el.classList.add("is-alert");
      else if (waited > 30 * 60000) el.classList.add("is-warn");
    }

    renderSurges() {
      const el = this.el.surge;
      if (!this.surges.size) {
        el.hidden = true;
        el.replaceChildren();
        return;
      }
      const names = [...this.surges].map((key) => this.threadTitles.get(key) || key);
      el.hidden = false;
      fill(el,
        h("strong", null, "Surge"), " ",
        names.length === 1 ? "A thread is getting an unusual burst of comments: " : "Threads getting an unusual burst of comments: ",
        names.map((name, i) => [i ? ", " : "", h("span", { class: "surge-thread" }, name)])
      );
    }

    onTick() {
      this.renderOldest();
      const now = Date.now();
      for (const [id, taken] of this.taken) {
        if (taken.until > now) continue;
        this.taken.delete(id);
        const rec = this.items.get(id);
        if (rec) this.renderNotes(rec);
      }
    }

    /* ---------------- one item ---------------- */

    renderItem(rec) {
      const { comment: c, author, thread, parent, reasons, reports } = parts(rec.data);
      const name = nameOf(author, "Anonymous");
      const headId = this.uid("head");
      const status = c.status || "pending";
      const el = h("article", {
        class: "mod-item",
        "data-id": rec.id,
        "data-status": status,
        "data-thread": thread.key || null,
        tabindex: "-1",
        "aria-labelledby": headId,
      });

      // header: select, author, when
      const selected = this.selected.has(rec.id);
      const head = h("header", { class: "item-head" },
        h("button", {
          type: "button", class: "select", "data-action": "select",
          "aria-pressed": selected ? "true" : "false",
          "aria-label": "Select the comment by " + name, "aria-keyshortcuts": "x", title: "Select (x)",
        }),
        avatar(author),
        h("h2", { id: headId, class: "item-title" },
          h("span", { class: "author-name" }, name),
          h("span", { class: "visually-hidden" }, ", " + status)),
        author.banned ? h("span", { class: "badge badge-bad" }, "Banned") : null,
        c.shadowed ? h("span", { class: "badge badge-warn", title: "Only its author sees it" }, "Shadowed") : null,
        (Number(author.approved) || 0) + (Number(author.rejected) || 0) === 0 ? h("span", { class: "badge" }, "New author") : null,
        h("span", { class: "item-meta" },
          timeEl(c.created_at),
          c.edited_at ? h("span", { class: "edited", title: "Edited " + absoluteTime(c.edited_at) }, "edited") : null,
          status !== this.queue.status ? h("span", { class: "badge badge-status status-" + status }, status) : null,
          typeof c.score === "number" && c.score !== 0 ? h("span", { class: "score", title: "Score" }, (c.score > 0 ? "+" : "") + c.score) : null)
      );

      // why it is here
      const why = reasons.length
        ? h("ul", { class: "reasons", "aria-label": "Why it is here" }, reasons.map((reason) =>
          h("li", { class: "reason reason-" + (reason.action || "hold") },
            reason.action ? h("span", { class: "reason-action" }, reason.action) : null,
            h("span", { class: "reason-message" }, reason.message || reason.code || ""),
            reason.code && !/^[A-Z_]{1,40}$/.test(reason.code) ? h("code", { class: "reason-code" }, reason.code) : null,
            reason.code && /^[A-Z_]{1,40}$/.test(reason.code) ? h("button", {
              type: "button", class: "reason-code", "data-action": "filter-reason", "data-code": reason.code,
              title: "Only comments caught by this rule",
            }, reason.code) : null)))
        : null;

      // the comment, rendered and as source
      const spans = reasons.filter((r) => Array.isArray(r.span)).map((r) => ({ span: r.span, label: r.message || r.code }));
      const source = highlighted(typeof c.body === "string" ? c.body : "", spans);
      const sourceBox = h("details", { class: "source", open: source.marks > 0 },
        h("summary", null, source.marks ? "Source — matched text highlighted" : "Source"),
        h("pre", { class: "source-text" }, source.node));
      const body = h("div", { class: "item-body" }, trustedHtml("div", "rendered", c.html), sourceBox);

      const parentBox = parent
        ? h("div", { class: "parent" },
          h("p", { class: "parent-label" }, "In reply to ", h("span", { class: "parent-author" }, nameOf({ name: parent.author_name }, "a comment"))),
          trustedHtml("div", "parent-html", parent.html))
        : null;

      rec.notesEl = h("div", { class: "notes", "aria-live": "polite" });

      // actions
      const actions = h("div", { class: "actions" },
        button("Approve", {
          class: "btn btn-approve", "data-action": "approve", "aria-keyshortcuts": "a",
          disabled: status === "approved" && this.queue.status !== "reported",
          title: this.queue.status === "reported" ? "Approve and dismiss the reports (a)" : "Approve (a)",
        }, "a"),
        button("Reject", {
          class: "btn btn-reject", "data-action": "reject", "aria-keyshortcuts": "r",
          disabled: status === "rejected", title: "Reject (r)",
        }, "r"),
        status !== "pending"
          ? button("Back to pending", { "data-action": "requeue", title: "Send back to the pending queue" })
          : null,
        button(author.banned ? "Ban again" : "Ban author", {
          class: "btn btn-quiet", "data-action": "ban", "aria-keyshortcuts": "b",
          disabled: !author.id, title: "Ban " + name + " (b)",
        }, "b")
      );

      // context: author history, article, reports
      const history = h("dl", { class: "facts" },
        h("div", null, h("dt", null, "Approved"), h("dd", { class: "num ok" }, formatNumber(Number(author.approved) || 0))),
        h("div", null, h("dt", null, "Rejected"), h("dd", { class: "num" + ((Number(author.rejected) || 0) > 0 ? " bad" : "") }, formatNumber(Number(author.rejected) || 0))),
        h("div", null, h("dt", null, "First seen"), h("dd", null, timeEl(author.first_seen) || "—"))
      );
      const authorBox = h("section", { class: "ctx ctx-author", "aria-label": "Author" },
        h("h3", null, "Author ", author.id ? h("span", { class: "ctx-id", title: author.id }, author.id) : null),
        history,
        author.id ? h("button", { type: "button", class: "link-btn", "data-action": "filter-author" }, "Only this author") : null
      );

      const href = safeLink(thread.url);
      const title = thread.title || thread.key || "Untitled article";
      const surge = thread.key && this.surges.has(thread.key);
      const threadBox = h("section", { class: "ctx ctx-thread", "aria-label": "Article" },
        h("h3", null, "Article"),
        h("p", { class: "ctx-line" }, href
          ? h("a", { href, target: "_blank", rel: "noopener noreferrer", class: "thread-link" }, title)
          : h("span", { class: "thread-link" }, title)),
        h("p", { class: "ctx-badges" },
          thread.closed ? h("span", { class: "badge" }, "Closed") : null,
          surge ? h("span", { class: "badge badge-warn", "data-surge": "" }, "Surge") : null),
        h("p", { class: "ctx-buttons" },
          thread.key ? h("button", { type: "button", class: "link-btn", "data-action": "filter-thread" }, "Only this article") : null,
          thread.key ? h("button", { type: "button", class: "link-btn", "data-action": thread.closed ? "open-thread" : "close-thread" },
            thread.closed ? "Reopen thread" : "Close thread") : null)
      );

      let reportsBox = null;
      if (reports.count > 0) {
        const kinds = Object.entries(reports.reasons).filter(([, n]) => Number(n) > 0);
        reportsBox = h("section", { class: "ctx ctx-reports", "aria-label": "Reports" },
          h("h3", null, plural(reports.count, "report", "reports")),
          kinds.length ? h("ul", { class: "report-kinds" }, kinds.map(([kind, n]) =>
            h("li", null, h("span", null, kind.replace(/_/g, " ")), " ", h("span", { class: "num" }, "×" + n)))) : null,
          reports.notes.length ? h("ul", { class: "report-notes" }, reports.notes.map((note) => h("li", null, String(note)))) : null
        );
      }

      el.append(
        h("div", { class: "item-main" }, head, why, body, parentBox, rec.notesEl, actions),
        h("aside", { class: "item-context" }, authorBox, threadBox, reportsBox)
      );
      if (selected) el.classList.add("is-selected");
      if (surge) el.classList.add("is-surge");
      if (rec.id === this.focusedId) {
        el.classList.add("is-focused");
        el.setAttribute("aria-current", "true");
        el.tabIndex = 0;
      }
      if (rec.busy) el.classList.add("is-busy");
      const old = rec.el;
      rec.el = el;
      this.renderNotes(rec);
      if (old && old.parentNode) {
        const hadFocus = old.contains(document.activeElement);
        old.replaceWith(el);
        if (hadFocus) el.focus({ preventScroll: true });
      }
    }

    /** The notes under an item: taken by someone, conflicts, errors. */
    renderNotes(rec, extra) {
      if (!rec.notesEl) return;
      const notes = [];
      const taken = this.taken.get(rec.id);
      if (taken && taken.until > Date.now()) notes.push(h("p", { class: "mod-note note-taken" }, taken.text));
      if (extra) notes.push(extra);
      else if (rec.note) notes.push(rec.note);
      rec.note = extra || rec.note || null;
      rec.notesEl.replaceChildren(...notes);
      rec.el.classList.toggle("is-taken", Boolean(taken && taken.until > Date.now()));
    }

    note(rec, text, kind) {
      const note = h("p", { class: "mod-note note-" + (kind || "info") }, text);
      this.renderNotes(rec, note);
    }

    onListClick(event) {
      const article = event.target.closest("article.mod-item");
      if (!article) return;
      const id = article.dataset.id;
      const target = event.target.closest("button[data-action]");
      if (!target) {
        if (!event.target.closest("a, summary, button, pre, input") && id !== this.focusedId) {
          this.setFocus(id, { scroll: false });
        }
        return;
      }
      const rec = this.items.get(id);
      if (!rec) return;
      if (id !== this.focusedId) this.setFocus(id, { scroll: false, domFocus: false });
      const { thread, author } = parts(rec.data);
      switch (target.dataset.action) {
        case "approve": this.decide("approve", id); break;
        case "reject": this.decide("reject", id); break;
        case "requeue": this.decide("requeue", id); break;
        case "ban": this.openBan(id); break;
        case "select": this.toggleSelect(id); break;
        case "filter-thread": this.setFilter("thread", { key: thread.key, title: thread.title }); break;
        case "filter-author": this.setFilter("author", { id: author.id, name: author.name }); break;
        case "filter-reason": this.setFilter("reason", { code: target.dataset.code }); break;
        case "close-thread": this.setThreadOpen(thread.key, false); break;
        case "open-thread": this.setThreadOpen(thread.key, true); break;
        default: break;
      }
    }

    toggleSource(id) {
      const rec = this.items.get(id);
      if (!rec) return;
      const details = rec.el.querySelector("details.source");
      if (details) details.open = !details.open;
    }

    /* ---------------- focus and moving ---------------- */

    navigable() {
      return this.order.filter((id) => {
        const rec = this.items.get(id);
        return rec && !rec.busy;
      });
    }

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
    }

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
        this.say("That was the last item in this queue.");
        return;
      }
      this.say("Loading more…");
      if (await this.loadMore()) {
        this.say("");
        this.move(step);
      }
    }

    canTakeFocus() {
      const active = document.activeElement;
      return !active || active === document.body || active === this.el.main || this.el.list.contains(active);
    }

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
    }

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
    }

    releaseClaim() {
      clearTimeout(this.claim.delay);
      clearInterval(this.claim.every);
      this.claim = { id: null, delay: null, every: null };
    }

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
          this.taken.set(id, { text: error.message || "Someone else is reviewing this.", until: Date.now() + CLAIM_TTL_MS });
          const current = this.items.get(id);
          if (current) this.renderNotes(current);
        }
        // other failures only cost the "taken" hint: say nothing
      }
    }

    /* ---------------- deciding ---------------- */

    markBusy(rec, busy) {
      rec.busy = busy;
      rec.el.classList.toggle("is-busy", busy);
      if (busy) rec.el.setAttribute("aria-busy", "true");
      else rec.el.removeAttribute("aria-busy");
      for (const b of rec.el.querySelectorAll(".actions button")) {
        if (busy) {
          b.dataset.wasDisabled = b.disabled ? "1" : "";
          b.disabled = true;
        } else if (b.dataset.wasDisabled !== undefined) {
          b.disabled = b.dataset.wasDisabled === "1";
          delete b.dataset.wasDisabled;
        }
      }
    }

    async decide(action, id) {
      const targetId = id === undefined ? this.focusedId : id;
      const rec = this.items.get(targetId);
      if (!rec) {
        this.say(this.order.length ? "Move to an item first (j or k)." : "Nothing to decide here.");
        return;
      }
      if (rec.busy) {
        this.say("That item has already been decided.");
        return;
      }
      const { comment, author } = parts(rec.data);
      const fromStatus = comment.status || "pending";
      if ((action === "approve" && fromStatus === "approved" && this.queue.status !== "reported") ||
          (action === "reject" && fromStatus === "rejected") || (action === "requeue" && fromStatus === "pending")) {
        this.say("It is already " + fromStatus + ".");
        return;
      }
      const queueKey = this.queueKey();
      const index = this.order.indexOf(rec.id);
      this.markBusy(rec, true);
      if (this.focusedId === rec.id) this.setFocus(this.neighbour(rec.id), { domFocus: this.canTakeFocus() });
      let result;
      try {
        result = await this.api.decide(rec.id, action, fromStatus);
      } catch (error) {
        if (error.name === "AbortError") return;
        if (error.status === 409) {
          this.conflict(rec, error.message);
          return;
        }
        if (error.status === 404) {
          this.note(rec, error.message, "error");
          this.say(error.message, "error");
          setTimeout(() => this.removeItem(rec.id), CONFLICT_LINGER_MS);
          return;
        }
        if (!this.items.has(rec.id)) return;
        this.markBusy(rec, false);
        this.note(rec, error.message || "That did not work.", "error");
        this.fail(error);
        return;
      }
      const newStatus = (result && result.comment && result.comment.status) || { approve: "approved", reject: "rejected", requeue: "pending" }[action];
      this.removeItem(rec.id);
      if (!this.isLive()) this.bumpCounts(this.queue.status, newStatus);
      const entry = { rec, data: rec.data, id: rec.id, fromStatus, newStatus, index, queueKey, queue: this.queue.status };
      this.offerUndo([entry]);
      const [, done] = DONE_WORDS[action] || ["", "decided"];
      this.say("Comment by " + nameOf(author, "Anonymous") + " " + done + ".", "ok");
      if (!this.navigable().length && this.nextCursor) this.loadMore().then(() => {
        if (!this.focusedId) this.setFocus(this.navigable()[0] || null, { domFocus: this.canTakeFocus() });
      });
    }

    conflict(rec, message) {
      const text = message || "Someone else has already decided this comment.";
      if (!rec.busy) this.markBusy(rec, true);
      rec.el.classList.add("is-conflict");
      this.note(rec, text, "conflict");
      this.say(text, "error");
      setTimeout(() => this.removeItem(rec.id), CONFLICT_LINGER_MS);
    }

    removeItem(id) {
      const rec = this.items.get(id);
      if (!rec) return;
      if (this.focusedId === id) this.setFocus(this.neighbour(id), { domFocus: this.canTakeFocus() || rec.el.contains(document.activeElement) });
      rec.el.remove();
      this.items.delete(id);
      this.taken.delete(id);
      const at = this.order.indexOf(id);
      if (at !== -1) this.order.splice(at, 1);
      this.selected.delete(id);
      this.afterListChange();
    }

    queueKey() {
      return JSON.stringify([
        this.site && this.site.name, this.queue.status, this.queue.q,
        this.queue.thread && this.queue.thread.key, this.queue.author && this.queue.author.id,
        this.queue.reason && this.queue.reason.code,
      ]);
    }

    /* ---------------- undo ---------------- */

    offerUndo(entries) {
      this.dropUndo();
      if (!entries.length) return;
      const timer = setTimeout(() => this.dropUndo(), UNDO_MS);
      this.undoable = { entries, expires: Date.now() + UNDO_MS, timer };
      this.el.undo.hidden = false;
    }

    dropUndo() {
      if (this.undoable) clearTimeout(this.undoable.timer);
      this.undoable = null;
      if (this.el && this.el.undo) this.el.undo.hidden = true;
    }

    async undo() {
      const undoable = this.undoable;
      if (!undoable || Date.now() > undoable.expires) {
        this.dropUndo();
        this.say("Nothing to undo.");
        return;
      }
      this.dropUndo();
      const reverse = (entry) => {
        if (entry.fromStatus === "approved") return "approve";
        if (entry.fromStatus === "rejected") return "reject";
        return "requeue";
      };
      const outcomes = await Promise.all(undoable.entries.map(async (entry) => {
        try {
          await this.api.decide(entry.id, reverse(entry), entry.newStatus);
          return { entry, ok: true };
        } catch (error) {
          return { entry, ok: false, error };
        }
      }));
      const restored = [];
      const failures = [];
      for (const outcome of outcomes) {
        if (outcome.ok) restored.push(outcome.entry);
        else if (outcome.error.name !== "AbortError") failures.push(outcome.error);
      }
      if (failures.some((error) => error.status === 401)) {
        this.fail(failures.find((error) => error.status === 401));
        return;
      }
      let firstBack = null;
      const live = this.isLive();
      for (const entry of restored.sort((x, y) => x.index - y.index)) {
        if (!live) this.bumpCounts(entry.newStatus, entry.queue);
        if (entry.queueKey !== this.queueKey() || this.items.has(entry.id)) continue;
        const data = Object.assign({}, entry.data, {
          comment: Object.assign({}, entry.data.comment, { status: entry.fromStatus }),
        });
        const rec = this.makeRecord(data);
        if (!rec) continue;
        const at = Math.max(0, Math.min(entry.index, this.order.length));
        const before = this.items.get(this.order[at]);
        if (before) this.el.list.insertBefore(rec.el, before.el);
        else this.el.list.append(rec.el);
        this.order.splice(at, 0, rec.id);
        if (!firstBack) firstBack = rec.id;
      }
      this.afterListChange();
      if (firstBack) this.setFocus(firstBack, { domFocus: this.canTakeFocus() });
      if (failures.length) {
        this.say(restored.length
          ? "Undid " + plural(restored.length, "decision", "decisions") + "; " + failures.length + " could not be undone: " + failures[0].message
          : failures[0].message, "error");
      } else {
        this.say(restored.length === 1 ? "Undone." : "Undid " + plural(restored.length, "decision", "decisions") + ".", "ok");
      }
    }

    /* ---------------- selection and bulk ---------------- */

    toggleSelect(id) {
      const rec = this.items.get(id);
      if (!rec || rec.busy) return;
      if (this.selected.has(id)) this.selected.delete(id);
      else this.selected.add(id);
      this.paintSelected(rec);
      this.renderSelection();
    }

    paintSelected(rec) {
      const on = this.selected.has(rec.id);
      rec.el.classList.toggle("is-selected", on);
      const toggle = rec.el.querySelector('button[data-action="select"]');
      if (toggle) toggle.setAttribute("aria-pressed", on ? "true" : "false");
    }

    selectAll() {
      for (const id of this.navigable()) {
        this.selected.add(id);
        this.paintSelected(this.items.get(id));
      }
      this.renderSelection();
    }

    clearSelection() {
      for (const id of this.selected) {
        const rec = this.items.get(id);
        this.selected.delete(id);
        if (rec) this.paintSelected(rec);
      }
      this.renderSelection();
    }

    renderSelection() {
      const n = this.selected.size;
      this.el.bulkCount.textContent = n ? plural(n, "item", "items") + " selected" : "No items selected";
      for (const action of ["bulk-approve", "bulk-reject", "clear-selection"]) {
        document.querySelector('button[data-action="' + action + '"]').disabled = n === 0;
      }
      document.querySelector('button[data-action="select-all"]').disabled = this.order.length === 0;
    }

    async bulk(action) {
      const ids = [...this.selected].filter((id) => {
        const rec = this.items.get(id);
        return rec && !rec.busy;
      });
      if (!ids.length) {
        this.say("Nothing is selected. Press x on an item to select it.");
        return;
      }
      const queueKey = this.queueKey();
      const skip = new Set(ids);
      const recs = ids.map((id) => this.items.get(id));
      const indexes = new Map(ids.map((id) => [id, this.order.indexOf(id)]));
      for (const rec of recs) this.markBusy(rec, true);
      if (skip.has(this.focusedId)) this.setFocus(this.neighbour(this.focusedId, skip), { domFocus: this.canTakeFocus() });
      this.say((action === "approve" ? "Approving " : "Rejecting ") + plural(ids.length, "comment", "comments") + "…");
      // one request per status the items had here (the server checks it), at most BULK_MAX ids each
      const batches = [];
      const byStatus = new Map();
      for (const rec of recs) {
        const status = parts(rec.data).comment.status || "pending";
        if (!byStatus.has(status)) byStatus.set(status, []);
        byStatus.get(status).push(rec.id);
      }
      for (const [status, group] of byStatus) {
        for (let i = 0; i < group.length; i += BULK_MAX) batches.push([status, group.slice(i, i + BULK_MAX)]);
      }
      const site = this.site.name;
      const answers = await Promise.all(batches.map(async ([status, group]) => {
        try {
          const data = await this.api.bulk(site, group, action, status);
          return { results: (data && data.results) || {} };
        } catch (error) {
          return { error };
        }
      }));
      const results = {};
      let failure = null;
      for (const answer of answers) {
        if (answer.error) failure = failure || answer.error;
        else Object.assign(results, answer.results);
      }
      if (failure && (failure.name === "AbortError" || failure.status === 401)) {
        this.fail(failure);
        return;
      }
      const newStatus = action === "approve" ? "approved" : "rejected";
      const entries = [];
      let conflicts = 0;
      let missing = 0;
      for (const rec of recs) {
        const outcome = results[rec.id];
        if (outcome) this.selected.delete(rec.id);
        if (!this.items.has(rec.id)) continue;
        if (outcome === "ok") {
          entries.push({
            rec, data: rec.data, id: rec.id, fromStatus: parts(rec.data).comment.status || "pending",
            newStatus, index: indexes.get(rec.id), queueKey, queue: this.queue.status,
          });
          this.removeItem(rec.id);
        } else if (outcome === "conflict") {
          conflicts += 1;
          this.conflict(rec, "Someone else has already decided this comment.");
        } else if (outcome === "not_found") {
          missing += 1;
          this.note(rec, "This comment no longer exists.", "error");
          setTimeout(() => this.removeItem(rec.id), CONFLICT_LINGER_MS);
        } else {
          this.markBusy(rec, false);
          this.paintSelected(rec);
        }
      }
      this.renderSelection();
      if (!this.isLive()) this.bumpCounts(this.queue.status, newStatus, entries.length);
      this.offerUndo(entries);
      const [done] = DONE_WORDS[action];
      let text = done + " " + plural(entries.length, "comment", "comments") + ".";
      if (conflicts) text += " " + conflicts + (conflicts === 1 ? " was" : " were") + " already decided by someone else.";
      if (missing) text += " " + missing + " no longer " + (missing === 1 ? "exists" : "exist") + ".";
      if (failure) text += " " + failure.message;
      this.say(text, conflicts || missing || failure ? "error" : "ok");
      if (!this.focusedId) this.setFocus(this.navigable()[0] || null, { domFocus: this.canTakeFocus() });
    }

    /* ---------------- threads ---------------- */

    async setThreadOpen(key, open) {
      if (!key) return;
      try {
        await this.api.setThreadOpen(this.site.name, key, open);
      } catch (error) {
        this.fail(error);
        return;
      }
      for (const rec of this.items.values()) {
        if (parts(rec.data).thread.key !== key) continue;
        rec.data = Object.assign({}, rec.data, { thread: Object.assign({}, rec.data.thread, { closed: !open }) });
        this.renderItem(rec);
      }
      this.say((open ? "Reopened " : "Closed ") + "the thread “" + (this.threadTitles.get(key) || key) + "”.", "ok");
    }

    /* ---------------- bans ---------------- */

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
      form.elements.reject_pending.checked = true;
      form.elements.duration.value = "1d";
      this.clearFormErrors(form);
      dialog.querySelector(".ban-name").textContent = nameOf(author, "this author");
      dialog.querySelector(".ban-user").textContent =
        "Account " + author.id + " · " + formatNumber(Number(author.approved) || 0) + " approved, " +
        formatNumber(Number(author.rejected) || 0) + " rejected" + (author.banned ? " · already banned" : "");
      this.banTarget = { userId: author.id, name: nameOf(author, "this author"), itemId: rec.id };
      dialog.querySelector('button[type="submit"]').disabled = false;
      dialog.showModal();
      form.elements.duration.focus();
    }

    afterBanDialog() {
      const target = this.banTarget;
      this.banTarget = null;
      if (this.view !== "queue") return;
      const rec = target && this.items.get(target.itemId);
      if (rec && rec.id === this.focusedId) rec.el.focus({ preventScroll: true });
      else this.focusList();
    }

    clearFormErrors(form) {
      for (const p of form.querySelectorAll(".field-error, .form-error")) p.textContent = "";
      for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    }

    async submitBan(form) {
      const target = this.banTarget;
      if (!target) return;
      this.clearFormErrors(form);
      const reason = form.elements.reason.value.trim();
      if (!reason) {
        form.querySelector('[data-error-for="reason"]').textContent = "Give a reason: it goes in the log.";
        form.elements.reason.setAttribute("aria-invalid", "true");
        form.elements.reason.focus();
        return;
      }
      const duration = form.elements.duration.value;
      const days = BAN_DURATIONS[duration];
      const payload = {
        user_id: target.userId,
        reason,
        shadow: form.elements.shadow.checked,
        reject_pending: form.elements.reject_pending.checked,
      };
      if (days) payload.until = new Date(Date.now() + days * 86400000).toISOString();
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
      const rejected = Number(data && data.rejected) || 0;
      // every loaded item by this author now shows the ban; their pending ones leave
      for (const rec of [...this.items.values()]) {
        const { author, comment } = parts(rec.data);
        if (author.id !== target.userId) continue;
        if (payload.reject_pending && comment.status === "pending" && !rec.busy) {
          this.removeItem(rec.id);
          continue;
        }
        rec.data = Object.assign({}, rec.data, { author: Object.assign({}, rec.data.author, { banned: true }) });
        this.renderItem(rec);
      }
      const how = days ? "for " + plural(days, "day", "days") : "permanently";
      this.say(target.name + " is banned " + how + (payload.shadow ? " (shadow ban)" : "") + "." +
        (payload.reject_pending ? " " + plural(rejected, "pending comment", "pending comments") + " rejected." : ""), "ok");
    }

    /** 422 `fields` next to their inputs; anything else in the form's error line. */
    showFieldErrors(form, error, aliases) {
      const general = form.querySelector(".form-error");
      const fields = error.fields && typeof error.fields === "object" ? error.fields : null;
      let placedAll = Boolean(fields);
      if (fields) {
        for (const [rawName, message] of Object.entries(fields)) {
          const name = this.fieldKey(rawName);
          const key = (aliases && aliases[name]) || name;
          const slot = form.querySelector('[data-error-for="' + CSS.escape(key) + '"]');
          if (!slot) {
            placedAll = false;
            continue;
          }
          slot.textContent = String(message);
          const input = form.querySelector('[name="' + CSS.escape(key) + '"]');
          if (input) input.setAttribute("aria-invalid", "true");
        }
        const firstBad = form.querySelector('[aria-invalid="true"]');
        if (firstBad) firstBad.focus();
      }
      if (general && (!placedAll || !fields)) general.textContent = error.message;
      this.say(error.message, "error");
    }

    /** "policy.max_links" and "max_links" both name the max_links input; "origins.2" names origins. */
    fieldKey(name) {
      const parts = String(name).replace(/^body\./, "").split(".");
      if (parts[0] === "policy" && parts.length > 1) return parts[1];
      return parts[0];
    }

    async loadBans() {
      const body = this.el.views.bans.querySelector(".page-body");
      body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
      let data;
      try {
        data = await this.api.bans(this.site.name);
      } catch (error) {
        if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
        return;
      }
      const bans = (data && Array.isArray(data.bans)) ? data.bans : [];
      if (!bans.length) {
        body.replaceChildren(h("p", { class: "muted" }, "Nobody is banned from this site."));
        return;
      }
      const rows = bans.map((ban) => {
        const lift = h("button", {
          type: "button", class: "btn", "data-action": "lift",
          "aria-label": "Lift the ban on " + nameOf({ name: ban.user_name }, ban.user_id),
        }, "Lift");
        const row = h("tr", { "data-user": ban.user_id },
          h("td", null, h("span", { class: "strong" }, nameOf({ name: ban.user_name }, "—")), h("br"), h("code", { class: "muted" }, ban.user_id || "")),
          h("td", null, ban.until ? h("span", null, "until ", timeEl(ban.until)) : h("span", { class: "badge badge-bad" }, "Permanent")),
          h("td", null, ban.shadow ? "Shadow" : "Visible"),
          h("td", { class: "wrap" }, ban.reason || ""),
          h("td", null, typeof ban.created_by === "string" ? ban.created_by : nameOf(ban.created_by, "—"), h("br"), timeEl(ban.created_at, "muted")),
          h("td", { class: "right" }, lift));
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
          this.say("Lifted the ban on " + nameOf({ name: ban.user_name }, ban.user_id) + ".", "ok");
        });
        return row;
      });
      body.replaceChildren(h("table", { class: "table" },
        h("thead", null, h("tr", null, ["Who", "Until", "Kind", "Reason", "Banned by", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, rows)));
    }

    /* ---------------- audit log ---------------- */

    async loadLog(reset) {
      const body = this.el.views.log.querySelector(".page-body");
      if (reset) {
        this.logCursor = null;
        body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
      }
      let data;
      try {
        data = await this.api.log(this.site.name, reset ? null : this.logCursor);
      } catch (error) {
        if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
        return;
      }
      const entries = (data && Array.isArray(data.entries)) ? data.entries : [];
      this.logCursor = (data && data.next_cursor) || null;
      let table = body.querySelector("table");
      if (reset || !table) {
        table = h("table", { class: "table" },
          h("thead", null, h("tr", null, ["When", "Who", "What", "Comment", "User", "Reason"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody"));
        body.replaceChildren(table);
        if (!entries.length) {
          body.replaceChildren(h("p", { class: "muted" }, "Nothing has been decided yet."));
          return;
        }
      }
      table.tBodies[0].append(...entries.map((entry) => h("tr", null,
        h("td", { class: "nowrap" }, timeEl(entry.at)),
        h("td", null, nameOf(entry.actor, "—")),
        h("td", null, h("span", { class: "badge action-" + String(entry.action || "").replace(/[^a-z_]/gi, "") }, String(entry.action || ""))),
        h("td", null, entry.comment_id ? h("code", null, String(entry.comment_id)) : ""),
        h("td", null, entry.user_id ? h("code", null, String(entry.user_id)) : ""),
        h("td", { class: "wrap" }, entry.reason ? String(entry.reason) : ""))));
      const old = body.querySelector('button[data-action="log-more"]');
      if (old) old.remove();
      if (this.logCursor) {
        body.append(h("button", { type: "button", class: "btn btn-wide", "data-action": "log-more", onclick: () => this.loadLog(false) }, "Load older entries"));
      }
    }

    /* ---------------- settings (admins) ---------------- */

    async loadSettings() {
      const body = this.el.views.settings.querySelector(".page-body");
      body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
      let data;
      try {
        data = await this.api.settings(this.site.name);
      } catch (error) {
        if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
        return;
      }
      this.renderSettings(body, data || {});
    }

    renderSettings(body, data) {
      const policy = data.policy && typeof data.policy === "object" ? data.policy : {};
      const origins = Array.isArray(data.origins) ? data.origins : [];
      const readers = []; // [name, () => value]
      const groups = new Map(POLICY_GROUPS.map(([key, label]) => [key, { label, fields: [] }]));
      const names = [
        ...Object.keys(POLICY_FIELDS).filter((name) => name in policy),
        ...Object.keys(policy).filter((name) => !(name in POLICY_FIELDS)),
      ];
      for (const name of names) {
        const spec = POLICY_FIELDS[name] || {};
        const field = this.policyField(name, spec, policy[name], readers);
        groups.get(spec.group || "other").fields.push(field);
      }

      const originsId = this.uid("origins");
      const originsBox = h("textarea", { id: originsId, name: "origins", rows: Math.max(3, origins.length + 1), spellcheck: "false", class: "mono" });
      originsBox.value = origins.join("\n");
      const secretId = this.uid("secret");
      const secret = h("input", { id: secretId, name: "sso_secret", type: "password", autocomplete: "new-password", spellcheck: "false", placeholder: data.sso_secret_set ? "•••••••• (set; type to replace)" : "Not set" });

      const errors = h("p", { class: "form-error", role: "alert" });
      const save = h("button", { type: "submit", class: "btn btn-primary" }, "Save settings");
      const saved = h("span", { class: "muted", "aria-live": "polite" });
      const form = h("form", { class: "settings", novalidate: true },
        [...groups.values()].filter((g) => g.fields.length).map((g) => h("fieldset", null, h("legend", null, g.label), g.fields)),
        h("fieldset", null, h("legend", null, "Embedding and login"),
          h("div", { class: "field" },
            h("label", { for: originsId }, "Allowed origins"),
            h("p", { class: "hint" }, "One per line, like https://news.example. Article pages here may embed the comments."),
            originsBox, h("p", { class: "field-error", "data-error-for": "origins" })),
          h("div", { class: "field" },
            h("label", { for: secretId }, "SSO secret ", h("span", { class: "badge" + (data.sso_secret_set ? " badge-ok" : "") }, data.sso_secret_set ? "Set" : "Not set")),
            h("p", { class: "hint" }, "Write-only: it is never shown. At least 32 characters. Leave empty to keep the current one."),
            secret, h("p", { class: "field-error", "data-error-for": "sso_secret" }))),
        errors,
        h("div", { class: "form-actions" }, save, saved)
      );
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        this.clearFormErrors(form);
        saved.textContent = "";
        const nextPolicy = {};
        const bad = [];
        for (const [name, read] of readers) {
          try {
            nextPolicy[name] = read();
          } catch (problem) {
            bad.push([name, problem.message]);
          }
        }
        if (bad.length) {
          this.showFieldErrors(form, new ApiError(422, "invalid", "Some settings need fixing.", Object.fromEntries(bad)));
          return;
        }
        const payload = {
          policy: nextPolicy,
          origins: originsBox.value.split("\n").map((s) => s.trim()).filter(Boolean),
        };
        if (secret.value) payload.sso_secret = secret.value;
        save.disabled = true;
        let result;
        try {
          result = await this.api.saveSettings(this.site.name, payload);
        } catch (error) {
          save.disabled = false;
          if (error.name === "AbortError" || error.status === 401) {
            this.fail(error);
            return;
          }
          this.showFieldErrors(form, error);
          return;
        }
        this.renderSettings(body, result || {});
        this.say("Settings saved.", "ok");
        const note = body.querySelector("form.settings .form-actions .muted");
        if (note) note.textContent = "Saved.";
        const again = body.querySelector('form.settings button[type="submit"]');
        if (again) again.focus({ preventScroll: true });
      });

      body.replaceChildren(h("div", { class: "settings-layout" }, form, this.checkBox()));
    }

    /** One policy input, chosen by the field's known spec or else by its value's type. */
    policyField(name, spec, value, readers) {
      const id = this.uid("f");
      const label = spec.label || name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
      const help = spec.help ? h("p", { class: "hint", id: id + "-help" }, spec.help) : null;
      const error = h("p", { class: "field-error", "data-error-for": name });
      const describedBy = help ? id + "-help" : null;
      let kind = spec.kind;
      if (spec.choices && (typeof value === "string" || value === null)) kind = "choice";
      else if (!kind || (kind === "lines" && value !== null && !Array.isArray(value))) {
        if (typeof value === "boolean") kind = "bool";
        else if (typeof value === "number") kind = Number.isInteger(value) ? "int" : "number";
        else if (typeof value === "string") kind = "text";
        else if (Array.isArray(value) && value.every((v) => typeof v === "string")) kind = "lines";
        else kind = "json";
      }
      if (kind === "int" && value !== null && typeof value !== "number") kind = "json";

      let input;
      if (kind === "bool") {
        input = h("input", { id, name, type: "checkbox", checked: Boolean(value), "aria-describedby": describedBy });
        readers.push([name, () => input.checked]);
        return h("div", { class: "field field-check" }, input, h("label", { for: id }, label), help, error);
      }
      if (kind === "choice") {
        const choices = spec.choices.some(([v]) => v === value) || value === null ? spec.choices : [...spec.choices, [value, value]];
        input = h("select", { id, name, "aria-describedby": describedBy },
          choices.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
        readers.push([name, () => input.value]);
      } else if (kind === "int" || kind === "number") {
        input = h("input", {
          id, name, type: "number", inputmode: "numeric", step: kind === "int" ? 1 : "any", class: "num-input",
          placeholder: spec.nullable ? "Never" : null, "aria-describedby": describedBy,
        });
        input.value = value === null || value === undefined ? "" : String(value);
        readers.push([name, () => {
          const raw = input.value.trim();
          if (raw === "") {
            if (spec.nullable || value === null) return null;
            throw new Error("Enter a number.");
          }
          const n = Number(raw);
          if (!Number.isFinite(n) || (kind === "int" && !Number.isInteger(n))) throw new Error("Enter a whole number.");
          return n;
        }]);
      } else if (kind === "lines") {
        const list = Array.isArray(value) ? value : [];
        input = h("textarea", { id, name, rows: Math.min(10, Math.max(3, list.length + 1)), spellcheck: "false", class: "mono", "aria-describedby": describedBy });
        input.value = list.join("\n");
        readers.push([name, () => input.value.split("\n").map((s) => s.trim()).filter(Boolean)]);
      } else if (kind === "text") {
        input = h("input", { id, name, type: "text", "aria-describedby": describedBy });
        input.value = value === null || value === undefined ? "" : String(value);
        readers.push([name, () => input.value]);
      } else {
        // unknown shape: shown, sent back unchanged
        input = h("pre", { id, class: "json", tabindex: "0", "aria-label": label + " (read-only)" }, JSON.stringify(value, null, 2));
        readers.push([name, () => value]);
        return h("div", { class: "field" }, h("span", { class: "label" }, label, " ", h("span", { class: "hint" }, "(read-only)")), input, help, error);
      }
      return h("div", { class: "field" }, h("label", { for: id }, label), help, input, error);
    }

    /** "Test this text": the site's saved filters run on some text; matches highlighted. */
    checkBox() {
      const id = this.uid("check");
      const text = h("textarea", { id, name: "check-body", rows: 6, placeholder: "Paste or type a comment…" });
      const run = h("button", { type: "submit", class: "btn btn-primary" }, "Test");
      const result = h("div", { class: "check-result", "aria-live": "polite" });
      const form = h("form", { class: "check", novalidate: true },
        h("h2", null, h("label", { for: id }, "Test this text")),
        h("p", { class: "hint" }, "Runs the site's saved filters on this text as if a regular reader posted it. Nothing is stored."),
        text, h("div", { class: "form-actions" }, run), result);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const body = text.value;
        if (!body.trim()) {
          result.replaceChildren(h("p", { class: "muted" }, "Type some text first."));
          return;
        }
        run.disabled = true;
        let data;
        try {
          data = await this.api.check(this.site.name, body);
        } catch (error) {
          run.disabled = false;
          if (!this.fail(error)) result.replaceChildren(h("p", { class: "form-error" }, error.message));
          return;
        }
        run.disabled = false;
        const action = (data && data.action) || "allow";
        const reasons = (data && Array.isArray(data.reasons)) ? data.reasons : [];
        const verdicts = { allow: "Would be published", hold: "Would be held for review", reject: "Would be rejected" };
        const marked = highlighted(body, reasons.filter((r) => Array.isArray(r.span)).map((r) => ({ span: r.span, label: r.message || r.code })));
        fill(result,
          h("p", { class: "verdict verdict-" + String(action).replace(/[^a-z]/g, "") }, verdicts[action] || String(action),
            data && data.masked ? h("span", { class: "muted" }, " (masked)") : null),
          reasons.length ? h("ul", { class: "reasons" }, reasons.map((r) => h("li", { class: "reason" },
            h("span", { class: "reason-message" }, r.message || r.code || ""),
            r.code ? h("code", { class: "reason-code" }, r.code) : null))) : null,
          h("pre", { class: "source-text" }, marked.node));
      });
      return h("aside", { class: "check-panel" }, form);
    }

    /* ---------------- team roles (admins) ---------------- */

    async loadRoles() {
      const body = this.el.views.roles.querySelector(".page-body");
      body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
      let data;
      try {
        data = await this.api.roles(this.site.name);
      } catch (error) {
        if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
        return;
      }
      const people = (data && Array.isArray(data.roles)) ? data.roles : [];
      const rows = people.map((person) => {
        const roles = new Set(Array.isArray(person.roles) ? person.roles : []);
        const boxes = ["moderator", "admin"].map((role) => {
          const box = h("input", {
            type: "checkbox", checked: roles.has(role), "data-role": role,
            "aria-label": role + ": " + nameOf({ name: person.user_name }, person.user_id),
          });
          box.addEventListener("change", async () => {
            const next = new Set(roles);
            if (box.checked) next.add(role);
            else next.delete(role);
            box.disabled = true;
            try {
              await this.api.setRoles(this.site.name, person.user_id, [...next]);
              roles.clear();
              for (const r of next) roles.add(r);
              this.say("Updated " + nameOf({ name: person.user_name }, person.user_id) + ".", "ok");
            } catch (error) {
              box.checked = !box.checked;
              this.fail(error);
            } finally {
              box.disabled = false;
            }
          });
          return h("td", { class: "center" }, box);
        });
        return h("tr", null,
          h("td", null, h("span", { class: "strong" }, nameOf({ name: person.user_name }, "—")), h("br"), h("code", { class: "muted" }, person.user_id || "")),
          boxes);
      });
      const userId = this.uid("grant-user");
      const roleId = this.uid("grant-role");
      const user = h("input", { id: userId, name: "user_id", type: "text", required: true, spellcheck: "false", autocomplete: "off", placeholder: "github:12345", class: "mono" });
      const role = h("select", { id: roleId, name: "role" },
        h("option", { value: "moderator" }, "Moderator"),
        h("option", { value: "admin" }, "Admin"),
        h("option", { value: "admin+moderator" }, "Admin and moderator"),
        h("option", { value: "" }, "No role (revoke)"));
      const errors = h("p", { class: "form-error", role: "alert" });
      const grant = h("form", { class: "grant", novalidate: true },
        h("h2", null, "Grant a role"),
        h("div", { class: "grant-row" },
          h("div", { class: "field" }, h("label", { for: userId }, "User id"), user, h("p", { class: "field-error", "data-error-for": "user_id" })),
          h("div", { class: "field" }, h("label", { for: roleId }, "Role"), role, h("p", { class: "field-error", "data-error-for": "roles" })),
          h("div", { class: "field" }, h("button", { type: "submit", class: "btn btn-primary" }, "Save"))),
        errors);
      grant.addEventListener("submit", async (event) => {
        event.preventDefault();
        this.clearFormErrors(grant);
        const id = user.value.trim();
        if (!id) {
          grant.querySelector('[data-error-for="user_id"]').textContent = "Enter the user's id, like github:12345.";
          user.focus();
          return;
        }
        try {
          await this.api.setRoles(this.site.name, id, role.value ? role.value.split("+") : []);
        } catch (error) {
          if (error.status === 401) {
            this.fail(error);
            return;
          }
          this.showFieldErrors(grant, error);
          return;
        }
        this.say("Saved the roles of " + id + ".", "ok");
        this.loadRoles();
      });
      fill(body,
        people.length
          ? h("table", { class: "table" },
            h("thead", null, h("tr", null, h("th", { scope: "col" }, "Person"), h("th", { scope: "col", class: "center" }, "Moderator"), h("th", { scope: "col", class: "center" }, "Admin"))),
            h("tbody", null, rows))
          : h("p", { class: "muted" }, "Nobody has a role on this site yet."),
        grant);
    }

    /* ---------------- live updates ---------------- */

    isLive() {
      return Boolean(this.source && this.source.readyState === 1);
    }

    setLive(state) {
      this.el.live.dataset.state = state;
      this.el.liveText.textContent = { live: "Live", connecting: "Connecting…", off: "Offline" }[state] || state;
    }

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
    }

    disconnectLive() {
      clearTimeout(this.liveTimer);
      if (this.source) this.source.close();
      this.source = null;
      if (this.el && this.el.live) this.setLive("off");
    }

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
    }

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
    }

    matchesView(item, status) {
      if (this.view !== "queue" || status !== this.queue.status) return false;
      const { thread, author, comment } = parts(item);
      if (this.queue.thread && thread.key !== this.queue.thread.key) return false;
      if (this.queue.author && author.id !== this.queue.author.id) return false;
      if (this.queue.reason && !parts(item).reasons.some((r) => r.code === this.queue.reason.code)) return false;
      if (this.queue.q) {
        const q = this.queue.q.toLowerCase();
        const hay = (String(comment.body || "") + " " + String(author.name || "")).toLowerCase();
        if (!hay.includes(q)) return false;
      }
      return true;
    }

    onAdded(data) {
      const item = data.item;
      const status = data.status || (item && item.comment && item.comment.status);
      if (!item || !item.comment) return;
      const { thread } = parts(item);
      if (thread.key && thread.title) this.threadTitles.set(thread.key, thread.title);
      if (!this.matchesView(item, status)) return;
      // oldest first: a new item belongs at the end, which is only on screen once every page is loaded
      if (this.nextCursor) return;
      const rec = this.makeRecord(item);
      if (!rec) return;
      rec.el.classList.add("is-new");
      this.order.push(rec.id);
      this.el.list.append(rec.el);
      this.afterListChange();
      if (!this.focusedId) this.setFocus(rec.id, { domFocus: false, scroll: false });
    }

    onDecided(data) {
      const id = data.id === undefined || data.id === null ? null : String(data.id);
      const rec = id && this.items.get(id);
      if (!rec || rec.busy) return; // not here, or our own decision in flight
      if (data.status && data.status === parts(rec.data).comment.status && this.queue.status !== "reported") return;
      const by = nameOf(data.by, "another moderator");
      const words = { approved: "Approved", rejected: "Rejected", pending: "Sent back to pending", deleted: "Deleted" };
      const text = (words[data.status] || "Decided") + " by " + by + ".";
      const mine = Boolean(this.user && data.by && data.by.id === this.user.id);
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
    }

    onClaimed(data) {
      const id = data.id === undefined || data.id === null ? null : String(data.id);
      if (!id || !data.by || (this.user && data.by.id === this.user.id)) return;
      this.taken.set(id, { text: "Taken by " + nameOf(data.by), until: Date.now() + CLAIM_TTL_MS });
      const rec = this.items.get(id);
      if (rec) this.renderNotes(rec);
    }

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
    }
  }

  /* ------------------------------------------------------------------ */

  const app = new Dashboard(SERVICE_BASE);
  app.start();
})();
