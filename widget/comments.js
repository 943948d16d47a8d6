/*
 * The embeddable comment widget.
 *
 *   <div id="comments" data-site="demo" data-thread="article-key"></div>
 *   <script async src="https://COMMENTS_HOST/widget/comments.js"></script>
 *
 * It renders inline into an open Shadow DOM (the publisher's CSS can't reach
 * it and it can't reach the page), talks to the service only through `createApi`
 * (bearer token, never cookies), logs readers in through a popup on the
 * service's origin that hands the token back with `postMessage` aimed at this
 * page's exact origin, and inserts text as text everywhere: the only HTML it
 * inserts is a comment's `html` field, which the server has sanitised.
 *
 * Once the first page is shown it follows the thread live through one
 * EventSource (no cookies, no token: the stream carries only what anyone may
 * see) and marks the widget's root `data-live="on"` while connected. A
 * logged-in reader's own parts of a page (votes, rights, held comments) come
 * in the page's `viewer` block and are put into the shared comments here.
 *
 * Single-page sites: `Comments.createInstance(element, options)` returns an
 * instance with `destroy()`; `Comments.mountAll()` scans the page again.
 * Options (camelCase) override the element's data-* attributes: site, thread,
 * threadUrl, threadTitle, sort, theme, lang, ssoToken, base, strings.
 *
 * Its words come from ES modules beside this script: core/i18n.js picks the
 * language (`lang`, else the page's <html lang>, else the reader's browser) and
 * i18n/<language>.js holds the text, both imported while the first requests are
 * on their way. A publisher rewords any text with `data-strings` (JSON, key →
 * text or plural forms; invalid JSON is ignored) or the `strings` option.
 *
 * All state lives on instances (and the element they are mounted on); the only
 * global is the `window.Comments` registry object.
 */
(() => {
  "use strict";

  const SCRIPT_PATH = "/widget/comments.js";
  const MOUNT_SELECTOR =
    "#comments[data-site][data-thread], .comments-embed[data-site][data-thread]";
  const INSTANCE = Symbol.for("comments.instance");
  const DATA = Symbol("comments.data"); // on each rendered <li>: the comment as shown
  const MAX_LENGTH = 10000;
  const PAGE_SIZE = 20;
  const SORTS = Object.freeze(["oldest", "newest", "top"]); // named by "sort.<key>"
  const THEMES = Object.freeze(["light", "dark", "auto"]);
  const LIVE_EVENTS = Object.freeze([
    "ready", "reset", "comment.created", "comment.updated", "comment.removed",
    "comment.voted", "thread.updated",
  ]);
  // A stream the service refused (an HTTP error) is not retried by the browser: try again later.
  const STREAM_RETRY_MS = 15 * 1000;
  const STREAM_RETRY_MAX_MS = 5 * 60 * 1000;
  const REPORT_REASONS = Object.freeze(["spam", "abuse", "off_topic", "other"]); // "reason.<key>"

  /* ------------------------------------------------------------------ *
   * Where the service lives: this script's own URL minus SCRIPT_PATH.   *
   * ------------------------------------------------------------------ */

  function findScript() {
    let src = document.currentScript && document.currentScript.src;
    if (!src) {
      for (const script of document.querySelectorAll("script[src]")) {
        if (pathEndsWith(script.src, SCRIPT_PATH)) {
          src = script.src;
          break;
        }
      }
    }
    return src ? new URL(src, location.href).href : null;
  }

  function serviceBaseOf(src) {
    if (!src) return null;
    const url = new URL(src);
    const path = url.pathname.endsWith(SCRIPT_PATH)
      ? url.pathname.slice(0, -SCRIPT_PATH.length)
      : "";
    return url.origin + path;
  }

  function pathEndsWith(src, suffix) {
    try {
      return new URL(src, location.href).pathname.endsWith(suffix);
    } catch {
      return false;
    }
  }

  const SCRIPT_URL = findScript(); // constant once the script has run
  const SERVICE_BASE = serviceBaseOf(SCRIPT_URL);

  /* ------------------------------------------------------------------ *
   * HTTP: every request the widget makes goes through this object.      *
   * ------------------------------------------------------------------ */

  /** `message` is the service's own (already in the reader's language); else `key` words it. */
  class ApiError extends Error {
    constructor(status, code, message, fields, key = "error.generic", params = null) {
      super(message || "");
      this.name = "ApiError";
      this.status = status;
      this.code = code;
      this.fields = fields || null;
      this.key = key;
      this.params = params;
    }
  }

  // A language tag only (no list, no q-values): the header then stays CORS-safelisted.
  const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

  function createApi(base, site, getToken, signal, lang) {
    const language = LANGUAGE_TAG.test(lang || "") ? lang : "";
    const sitePath = "/api/v1/sites/" + encodeURIComponent(site);
    const commentPath = (id) => "/api/v1/comments/" + encodeURIComponent(id);

    async function request(method, path, { query, body } = {}) {
      const url = new URL(base + path);
      for (const [key, value] of Object.entries(query || {})) {
        if (value === undefined || value === null || value === "") continue;
        for (const item of Array.isArray(value) ? value : [value]) {
          url.searchParams.append(key, String(item));
        }
      }
      const headers = { Accept: "application/json" };
      if (language) headers["Accept-Language"] = language; // reasons come back in it
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const token = getToken();
      if (token) headers.Authorization = "Bearer " + token;
      let response;
      try {
        response = await fetch(url.href, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: "omit",
          mode: "cors",
          cache: "no-store",
          signal,
        });
      } catch (error) {
        if (error && error.name === "AbortError") throw error;
        throw new ApiError(0, "network", "", null, "error.network");
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
          detail.message || "",
          detail.fields,
          "error.status",
          { status: response.status }
        );
      }
      return data;
    }

    return Object.freeze({
      loginUrl: (provider, origin) =>
        base + "/auth/" + encodeURIComponent(provider) + "/login?site=" +
        encodeURIComponent(site) + "&origin=" + encodeURIComponent(origin),
      eventsUrl: (thread, after) =>
        base + sitePath + "/events?thread=" + encodeURIComponent(thread) +
        (after ? "&last_event_id=" + encodeURIComponent(after) : ""),
      providers: () => request("GET", "/auth/providers", { query: { site } }),
      me: () => request("GET", "/api/v1/me", { query: { site } }),
      logout: () => request("POST", "/auth/logout"),
      sso: (token) => request("POST", "/auth/sso", { body: { site, token } }),
      list: (thread, sort, cursor) =>
        request("GET", sitePath + "/comments", {
          query: { thread, sort, limit: PAGE_SIZE, cursor },
        }),
      replies: (thread, parent, cursor) =>
        request("GET", sitePath + "/comments", { query: { thread, parent, cursor } }),
      post: (payload) => request("POST", sitePath + "/comments", { body: payload }),
      edit: (id, text) => request("PATCH", commentPath(id), { body: { body: text } }),
      remove: (id) => request("DELETE", commentPath(id)),
      vote: (id, value) => request("PUT", commentPath(id) + "/vote", { body: { value } }),
      report: (id, reason, note) =>
        request("POST", commentPath(id) + "/reports", {
          body: note ? { reason, note } : { reason },
        }),
    });
  }

  /* ------------------------------------------------------------------ *
   * The reader's token: localStorage when the browser allows it (it     *
   * throws in some embedded contexts), memory otherwise.                *
   * ------------------------------------------------------------------ */

  function createTokenStore(key) {
    let memory = null;
    let memoryOnly = false;
    return Object.freeze({
      key,
      get() {
        if (memoryOnly) return memory;
        try {
          return window.localStorage.getItem(key);
        } catch {
          memoryOnly = true;
          return memory;
        }
      },
      set(token) {
        memory = token;
        try {
          window.localStorage.setItem(key, token);
        } catch {
          memoryOnly = true;
        }
      },
      clear() {
        memory = null;
        try {
          window.localStorage.removeItem(key);
        } catch {
          /* nothing stored there */
        }
      },
    });
  }

  /* ------------------------------------------------------------------ *
   * The login window: watched until it answers, so a lost one never     *
   * leaves the widget waiting. `closed` reads true when the reader      *
   * closes it, and also (in Chromium, as soon as the provider's page    *
   * loads) when this page's `Cross-Origin-Opener-Policy: same-origin`   *
   * cuts the link while the window stays open.                          *
   * ------------------------------------------------------------------ */

  const POPUP_POLL_MS = 500;
  // The callback posts its token and closes at once; let a message already on its way land.
  const POPUP_GRACE_MS = 1000;
  // The service forgets a login's state after ten minutes: no answer can come later than that.
  const POPUP_TIMEOUT_MS = 10 * 60 * 1000;
  /** Calls `onLost("closed" | "timeout")` once unless stopped first; returns the stop function. */
  function watchPopup(popup, onLost) {
    let grace = null;
    const finish = (reason) => {
      stop();
      onLost(reason);
    };
    const poll = setInterval(() => {
      let closed;
      try {
        closed = popup.closed;
      } catch {
        closed = true;
      }
      if (closed && grace === null) grace = setTimeout(() => finish("closed"), POPUP_GRACE_MS);
    }, POPUP_POLL_MS);
    const timeout = setTimeout(() => {
      try {
        popup.close();
      } catch {
        /* a window this page lost the link to can't be closed from here */
      }
      finish("timeout");
    }, POPUP_TIMEOUT_MS);
    function stop() {
      clearInterval(poll);
      clearTimeout(timeout);
      if (grace !== null) clearTimeout(grace);
    }
    return stop;
  }

  /** This page's own opener policy ("same-origin", …), read from a HEAD of it; null when unknown. */
  async function pageOpenerPolicy(signal) {
    try {
      const response = await fetch(location.href, {
        method: "HEAD",
        credentials: "same-origin",
        cache: "no-store",
        signal,
      });
      if (!response.ok) return null;
      const value = response.headers.get("Cross-Origin-Opener-Policy") || "unsafe-none";
      return value.split(";")[0].trim().toLowerCase();
    } catch {
      return null;
    }
  }

  /** Why a login window went quiet: "closed", "severed", "unknown" or "timeout" ("login.lost.<why>"). */
  async function diagnoseLostPopup(reason, signal) {
    if (reason !== "closed") return reason;
    const policy = await pageOpenerPolicy(signal);
    if (policy === null) return "unknown";
    // `same-origin` puts any popup on another origin in a new browsing context group.
    return policy === "same-origin" ? "severed" : "closed";
  }

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

  function formatNumber(n, lang) {
    try {
      return new Intl.NumberFormat(lang || undefined).format(n);
    } catch {
      return String(n);
    }
  }

  function relativeTime(iso, lang) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    const seconds = (then - Date.now()) / 1000;
    const abs = Math.abs(seconds);
    try {
      if (abs > 30 * 86400) {
        return new Date(then).toLocaleDateString(lang || undefined, {
          year: "numeric", month: "short", day: "numeric",
        });
      }
      const rtf = new Intl.RelativeTimeFormat(lang || undefined, { numeric: "auto" });
      if (abs < 45) return rtf.format(0, "second");
      if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
      if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
      return rtf.format(Math.round(seconds / 86400), "day");
    } catch {
      return new Date(then).toLocaleString();
    }
  }

  function absoluteTime(iso, lang) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    try {
      return new Date(then).toLocaleString(lang || undefined, {
        dateStyle: "long", timeStyle: "short",
      });
    } catch {
      return new Date(then).toLocaleString();
    }
  }

  function initials(name) {
    const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
    const letters = parts.slice(0, 2).map((p) => Array.from(p)[0] || "");
    return (letters.join("") || "?").toUpperCase();
  }

  function hueClass(text) {
    let hash = 0;
    for (const ch of String(text || "")) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return "cw-hue-" + (hash % 8);
  }

  function safeImageUrl(url) {
    try {
      const parsed = new URL(url, location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function avatar(person) {
    const name = (person && person.name) || "";
    const fallback = h("span", { class: "cw-avatar cw-initials " + hueClass(name), "aria-hidden": "true" }, initials(name));
    const src = person && person.avatar_url && safeImageUrl(person.avatar_url);
    if (!src) return fallback;
    const img = h("img", {
      class: "cw-avatar", src, alt: "", width: 36, height: 36,
      loading: "lazy", decoding: "async", referrerpolicy: "no-referrer",
    });
    img.addEventListener("error", () => img.replaceWith(fallback), { once: true });
    return img;
  }

  /** Plain text of server HTML, parsed in an inert document (nothing runs or loads). */
  function htmlToText(html) {
    const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    for (const br of doc.querySelectorAll("br")) br.replaceWith("\n");
    const blocks = Array.from(doc.body.children);
    if (!blocks.length) return doc.body.textContent.trim();
    return blocks.map((b) => b.textContent.trim()).filter(Boolean).join("\n\n");
  }

  /* ------------------------------------------------------------------ *
   * Configuration from data-* attributes and options.                   *
   * ------------------------------------------------------------------ */

  function defaultThreadUrl() {
    const canonical = document.querySelector('link[rel="canonical"][href]');
    if (canonical && canonical.href) return canonical.href;
    return location.href.split("#")[0];
  }

  function readConfig(el, options) {
    const data = el.dataset;
    const pick = (key) => {
      const value = options[key] !== undefined ? options[key] : data[key];
      return value === undefined || value === null ? "" : String(value).trim();
    };
    const site = pick("site");
    const thread = pick("thread");
    if (!site || !thread) throw new Error("Comments: data-site and data-thread are required.");
    const base = (pick("base") || SERVICE_BASE || "").replace(/\/+$/, "");
    if (!base) throw new Error("Comments: cannot tell the service URL; pass options.base.");
    const sort = pick("sort");
    const theme = pick("theme");
    return Object.freeze({
      site,
      thread,
      base,
      origin: new URL(base).origin,
      threadUrl: pick("threadUrl") || defaultThreadUrl(),
      threadTitle: pick("threadTitle") || document.title || "",
      sort: SORTS.includes(sort) ? sort : "oldest",
      theme: THEMES.includes(theme) ? theme : "page",
      lang: pick("lang") || document.documentElement.lang || navigator.language || "",
      // What core/i18n.js chooses the widget's language from.
      language: Object.freeze({
        explicit: pick("lang"),
        page: document.documentElement.lang || "",
        browser: Object.freeze(Array.from(navigator.languages || [navigator.language || ""])),
      }),
      // The publisher's rewording: an object (option) or JSON text (data-strings), read by the core.
      strings: options.strings !== undefined ? options.strings : data.strings,
      ssoToken: pick("ssoToken") || null, // the publisher's own login, exchanged at start
    });
  }

  /* ------------------------------------------------------------------ *
   * Words: ES modules beside this script, imported on demand.           *
   * ------------------------------------------------------------------ */

  // The service writes the widget's version here as it serves this script; a copy opened
  // straight from disk keeps the placeholder and imports the unversioned files.
  const VERSION = "__WIDGET_VERSION__";

  /**
   * The folder of the widget's own files: where this script came from, else the service's;
   * its versioned form (`v/<version>/`, cached for good) when this script knows the version.
   */
  function widgetDir(config) {
    const dir = SCRIPT_URL ? new URL(".", SCRIPT_URL).href : config.base + "/widget/";
    const versioned = "v/" + VERSION + "/";
    if (!/^[0-9a-f]+$/.test(VERSION) || dir.endsWith("/" + versioned)) return dir;
    return new URL(versioned, dir).href;
  }

  /**
   * The translator for `config`: the core and English at once, then the chosen language's
   * file. Null when the core or English can't be loaded; a language file that can't be
   * leaves the widget in English.
   */
  async function loadTranslator(config) {
    const dir = widgetDir(config);
    const failed = (error) => {
      console.warn("Comments: could not load the widget's words from " + dir + ".", error);
      return null;
    };
    const english = import(new URL("i18n/en.js", dir).href).catch(failed);
    let core;
    try {
      core = await import(new URL("core/i18n.js", dir).href);
    } catch (error) {
      return failed(error);
    }
    const language = core.chooseLanguage(config.language);
    const own = language === core.FALLBACK
      ? null
      : import(new URL("i18n/" + language + ".js", dir).href).catch(failed);
    const [en, table] = await Promise.all([english, own]);
    if (!en) return null;
    return core.createTranslator({
      language: table ? language : core.FALLBACK,
      strings: table ? table.default : en.default,
      fallback: en.default,
      overrides: config.strings,
      locale: config.lang,
    });
  }

  /** A request already on its way, held as {data} or {error} until it is taken. */
  function settle(promise) {
    return promise.then((data) => ({ data }), (error) => ({ error }));
  }

  async function take(settled) {
    const result = await settled;
    if ("error" in result) throw result.error;
    return result.data;
  }

  /** Light or dark, from the first opaque background behind the element. */
  function pageTheme(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const match = getComputedStyle(node).backgroundColor.match(/[\d.]+/g);
      if (!match || match.length < 3) continue;
      const [r, g, b, a = 1] = match.map(Number);
      if (a < 0.5) continue;
      return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
    }
    return "light";
  }

  /* ------------------------------------------------------------------ *
   * One mounted widget.                                                 *
   * ------------------------------------------------------------------ */

  class CommentsWidget {
    constructor(el, options) {
      this.el = el;
      this.config = readConfig(el, options || {});
      this.aborter = new AbortController();
      this.tokens = createTokenStore(
        "comments:token:" + this.config.origin + ":" + this.config.site
      );
      this.api = createApi(
        this.config.base, this.config.site, () => this.tokens.get(), this.aborter.signal, this.config.lang
      );
      this.user = null;
      this.providers = null;
      this.providersError = null;
      this.thread = null;
      this.sort = this.config.sort;
      this.nextCursor = null;
      this.listSeq = 0;
      this.popup = null; // the last login window opened: the only source a token is taken from
      this.waiting = null; // while a login window is open: {provider, stop}
      this.loginSeq = 0;
      this.loginNotice = null; // after a login window was lost: {provider, text}
      this.idSeq = 0;
      this.destroyed = false;
      this.viewer = null; // the reader's own parts of the pages loaded: {votes, canEdit, canDelete}
      this.ownWaiting = []; // the reader's held comments whose place is not on the page yet
      this.fresh = []; // live top-level comments waiting behind the "new comments" button
      this.counted = new Set(); // ids whose arrival already moved the count
      this.holds = 0; // while a page is loading, live events wait in `backlog`
      this.backlog = [];
      this.stream = null; // the thread's EventSource
      this.streamTimer = null;
      this.streamDelay = 0;
      this.streamOpened = false; // a stream has said `ready` once
      this.streamLost = false; // events may have been missed: reload when the next one is ready

      this.i18n = null; // the translator; the shell is built once it has loaded
      this.shell = null;

      this.root = el.shadowRoot || el.attachShadow({ mode: "open" });
      this.root.replaceChildren();
      applyStyles(this.root);

      this.onMessage = this.onMessage.bind(this);
      this.onStorage = this.onStorage.bind(this);
      this.onSchemeChange = () => this.applyTheme();
      this.onLoad = () => this.applyTheme();
      this.onPageHide = () => {
        if (this.stream || this.streamTimer) this.streamLost = this.streamOpened;
        this.closeStream();
      };
      this.onPageShow = (event) => {
        if (event.persisted && this.thread) this.openStream(); // back from the back/forward cache
      };
      window.addEventListener("message", this.onMessage);
      window.addEventListener("storage", this.onStorage);
      window.addEventListener("pagehide", this.onPageHide);
      window.addEventListener("pageshow", this.onPageShow);
      this.scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
      if (this.scheme && this.scheme.addEventListener) this.scheme.addEventListener("change", this.onSchemeChange);
      if (document.readyState !== "complete") window.addEventListener("load", this.onLoad, { once: true });

      this.start();
    }

    /** Removes the widget, its listeners and in-flight requests. */
    destroy() {
      if (this.destroyed) return;
      this.destroyed = true;
      this.aborter.abort();
      window.removeEventListener("message", this.onMessage);
      window.removeEventListener("storage", this.onStorage);
      window.removeEventListener("load", this.onLoad);
      window.removeEventListener("pagehide", this.onPageHide);
      window.removeEventListener("pageshow", this.onPageShow);
      this.closeStream();
      if (this.scheme && this.scheme.removeEventListener) this.scheme.removeEventListener("change", this.onSchemeChange);
      this.endLoginWait();
      this.popup = null;
      this.root.replaceChildren();
      try {
        this.root.adoptedStyleSheets = [];
      } catch {
        /* <style> fallback was removed with the children */
      }
      if (this.el[INSTANCE] === this) delete this.el[INSTANCE];
    }

    uid(prefix) {
      this.idSeq += 1;
      return "cw-" + prefix + "-" + this.idSeq;
    }

    /** The text for `key` in the widget's language (see core/i18n.js). */
    t(key, params) {
      return this.i18n.t(key, params);
    }

    /** A role or badge in words; one the widget has no words for shows as it came. */
    roleName(role) {
      const key = "role." + role;
      return this.i18n.has(key) ? this.t(key) : String(role);
    }

    /** What to tell the reader about a failure: the service's own words, else the widget's. */
    explain(error) {
      if (!(error instanceof ApiError)) return this.t("error.generic");
      return error.message || this.t(error.key, error.params);
    }

    /* ---------------- shell ---------------- */

    buildShell() {
      const sortId = this.uid("sort");
      const headingId = this.uid("heading");
      this.countEl = h("span", { class: "cw-count", "data-count": "" });
      this.sortSelect = h(
        "select",
        { id: sortId, class: "cw-select", "data-action": "sort" },
        SORTS.map((key) => h("option", { value: key, selected: key === this.sort }, this.t("sort." + key)))
      );
      this.sortSelect.addEventListener("change", () => {
        this.sort = this.sortSelect.value;
        this.loadThread();
      });
      this.accountEl = h("div", { class: "cw-account" });
      this.composerEl = h("div", { class: "cw-composer" });
      this.statusEl = h("p", { class: "cw-status", role: "status", "aria-live": "polite" });
      this.listEl = h("ol", { class: "cw-list", "aria-label": this.t("list.label") });
      this.emptyEl = h("p", { class: "cw-empty", hidden: true }, this.t("list.empty"));
      this.moreButton = h(
        "button",
        { type: "button", class: "cw-btn cw-btn-wide", "data-action": "load-more", hidden: true },
        this.t("list.more")
      );
      this.moreButton.addEventListener("click", () => this.loadMore());
      this.freshButton = h(
        "button",
        { type: "button", class: "cw-btn cw-btn-quiet cw-btn-wide cw-show-new", "data-action": "show-new", hidden: true }
      );
      this.freshButton.addEventListener("click", () => this.showFresh());

      this.shell = h(
        "section",
        { class: "cw", "aria-labelledby": headingId, "data-live": "off" },
        h(
          "header",
          { class: "cw-head" },
          h("h2", { id: headingId, class: "cw-heading" }, h("span", null, this.t("heading")), " ", this.countEl),
          h("div", { class: "cw-sort" }, h("label", { for: sortId }, this.t("sort.label")), this.sortSelect)
        ),
        this.accountEl,
        this.composerEl,
        this.statusEl,
        this.freshButton,
        this.listEl,
        this.emptyEl,
        this.moreButton
      );
      this.applyTheme();
      this.root.append(this.shell);
    }

    applyTheme() {
      if (!this.shell) return;
      const theme = this.config.theme === "page" ? pageTheme(this.el) : this.config.theme;
      this.shell.setAttribute("data-theme", theme);
    }

    say(text, kind) {
      this.statusEl.textContent = text || "";
      this.statusEl.className = "cw-status" + (kind ? " cw-status-" + kind : "");
    }

    /* ---------------- start-up and session ---------------- */

    /**
     * The words and the first requests at once: the translator's modules load while the
     * login options, the reader and the first page are fetched (the page waits when the
     * publisher's login must run first). Nothing is shown before the words are there.
     */
    async start() {
      const words = loadTranslator(this.config);
      const token = this.tokens.get();
      const early = {
        providers: settle(this.api.providers()),
        me: token ? { token, sort: null, result: settle(this.api.me()) } : null,
        page: this.config.ssoToken
          ? null
          : { token, sort: this.sort, result: settle(this.api.list(this.config.thread, this.sort, null)) },
      };
      const translator = await words;
      if (this.destroyed || !translator) return; // without words, a warning in the console
      this.i18n = translator;
      this.buildShell();
      this.renderAccount();
      const providers = this.loadProviders(early.providers);
      if (this.tokens.get()) await this.confirmUser(this.stillGood(early.me));
      if (this.config.ssoToken && !this.signedOnAs(this.config.ssoToken)) {
        await this.signOnWithPublisher(this.config.ssoToken);
      }
      this.renderAccount();
      await Promise.all([providers, this.loadThread(this.stillGood(early.page))]);
    }

    /** An early request's answer, if it was asked with the token (and sort) still in use. */
    stillGood(early) {
      if (!early || early.token !== this.tokens.get()) return null;
      if (early.sort !== null && early.sort !== this.sort) return null;
      return early.result;
    }

    async loadProviders(early = null) {
      try {
        const data = await (early ? take(early) : this.api.providers());
        this.providers = (data && Array.isArray(data.providers)) ? data.providers : [];
        this.providersError = null;
      } catch (error) {
        if (this.ignorable(error)) return;
        this.providers = [];
        this.providersError = this.explain(error);
      }
      this.renderAccount();
    }

    /** Whether the current reader is the one the publisher's token names. */
    signedOnAs(ssoToken) {
      if (!this.user) return false;
      try {
        const part = ssoToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
        const claims = JSON.parse(atob(part));
        return this.user.id === "sso:" + this.config.site + ":" + claims.sub;
      } catch {
        return false;
      }
    }

    /** The publisher's own login: trade its signed token for one of ours. */
    async signOnWithPublisher(ssoToken) {
      try {
        const data = await this.api.sso(ssoToken);
        if (!data || typeof data.token !== "string") return;
        this.tokens.set(data.token);
        await this.confirmUser();
      } catch (error) {
        if (this.ignorable(error)) return;
        this.say(this.explain(error), "error");
      }
    }

    /** Asks the service who the stored token belongs to; drops it when rejected. */
    async confirmUser(early = null) {
      try {
        const data = await (early ? take(early) : this.api.me());
        this.user = (data && data.user) || null;
        if (!this.user) this.tokens.clear();
      } catch (error) {
        if (this.ignorable(error)) return;
        if (error.status === 401) {
          this.tokens.clear();
          this.user = null;
        } else {
          this.say(this.explain(error), "error");
        }
      }
    }

    loggedIn() {
      return Boolean(this.user && this.tokens.get());
    }

    /** The service said the token is no longer good: show the logged-out state. */
    dropSession(message) {
      this.tokens.clear();
      this.user = null;
      this.renderAccount();
      this.renderComposer();
      this.say(message || this.t("session.ended"), "error");
    }

    ignorable(error) {
      return this.destroyed || (error && error.name === "AbortError");
    }

    /** Shows an error's message in `target` (or the status line); handles expired sessions. */
    fail(error, target) {
      if (this.ignorable(error)) return;
      if (error.status === 401 && error.code === "login_required") {
        this.dropSession(error.message);
        return;
      }
      const message = this.explain(error);
      if (target) {
        target.textContent = message;
      } else {
        this.say(message, "error");
      }
      if (error.code === "thread_closed" && this.thread) {
        this.thread.closed = true;
        this.renderComposer();
      }
      if (error.code === "banned" && this.user) {
        this.user.banned = true;
        this.user.banMessage = error.message;
        this.renderComposer();
      }
    }

    renderAccount() {
      const el = this.accountEl;
      if (this.loggedIn()) {
        const roles = Array.isArray(this.user.roles) ? this.user.roles : [];
        const logout = h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "logout" }, this.t("account.logout"));
        logout.addEventListener("click", () => this.logout());
        el.replaceChildren(
          h(
            "div",
            { class: "cw-me" },
            avatar(this.user),
            h(
              "p",
              { class: "cw-me-name" },
              this.i18n.parts("account.as", {
                name: h("strong", { class: "cw-me-user" }, this.user.name || this.t("account.reader")),
              }),
              roles.map((role) => [" ", h("span", { class: "cw-badge" }, this.roleName(role))])
            ),
            logout
          )
        );
        return;
      }
      const buttons = (this.providers || []).map((provider) => {
        const button = h(
          "button",
          {
            type: "button",
            class: "cw-btn cw-btn-login",
            "data-action": "login",
            "data-provider": provider.id,
            disabled: Boolean(this.waiting),
          },
          this.t("login.with", { provider: provider.name || provider.id })
        );
        button.addEventListener("click", () => this.login(provider));
        return button;
      });
      let note;
      if (this.providers === null) note = this.t("login.loading");
      else if (this.providersError) note = this.providersError;
      else if (!buttons.length) note = this.t("login.unavailable");
      el.replaceChildren(
        h(
          "div",
          { class: "cw-login" },
          h("p", { class: "cw-login-text" }, this.t("login.prompt")),
          buttons.length ? h("div", { class: "cw-providers" }, buttons) : null,
          note ? h("p", { class: "cw-muted" }, note) : null,
          this.renderLoginWait()
        )
      );
    }

    /** While a login window is open: what to do there, and a way out; after one is lost: why, and a retry. */
    renderLoginWait() {
      if (this.waiting) {
        const cancel = h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "login-cancel" }, this.t("cancel"));
        cancel.addEventListener("click", () => this.cancelLogin());
        return h(
          "div",
          { class: "cw-login-wait" },
          h("p", { class: "cw-muted" }, this.t("login.wait")),
          cancel
        );
      }
      if (this.loginNotice) {
        const { provider, text } = this.loginNotice;
        const retry = h("button", { type: "button", class: "cw-btn", "data-action": "login-retry" }, this.t("login.retry"));
        retry.addEventListener("click", () => this.login(provider));
        return h("div", { class: "cw-login-wait" }, h("p", { class: "cw-login-lost", role: "alert" }, text), retry);
      }
      return null;
    }

    /* Must run synchronously inside the click handler, or popup blockers step in. */
    login(provider) {
      const url = this.api.loginUrl(provider.id, location.origin);
      const popup = window.open(url, "comments-login", "width=480,height=640");
      if (!popup) {
        this.say(this.t("login.blocked"), "error");
        return;
      }
      this.endLoginWait();
      this.popup = popup;
      this.loginNotice = null;
      this.loginSeq += 1;
      const seq = this.loginSeq;
      this.waiting = { provider, stop: watchPopup(popup, (reason) => this.loginLost(seq, reason)) };
      this.say("");
      this.renderAccount();
      try {
        popup.focus();
      } catch {
        /* cross-origin focus may be refused */
      }
    }

    /** Stops watching the login window (its token, should one still arrive, is still taken). */
    endLoginWait() {
      if (this.waiting) this.waiting.stop();
      this.waiting = null;
    }

    /** The reader gave up on the login window: close it and forget it. */
    cancelLogin() {
      const popup = this.popup;
      this.endLoginWait();
      this.popup = null;
      this.loginSeq += 1;
      try {
        if (popup) popup.close();
      } catch {
        /* a window this page lost the link to can't be closed from here */
      }
      this.renderAccount();
    }

    /** The login window closed, was cut off or timed out without a token: say which, offer a retry. */
    async loginLost(seq, reason) {
      if (seq !== this.loginSeq || !this.waiting) return;
      const provider = this.waiting.provider;
      this.waiting = null;
      this.renderAccount();
      const kind = await diagnoseLostPopup(reason, this.aborter.signal);
      if (this.destroyed || seq !== this.loginSeq || this.waiting || this.loggedIn()) return;
      this.loginNotice = { provider, text: this.t("login.lost." + kind) };
      this.renderAccount();
    }

    onMessage(event) {
      if (event.origin !== this.config.origin) return;
      if (!this.popup || event.source !== this.popup) return;
      const data = event.data;
      if (!data || typeof data !== "object" || data.type !== "comments:login") return;
      if (data.site !== this.config.site || typeof data.token !== "string" || !data.token) return;
      this.endLoginWait();
      this.loginSeq += 1;
      this.loginNotice = null;
      this.popup = null;
      this.tokens.set(data.token);
      const user = data.user && typeof data.user === "object" ? data.user : {};
      this.user = { id: user.id, name: user.name, avatar_url: user.avatar_url, roles: [], banned: false };
      this.say("");
      this.afterLogin();
    }

    async afterLogin() {
      this.renderAccount();
      await this.confirmUser();
      if (this.loggedIn()) {
        this.endLoginWait();
        this.loginNotice = null;
      }
      this.renderAccount();
      if (this.loggedIn()) this.say(this.t("login.done", { name: this.user.name || this.t("account.reader") }));
      await this.loadThread();
    }

    onStorage(event) {
      if (!this.shell || event.key !== this.tokens.key) return; // before the shell, start() reads it
      if (event.newValue) this.afterLogin();
      else if (this.user) {
        this.user = null;
        this.renderAccount();
        this.loadThread();
      }
    }

    async logout() {
      if (this.tokens.get()) {
        try {
          await this.api.logout();
        } catch (error) {
          if (this.ignorable(error)) return;
          /* the token is forgotten below either way */
        }
      }
      this.tokens.clear();
      this.user = null;
      this.renderAccount();
      this.say(this.t("logout.done"));
      await this.loadThread();
    }

    /* ---------------- the thread ---------------- */

    setCount(n) {
      const count = Number.isFinite(n) ? n : 0;
      this.countEl.textContent = formatNumber(count, this.config.lang);
      this.countEl.setAttribute("data-count", String(count));
      this.countEl.setAttribute("aria-label", this.t("count.comments", { n: count }));
    }

    bumpCount(delta) {
      if (!this.thread) return;
      this.thread.count = (Number(this.thread.count) || 0) + delta;
      this.setCount(this.thread.count);
    }

    /** The first page (again), or the one `early` fetched; live events arriving meanwhile wait for it. */
    async loadThread(early = null) {
      if (!this.shell) return; // start() loads it once the words are there
      this.holdEvents();
      try {
        await this.loadFirstPage(early);
      } finally {
        this.releaseEvents();
      }
      if (this.thread && !this.destroyed) this.openStream();
    }

    async loadFirstPage(early = null) {
      const seq = ++this.listSeq;
      const hadToken = Boolean(this.tokens.get());
      const loading = this.t("status.loading");
      this.listEl.setAttribute("aria-busy", "true");
      if (!this.listEl.childElementCount) this.say(loading);
      let data;
      try {
        data = await (early ? take(early) : this.api.list(this.config.thread, this.sort, null));
      } catch (error) {
        if (seq !== this.listSeq) return;
        this.listEl.removeAttribute("aria-busy");
        if (error.status === 401 && hadToken && !this.ignorable(error)) {
          this.dropSession(error.message);
          return this.loadFirstPage();
        }
        return this.fail(error);
      }
      if (seq !== this.listSeq || this.destroyed) return;
      this.listEl.removeAttribute("aria-busy");
      if (this.statusEl.textContent === loading) this.say("");
      this.thread = Object.assign({ closed: false, count: 0 }, data.thread || {});
      this.setCount(this.thread.count);
      this.viewer = null;
      this.ownWaiting = [];
      this.fresh = [];
      this.counted = new Set();
      this.renderFreshButton();
      this.absorbViewer(data);
      this.listEl.replaceChildren();
      this.appendComments(this.listEl, data.comments, 0);
      this.setCursor(data.next_cursor);
      this.placeOwn();
      this.renderComposer();
    }

    async loadMore() {
      if (!this.nextCursor) return;
      const seq = this.listSeq;
      this.moreButton.disabled = true;
      this.moreButton.textContent = this.t("list.loading");
      this.holdEvents();
      try {
        const data = await this.api.list(this.config.thread, this.sort, this.nextCursor);
        if (seq !== this.listSeq || this.destroyed) return;
        this.absorbViewer(data);
        this.appendComments(this.listEl, data.comments, 0);
        this.setCursor(data.next_cursor);
        this.placeOwn();
      } catch (error) {
        this.fail(error);
      } finally {
        this.moreButton.disabled = false;
        this.moreButton.textContent = this.t("list.more");
        this.releaseEvents();
      }
    }

    /* ---------------- the reader's own parts (the `viewer` block) ---------------- */

    /**
     * Takes in a page's `viewer` block: the reader's votes and rights are kept (the shared
     * comments carry anonymous values), their held comments wait for `placeOwn`.
     * A page without the block carries them per comment, as the service used to.
     */
    absorbViewer(data) {
      const block = data && data.viewer;
      if (!block || typeof block !== "object") return;
      if (!this.viewer) this.viewer = { votes: new Map(), canEdit: new Set(), canDelete: new Set() };
      const votes = block.votes && typeof block.votes === "object" ? block.votes : {};
      for (const [id, value] of Object.entries(votes)) {
        if (value === 1 || value === -1) this.viewer.votes.set(String(id), value);
      }
      for (const id of Array.isArray(block.can_edit) ? block.can_edit : []) this.viewer.canEdit.add(String(id));
      for (const id of Array.isArray(block.can_delete) ? block.can_delete : []) this.viewer.canDelete.add(String(id));
      for (const c of Array.isArray(block.own) ? block.own : []) {
        if (!c || typeof c !== "object" || c.id === undefined || c.id === null) continue;
        if (this.ownWaiting.some((w) => String(w.id) === String(c.id))) continue;
        this.ownWaiting.push(c);
      }
    }

    /** A shared comment with this reader's vote and rights put in. */
    personalise(comment) {
      const v = this.viewer;
      if (!v || !comment || typeof comment !== "object") return comment;
      const id = String(comment.id);
      return Object.assign({}, comment, {
        my_vote: v.votes.has(id) ? v.votes.get(id) : (comment.my_vote === 1 || comment.my_vote === -1 ? comment.my_vote : null),
        can_edit: v.canEdit.has(id) || comment.can_edit === true,
        can_delete: v.canDelete.has(id) || comment.can_delete === true,
      });
    }

    /** Puts the reader's held comments where they belong, once that place is on the page. */
    placeOwn() {
      this.ownWaiting = this.ownWaiting.filter((c) => !this.placeOwnComment(c));
    }

    /** True when `c` is shown (now or already); false while its place is not loaded yet. */
    placeOwnComment(c) {
      if (this.findComment(c.id)) return true;
      if (c.parent_id !== null && c.parent_id !== undefined) {
        const parent = this.findComment(c.parent_id);
        if (!parent) return false;
        const complete = !parent.querySelector(":scope > .cw-more-replies");
        return this.insertByTime(parent, this.personalise(c), "oldest", complete); // replies run oldest first
      }
      return this.insertByTime(null, this.personalise(c), this.sort, !this.nextCursor);
    }

    /**
     * Inserts `comment` among the shown ones by its time (under `parentLi`, or at the top
     * level); under "top", a held comment (no score yet) goes first, where its author looks.
     * Answers false, inserting nothing, when its place lies beyond what is loaded.
     */
    insertByTime(parentLi, comment, sort, complete, highlight = false) {
      const list = parentLi ? parentLi.querySelector(":scope > .cw-replies") : this.listEl;
      const depth = parentLi ? Number(parentLi.getAttribute("data-depth")) + 1 : 0;
      const items = Array.from(list.children).filter((li) => li[DATA]);
      const when = Date.parse(comment.created_at);
      let before = null;
      if (sort === "top") {
        before = items[0] || null;
      } else {
        before = items.find((li) => {
          const then = Date.parse(li[DATA].created_at);
          return sort === "newest" ? then < when : then > when;
        }) || null;
        if (!before && !complete) return false;
      }
      const el = this.renderComment(comment, depth);
      if (highlight) el.classList.add("cw-fresh");
      list.insertBefore(el, before);
      this.emptyEl.hidden = true;
      return true;
    }

    setCursor(cursor) {
      this.nextCursor = cursor || null;
      this.moreButton.hidden = !this.nextCursor;
      this.emptyEl.hidden = this.listEl.childElementCount > 0;
    }

    findComment(id) {
      if (id === null || id === undefined) return null;
      const value = String(id).replace(/["\\]/g, "\\$&");
      return this.root.querySelector('li[data-comment-id="' + value + '"]');
    }

    appendComments(list, comments, depth) {
      for (const comment of Array.isArray(comments) ? comments : []) {
        if (!comment || typeof comment !== "object" || this.findComment(comment.id)) continue;
        list.append(this.renderComment(this.personalise(comment), depth));
      }
    }

    /* ---------------- composer ---------------- */

    renderComposer() {
      const el = this.composerEl;
      if (this.thread && this.thread.closed) {
        // A draft is kept (out of the page) in case the thread opens again.
        el.replaceChildren(h("p", { class: "cw-notice" }, this.t("composer.closed")));
        if (!this.loggedIn()) this.topForm = null;
        return;
      }
      if (!this.loggedIn()) {
        el.replaceChildren();
        this.topForm = null;
        return;
      }
      if (this.user.banned) {
        const notice = this.user.banMessage || this.t("composer.banned");
        el.replaceChildren(h("p", { class: "cw-notice" }, notice));
        this.topForm = null;
        return;
      }
      if (this.topForm) {
        if (!el.contains(this.topForm.form)) el.replaceChildren(this.topForm.form);
        return; // keep the draft
      }
      this.topForm = this.createForm({
        kind: "compose",
        label: this.t("composer.label"),
        placeholder: this.t("composer.placeholder"),
        submitLabel: this.t("composer.submit"),
        onSubmit: (text, form) => this.submitComment(text, null, form),
      });
      el.replaceChildren(this.topForm.form);
    }

    /**
     * A textarea form with a counter and an error area.
     * onSubmit(text, form) resolves when done; errors go to form.showError.
     */
    createForm({ kind, label, placeholder, initial, submitLabel, onSubmit, onCancel }) {
      const textId = this.uid("text");
      const counterId = this.uid("counter");
      const errorsId = this.uid("errors");
      const textarea = h("textarea", {
        id: textId, name: "body", class: "cw-textarea", rows: kind === "compose" ? 4 : 3,
        maxlength: MAX_LENGTH, placeholder, required: true,
        "aria-describedby": counterId + " " + errorsId,
      });
      textarea.value = initial || "";
      const counter = h("span", { id: counterId, class: "cw-counter" });
      const errors = h("div", { id: errorsId, class: "cw-form-errors", role: "alert" });
      const submit = h("button", { type: "submit", class: "cw-btn cw-btn-primary", "data-action": kind === "edit" ? "save" : "post" }, submitLabel);
      const cancel = onCancel
        ? h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "cancel" }, this.t("cancel"))
        : null;
      const form = h(
        "form",
        { class: "cw-form cw-" + kind + "-form", novalidate: true },
        h("label", { class: "cw-label", for: textId }, label),
        textarea,
        h("div", { class: "cw-form-meta" }, h("span", { class: "cw-muted" }, this.t("form.hint")), counter),
        errors,
        h("div", { class: "cw-form-actions" }, submit, cancel)
      );
      const updateCounter = () => {
        const n = textarea.value.length;
        counter.textContent = formatNumber(n, this.config.lang) + " / " + formatNumber(MAX_LENGTH, this.config.lang);
        counter.classList.toggle("cw-counter-near", n > MAX_LENGTH * 0.9);
      };
      updateCounter();
      textarea.addEventListener("input", updateCounter);
      textarea.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      const api = {
        form,
        textarea,
        clear() {
          textarea.value = "";
          errors.replaceChildren();
          updateCounter();
        },
        showError: (error) => {
          errors.replaceChildren();
          if (this.ignorable(error)) return;
          if (error.status === 401 && error.code === "login_required") {
            this.fail(error);
            return;
          }
          const message = this.explain(error);
          errors.append(h("p", null, message));
          const fields = error.fields && typeof error.fields === "object" ? Object.values(error.fields) : [];
          const extra = fields.map(String).filter((text) => text && text !== message);
          if (extra.length) errors.append(h("ul", null, extra.map((text) => h("li", null, text))));
          if (error.fields && "body" in error.fields) textarea.setAttribute("aria-invalid", "true");
          if (error.code === "thread_closed" || error.code === "banned") this.fail(error, errors.firstChild);
        },
      };
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const text = textarea.value;
        errors.replaceChildren();
        textarea.removeAttribute("aria-invalid");
        if (!text.trim()) {
          errors.append(h("p", null, this.t("form.empty")));
          textarea.setAttribute("aria-invalid", "true");
          textarea.focus();
          return;
        }
        submit.disabled = true;
        form.setAttribute("aria-busy", "true");
        try {
          await onSubmit(text, api);
        } catch (error) {
          api.showError(error);
        } finally {
          submit.disabled = false;
          form.removeAttribute("aria-busy");
        }
      });
      if (cancel) cancel.addEventListener("click", () => onCancel());
      return api;
    }

    async submitComment(text, parentId, form) {
      const payload = {
        thread: this.config.thread,
        body: text,
        thread_url: this.config.threadUrl,
        thread_title: this.config.threadTitle,
      };
      if (parentId !== null) payload.parent_id = parentId;
      const comment = await this.api.post(payload);
      form.clear();
      this.insertNewComment(comment, parentId);
      return comment;
    }

    insertNewComment(comment, repliedTo) {
      if (!comment) return;
      this.dropFresh(comment.id);
      const parentLi = this.findComment(comment.parent_id) || this.findComment(repliedTo);
      let el = this.findComment(comment.id); // its live event may have come first
      if (el) {
        this.replaceMain(el, comment, false);
      } else if (parentLi) {
        const depth = Number(parentLi.getAttribute("data-depth")) + 1;
        el = this.renderComment(comment, depth);
        parentLi.querySelector(":scope > .cw-replies").append(el);
      } else {
        el = this.renderComment(comment, 0);
        if (this.sort === "newest") this.listEl.prepend(el);
        else this.listEl.append(el);
      }
      this.emptyEl.hidden = true;
      if (comment.status === "approved") this.countArrival(comment.id);
      this.say(this.t(comment.status === "pending" ? "posted.pending" : "posted.published"));
      el.classList.add("cw-fresh");
      el.scrollIntoView({ block: "nearest" });
    }

    /* ---------------- live updates ---------------- */

    /**
     * One EventSource per widget, opened once the first page is shown. The browser
     * reconnects by itself after a dropped connection and sends Last-Event-ID, so the
     * service replays what was missed (or says `reset`). A stream it refused outright is
     * tried again later from scratch, and then the page is reloaded in case news was missed.
     */
    openStream() {
      if (this.stream || this.streamTimer || this.destroyed || typeof EventSource !== "function") return;
      let source;
      try {
        // Resume from the page's own moment (the events since it was made) or from the
        // last event seen; no cookies, no token.
        const after = this.lastEventId || (this.thread && this.thread.last_event_id) || null;
        source = new EventSource(this.api.eventsUrl(this.config.thread, after));
      } catch {
        return;
      }
      this.stream = source;
      this.setLive("connecting");
      for (const name of LIVE_EVENTS) {
        source.addEventListener(name, (event) => this.onStreamEvent(source, name, event));
      }
      source.addEventListener("error", () => this.onStreamError(source));
    }

    closeStream() {
      if (this.stream) this.stream.close();
      this.stream = null;
      if (this.streamTimer !== null) clearTimeout(this.streamTimer);
      this.streamTimer = null;
      this.setLive("off");
    }

    /** `data-live` on the widget: "connecting", "on" (news arrives as it happens) or "off". */
    setLive(state) {
      if (this.shell) this.shell.setAttribute("data-live", state);
    }

    onStreamError(source) {
      if (source !== this.stream) return;
      if (source.readyState !== EventSource.CLOSED) {
        this.setLive("connecting"); // the browser is reconnecting, with Last-Event-ID
        return;
      }
      this.stream = null;
      this.setLive("off");
      if (this.streamOpened) this.streamLost = true;
      this.streamDelay = Math.min(STREAM_RETRY_MAX_MS, this.streamDelay ? this.streamDelay * 2 : STREAM_RETRY_MS);
      this.streamTimer = setTimeout(() => {
        this.streamTimer = null;
        this.openStream();
      }, this.streamDelay);
    }

    onStreamEvent(source, name, event) {
      if (source !== this.stream || this.destroyed) return;
      if (event.lastEventId) this.lastEventId = event.lastEventId;
      if (name === "ready") {
        this.setLive("on");
        this.streamOpened = true;
        this.streamDelay = 0;
        if (this.streamLost) {
          this.streamLost = false;
          this.loadThread();
        }
        return;
      }
      if (name === "reset") {
        this.loadThread(); // the service no longer has what was missed
        return;
      }
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!data || typeof data !== "object" || Array.isArray(data)) return;
      if (this.holds > 0) this.backlog.push([name, data]);
      else this.applyEvent(name, data);
    }

    holdEvents() {
      this.holds += 1;
    }

    /** Applies what arrived while pages loaded: each event is harmless if the page had it. */
    releaseEvents() {
      this.holds -= 1;
      if (this.holds > 0 || this.destroyed) return;
      const backlog = this.backlog;
      this.backlog = [];
      for (const [name, data] of backlog) this.applyEvent(name, data);
    }

    applyEvent(name, data) {
      if (!this.thread) return;
      try {
        if (name === "comment.created") this.liveCreated(data);
        else if (name === "comment.updated") this.liveUpdated(data);
        else if (name === "comment.removed") this.liveRemoved(data);
        else if (name === "comment.voted") this.liveVoted(data);
        else if (name === "thread.updated") this.liveThread(data);
      } catch (error) {
        console.warn("Comments: could not apply a live update.", error);
      }
    }

    /** Moves the count once per comment, however many ways its arrival is heard of. */
    countArrival(id) {
      const key = String(id);
      if (this.counted.has(key)) return;
      this.counted.add(key);
      this.bumpCount(1);
    }

    /** A comment others now see: shown where it belongs, or counted while its place isn't loaded. */
    liveCreated(c) {
      if (c.id === undefined || c.id === null) return;
      const shown = this.findComment(c.id);
      if (shown) {
        this.liveUpdated(c); // already here: the reader's own post, or a page that had it
        return;
      }
      if (this.fresh.some((f) => String(f.id) === String(c.id))) return;
      this.countArrival(c.id);
      this.placeLive(this.personalise(c));
    }

    /**
     * Shows a comment that just became visible where the page has room for it, and answers
     * whether it did: among the replies it answers, or at the top level by its time. Under
     * "newest", one newer than all shown waits behind the "new comments" button (nothing
     * moves under the reader); under "top", a new comment (no score yet) goes last. A place
     * beyond the loaded pages (or replies) is left for them to bring.
     */
    placeLive(comment) {
      if (comment.parent_id !== null && comment.parent_id !== undefined) {
        const parent = this.findComment(comment.parent_id);
        if (!parent) return false;
        const complete = !parent.querySelector(":scope > .cw-more-replies");
        return this.insertByTime(parent, comment, "oldest", complete, true);
      }
      const complete = !this.nextCursor;
      if (this.sort === "newest") {
        const first = Array.from(this.listEl.children).find((li) => li[DATA]);
        if (first && !(Date.parse(first[DATA].created_at) > Date.parse(comment.created_at))) {
          this.fresh.push(comment);
          this.renderFreshButton();
          return true;
        }
        return this.insertByTime(null, comment, "newest", complete, true);
      }
      if (this.sort === "top") {
        if (!complete) return false;
        const el = this.renderComment(comment, 0);
        el.classList.add("cw-fresh");
        this.listEl.append(el);
        this.emptyEl.hidden = true;
        return true;
      }
      return this.insertByTime(null, comment, "oldest", complete, true);
    }

    /** An edit (or a moderator's change) others see: new text, same controls for this reader. */
    liveUpdated(c) {
      if (c.id === undefined || c.id === null) return;
      const waiting = this.fresh.findIndex((f) => String(f.id) === String(c.id));
      if (waiting >= 0) {
        this.fresh[waiting] = Object.assign({}, this.fresh[waiting], c, this.ownParts(this.fresh[waiting], c));
        return;
      }
      const li = this.findComment(c.id);
      if (!li) {
        // Visible again (a moderator's approval or undo) where the page has its place; or
        // an edit of a comment on a page not loaded, which that page will bring as it is.
        if (this.placeLive(this.personalise(c))) this.countArrival(c.id);
        return;
      }
      const before = li[DATA] || {};
      const merged = Object.assign({}, before, c, this.ownParts(before, c));
      // Published now (the reader's own held comment, approved; or an undone removal).
      if (before.status !== "approved" && merged.status === "approved") this.countArrival(c.id);
      delete merged.replies; // the shown replies stay; the event carries none
      const main = li.querySelector(":scope > .cw-main");
      const body = main && main.querySelector(":scope > .comment-body");
      if (before.status !== merged.status || !body) {
        this.replaceMain(li, merged, false);
        return;
      }
      // Only the text and the "edited" mark change: an open reply or edit form stays as it is.
      // The shown object is updated in place: the comment's buttons hold on to it.
      Object.assign(before, merged);
      this.fillBody(body, merged.html);
      const when = main.querySelector(".cw-when");
      const mark = when && when.querySelector(".cw-edited");
      if (merged.edited_at && when) {
        const title = this.t("comment.editedAt", { date: absoluteTime(merged.edited_at, this.config.lang) });
        if (mark) mark.title = title;
        else when.append(h("span", { class: "cw-edited", title }, " · " + this.t("comment.edited")));
      }
      this.setScore(li, merged.score);
    }

    /** What the reader's copy keeps from `before` when others' news about it arrives. */
    ownParts(before, c) {
      const parts = { my_vote: before.my_vote, can_edit: before.can_edit, can_delete: before.can_delete };
      if (typeof before.body === "string" && before.html === c.html) parts.body = before.body;
      else parts.body = undefined; // the edit form then starts from the new text
      if (before.moderation && before.status === c.status) parts.moderation = before.moderation;
      return parts;
    }

    /** Gone for anonymous readers: removed, or a "deleted" tombstone while replies hang on it. */
    liveRemoved(data) {
      const id = data.id;
      if (id === undefined || id === null) return;
      const waiting = this.fresh.findIndex((f) => String(f.id) === String(id));
      if (waiting >= 0) {
        this.fresh.splice(waiting, 1);
        this.counted.delete(String(id));
        this.bumpCount(-1);
        this.renderFreshButton();
        return;
      }
      const li = this.findComment(id);
      if (!li) return;
      const before = li[DATA] || {};
      // The reader's own held comment was never public: this news is not about their copy.
      if (before.status === "pending" || before.status === "rejected") return;
      this.counted.delete(String(id));
      if (before.status === "approved" || before.status === undefined) this.bumpCount(-1);
      this.dropShown(li);
      this.emptyEl.hidden = this.listEl.childElementCount > 0;
    }

    dropShown(li) {
      const replies = li.querySelector(":scope > .cw-replies");
      if (replies && replies.childElementCount) {
        const before = li[DATA] || {};
        if (before.status !== "deleted") {
          this.replaceMain(li, Object.assign({}, before, {
            status: "deleted", html: "", body: undefined, can_edit: false, can_delete: false,
            author: { id: null, name: "[deleted]", avatar_url: null, badges: [] },
          }), false);
        }
        return;
      }
      const parent = li.parentElement && li.parentElement.closest("li.cw-comment");
      li.remove();
      // A tombstone left with no replies goes too, as the service drops it.
      if (parent && parent[DATA] && parent[DATA].status === "deleted" &&
          !parent.querySelector(":scope > .cw-more-replies")) {
        this.dropShown(parent);
      }
    }

    liveVoted(data) {
      const n = Number(data.score);
      if (data.id === undefined || data.id === null || !Number.isFinite(n)) return;
      const waiting = this.fresh.find((f) => String(f.id) === String(data.id));
      if (waiting) waiting.score = n;
      const li = this.findComment(data.id);
      if (!li || !li[DATA]) return;
      li[DATA].score = n; // the reader's own my_vote stays as it is
      this.setScore(li, n);
    }

    liveThread(data) {
      if (typeof data.closed !== "boolean" || this.thread.closed === data.closed) return;
      this.thread.closed = data.closed;
      this.renderComposer();
      for (const button of this.listEl.querySelectorAll('.cw-actions [data-action="reply"]')) {
        button.hidden = data.closed;
      }
    }

    /** The "N new comments" button above the list (sort=newest). */
    renderFreshButton() {
      const n = this.fresh.length;
      this.freshButton.hidden = n === 0;
      this.freshButton.textContent = this.t("list.fresh", { n });
    }

    showFresh() {
      const comments = this.fresh.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
      this.fresh = [];
      this.renderFreshButton();
      let first = null;
      for (const comment of comments) {
        if (this.findComment(comment.id)) continue;
        const el = this.renderComment(comment, 0);
        el.classList.add("cw-fresh");
        this.listEl.prepend(el);
        first = el;
      }
      this.emptyEl.hidden = this.listEl.childElementCount > 0;
      const focusable = first && first.querySelector(".cw-main");
      if (focusable) {
        focusable.setAttribute("tabindex", "-1");
        focusable.focus({ preventScroll: true });
        first.scrollIntoView({ block: "nearest" });
      }
    }

    /** Forgets a comment waiting behind the button (the reader's own post is shown at once). */
    dropFresh(id) {
      const before = this.fresh.length;
      this.fresh = this.fresh.filter((f) => String(f.id) !== String(id));
      if (this.fresh.length !== before) this.renderFreshButton();
    }

    setScore(li, score) {
      const el = li.querySelector(":scope > .cw-main .cw-score");
      if (!el) return;
      const n = Number(score) || 0;
      el.textContent = formatNumber(n, this.config.lang);
      el.setAttribute("aria-label", this.t("votes.scoreIs", { n }));
      el.setAttribute("data-score", String(n));
    }

    /** A comment's HTML, sanitised by the service, with links opening safely elsewhere. */
    fillBody(body, html) {
      body.innerHTML = typeof html === "string" ? html : ""; // sanitised by the server
      for (const link of body.querySelectorAll("a[href]")) {
        link.setAttribute("target", "_blank");
        link.setAttribute("rel", "nofollow ugc noopener noreferrer");
      }
    }

    /* ---------------- one comment ---------------- */

    renderComment(comment, depth) {
      const li = h("li", {
        class: "cw-comment",
        "data-comment-id": comment.id,
        "data-status": comment.status || "approved",
        "data-depth": depth,
        "data-author-id": comment.author && comment.author.id,
      });
      li[DATA] = comment;
      const replies = h("ol", { class: "cw-replies", "aria-label": this.t("replies.label") });
      li.append(this.renderMain(comment, li), replies);
      this.appendComments(replies, comment.replies, depth + 1);
      if (comment.replies_next_cursor) li.append(this.moreRepliesButton(comment, li, comment.replies_next_cursor));
      return li;
    }

    /** The comment itself (without its replies); rebuilt after an edit or a vote. */
    renderMain(c, li) {
      const deleted = c.status === "deleted";
      const author = c.author || {};
      const authorId = this.uid("author");
      const timeId = this.uid("time");
      const meta = h(
        "header",
        { class: "cw-meta" },
        deleted ? null : avatar(author),
        h(
          "div",
          { class: "cw-byline" },
          h("span", { id: authorId, class: "cw-author" },
            deleted ? this.t("comment.deletedAuthor") : (author.name || this.t("comment.anonymous"))),
          deleted ? null : (author.badges || []).map((badge) => h("span", { class: "cw-badge" }, this.roleName(badge))),
          h(
            "span",
            { class: "cw-when" },
            h("time", { id: timeId, datetime: c.created_at, title: absoluteTime(c.created_at, this.config.lang) }, relativeTime(c.created_at, this.config.lang)),
            c.edited_at && !deleted
              ? h("span", { class: "cw-edited", title: this.t("comment.editedAt", { date: absoluteTime(c.edited_at, this.config.lang) }) },
                " · " + this.t("comment.edited"))
              : null
          )
        )
      );
      const main = h("article", { class: "cw-main", "aria-labelledby": authorId + " " + timeId }, meta);

      if (c.status === "pending" || c.status === "rejected") main.append(this.moderationNote(c));

      if (deleted) {
        main.append(h("p", { class: "cw-tombstone" }, this.t("comment.deleted")));
        return main;
      }
      const body = h("div", { class: "comment-body" });
      this.fillBody(body, c.html);
      main.append(body);

      const slot = h("div", { class: "cw-slot" });
      main.append(this.renderActions(c, li, main, body, slot), slot);
      return main;
    }

    moderationNote(c) {
      const reasons = (c.moderation && Array.isArray(c.moderation.reasons) ? c.moderation.reasons : [])
        .map((reason) => reason && reason.message)
        .filter(Boolean);
      return h(
        "div",
        { class: "cw-moderation", role: "note" },
        h("strong", null, this.t(c.status === "pending" ? "moderation.pending" : "moderation.rejected")),
        h("span", null, " " + this.t(c.status === "pending" ? "moderation.pendingNote" : "moderation.rejectedNote")),
        reasons.length ? h("ul", { class: "cw-reasons" }, reasons.map((text) => h("li", null, String(text)))) : null
      );
    }

    renderActions(c, li, main, body, slot) {
      const name = (c.author && c.author.name) || this.t("comment.someone");
      const mine = Boolean(this.user && c.author && this.user.id !== undefined && c.author.id === this.user.id);
      const published = c.status === "approved" || !c.status;
      const open = this.thread ? !this.thread.closed : true;
      const actions = h("div", { class: "cw-actions" });

      if (published) actions.append(this.renderVotes(c, mine, name, slot));

      const button = (action, text, label) =>
        h("button", { type: "button", class: "cw-action", "data-action": action, "aria-label": label }, text);

      if (published) {
        const reply = button("reply", this.t("action.reply"), this.t("action.replyTo", { name }));
        reply.setAttribute("aria-expanded", "false");
        reply.hidden = !open; // shown again if the thread reopens
        reply.addEventListener("click", () => this.toggleReply(c, li, slot, reply));
        actions.append(reply);
      }
      if (c.can_edit) {
        const edit = button("edit", this.t("action.edit"), this.t("action.editOwn"));
        edit.addEventListener("click", () => this.startEdit(c, li, main, body, slot, edit));
        actions.append(edit);
      }
      if (c.can_delete) {
        const del = button("delete", this.t("action.delete"),
          mine ? this.t("action.deleteOwn") : this.t("action.deleteBy", { name }));
        del.addEventListener("click", () => this.deleteComment(c, slot));
        actions.append(del);
      }
      if (published && !mine) {
        const report = button("report", this.t("action.report"), this.t("action.reportBy", { name }));
        report.setAttribute("aria-expanded", "false");
        report.addEventListener("click", () => this.toggleReport(c, slot, report));
        actions.append(report);
      }
      return actions;
    }

    renderVotes(c, mine, name, slot) {
      const group = h("div", { class: "cw-votes", role: "group", "aria-label": this.t("votes.label") });
      const score = h("span", { class: "cw-score", "aria-live": "polite" });
      const setScore = () => {
        const n = Number(c.score) || 0;
        score.textContent = formatNumber(n, this.config.lang);
        score.setAttribute("aria-label", this.t("votes.scoreIs", { n }));
        score.setAttribute("data-score", String(n));
      };
      setScore();
      if (mine) {
        group.append(h("span", { class: "cw-score-label" }, this.t("votes.score")), score);
        return group;
      }
      const make = (value, action, symbol, label) => {
        const b = h("button", { type: "button", class: "cw-vote", "data-action": action, "aria-label": this.t(label, { name }) },
          h("span", { "aria-hidden": "true" }, symbol));
        b.addEventListener("click", () => this.vote(c, value, slot, sync));
        return b;
      };
      const up = make(1, "vote-up", "▲", "votes.up");
      const down = make(-1, "vote-down", "▼", "votes.down");
      const sync = () => {
        up.setAttribute("aria-pressed", String(c.my_vote === 1));
        down.setAttribute("aria-pressed", String(c.my_vote === -1));
        setScore();
      };
      sync();
      group.append(up, score, down);
      return group;
    }

    /** `what`: "vote", "reply" or "report" ("need.<what>"). */
    needLogin(slot, what) {
      if (this.loggedIn()) return false;
      slot.replaceChildren(h("p", { class: "cw-inline-note", role: "status" }, this.t("need." + what)));
      return true;
    }

    async vote(c, value, slot, sync) {
      if (this.needLogin(slot, "vote")) return;
      const next = c.my_vote === value ? 0 : value;
      try {
        const data = await this.api.vote(c.id, next);
        c.score = data && data.score !== undefined ? data.score : c.score;
        c.my_vote = data && data.my_vote !== undefined ? data.my_vote : next;
        if (this.viewer) {
          if (c.my_vote === 1 || c.my_vote === -1) this.viewer.votes.set(String(c.id), c.my_vote);
          else this.viewer.votes.delete(String(c.id));
        }
        sync();
      } catch (error) {
        this.fail(error, this.inlineNote(slot));
      }
    }

    inlineNote(slot) {
      const note = h("p", { class: "cw-inline-note cw-inline-error", role: "alert" });
      slot.replaceChildren(note);
      return note;
    }

    closeSlot(slot) {
      slot.replaceChildren();
      for (const b of slot.parentElement.querySelectorAll(".cw-actions [aria-expanded]")) {
        b.setAttribute("aria-expanded", "false");
      }
    }

    toggleReply(c, li, slot, trigger) {
      if (slot.querySelector(".cw-reply-form")) {
        this.closeSlot(slot);
        trigger.focus();
        return;
      }
      this.closeSlot(slot);
      if (this.needLogin(slot, "reply")) return;
      if (this.user && this.user.banned) {
        slot.replaceChildren(h("p", { class: "cw-inline-note" }, this.t("composer.banned")));
        return;
      }
      const form = this.createForm({
        kind: "reply",
        label: c.author && c.author.name
          ? this.t("reply.label", { name: c.author.name })
          : this.t("reply.labelNoName"),
        submitLabel: this.t("reply.submit"),
        onSubmit: async (text, f) => {
          await this.submitComment(text, c.id, f);
          this.closeSlot(slot);
          trigger.focus();
        },
        onCancel: () => {
          this.closeSlot(slot);
          trigger.focus();
        },
      });
      slot.replaceChildren(form.form);
      trigger.setAttribute("aria-expanded", "true");
      form.textarea.focus();
    }

    startEdit(c, li, main, body, slot, trigger) {
      this.closeSlot(slot);
      const initial = typeof c.body === "string" ? c.body : htmlToText(c.html);
      const form = this.createForm({
        kind: "edit",
        label: this.t("edit.label"),
        initial,
        submitLabel: this.t("edit.submit"),
        onSubmit: async (text) => {
          const updated = await this.api.edit(c.id, text);
          this.replaceMain(li, Object.assign({}, c, updated || {}, { body: text }));
          this.say(this.t(updated && updated.status === "pending" ? "edit.pending" : "edit.saved"));
        },
        onCancel: () => {
          this.closeSlot(slot);
          body.hidden = false;
          trigger.focus();
        },
      });
      body.hidden = true;
      slot.replaceChildren(form.form);
      form.textarea.focus();
      form.textarea.setSelectionRange(form.textarea.value.length, form.textarea.value.length);
    }

    /** Rebuilds the comment itself; `focus` after the reader's own edit, never for live news. */
    replaceMain(li, comment, focus = true) {
      const old = li.querySelector(":scope > .cw-main");
      li.setAttribute("data-status", comment.status || "approved");
      li[DATA] = comment;
      const fresh = this.renderMain(comment, li);
      old.replaceWith(fresh);
      if (!focus) return;
      const focusable = fresh.querySelector('[data-action="edit"]') || fresh.querySelector("button");
      if (focusable) focusable.focus();
    }

    async deleteComment(c, slot) {
      if (!window.confirm(this.t("delete.confirm"))) return;
      try {
        await this.api.remove(c.id);
      } catch (error) {
        this.fail(error, this.inlineNote(slot));
        return;
      }
      this.say(this.t("delete.done"));
      await this.loadThread();
    }

    toggleReport(c, slot, trigger) {
      if (slot.querySelector(".cw-report-form")) {
        this.closeSlot(slot);
        trigger.focus();
        return;
      }
      this.closeSlot(slot);
      if (this.needLogin(slot, "report")) return;
      const reasonId = this.uid("reason");
      const noteId = this.uid("note");
      const reason = h("select", { id: reasonId, name: "reason", class: "cw-select" },
        REPORT_REASONS.map((value) => h("option", { value }, this.t("reason." + value))));
      const note = h("input", { id: noteId, name: "note", type: "text", class: "cw-input", maxlength: 500, autocomplete: "off" });
      const errors = h("p", { class: "cw-form-errors", role: "alert" });
      const send = h("button", { type: "submit", class: "cw-btn cw-btn-primary", "data-action": "send-report" }, this.t("report.send"));
      const cancel = h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "cancel" }, this.t("cancel"));
      const form = h(
        "form",
        { class: "cw-form cw-report-form", novalidate: true },
        h(
          "fieldset",
          null,
          h("legend", null, this.t("report.legend")),
          h("div", { class: "cw-field" }, h("label", { for: reasonId }, this.t("report.reason")), reason),
          h("div", { class: "cw-field" }, h("label", { for: noteId }, this.t("report.note")), note)
        ),
        errors,
        h("div", { class: "cw-form-actions" }, send, cancel)
      );
      cancel.addEventListener("click", () => {
        this.closeSlot(slot);
        trigger.focus();
      });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        send.disabled = true;
        errors.textContent = "";
        try {
          await this.api.report(c.id, reason.value, note.value.trim());
          this.closeSlot(slot);
          slot.append(h("p", { class: "cw-inline-note", role: "status" }, this.t("report.thanks")));
        } catch (error) {
          if (error.status === 409) {
            this.closeSlot(slot);
            slot.append(h("p", { class: "cw-inline-note", role: "status" }, this.t("report.already")));
          } else {
            this.fail(error, errors);
          }
        } finally {
          send.disabled = false;
        }
      });
      slot.replaceChildren(form);
      trigger.setAttribute("aria-expanded", "true");
      reason.focus();
    }

    moreRepliesButton(c, li, cursor) {
      const button = h("button", { type: "button", class: "cw-btn cw-btn-quiet cw-more-replies", "data-action": "more-replies" }, this.t("replies.more"));
      let next = cursor;
      button.addEventListener("click", async () => {
        button.disabled = true;
        button.textContent = this.t("list.loading");
        try {
          const data = await this.api.replies(this.config.thread, c.id, next);
          const depth = Number(li.getAttribute("data-depth")) + 1;
          this.absorbViewer(data);
          this.appendComments(li.querySelector(":scope > .cw-replies"), data && data.comments, depth);
          next = data && data.next_cursor;
          if (!next) {
            button.remove();
            this.placeOwn();
            return;
          }
          this.placeOwn();
        } catch (error) {
          this.fail(error);
        }
        button.disabled = false;
        button.textContent = this.t("replies.more");
      });
      return button;
    }
  }

  /* ------------------------------------------------------------------ *
   * Styles: a constructable stylesheet, or a <style> where unsupported. *
   * Publishers can tune --comments-* custom properties from outside.    *
   * ------------------------------------------------------------------ */

  const DARK = `
    --bg: var(--comments-bg-dark, transparent);
    --fg: var(--comments-fg-dark, #e8e6e3);
    --muted: #a8a29e;
    --rule: #3f3b38;
    --rule-strong: #e8e6e3;
    --surface: #201e1d;
    --field: #171615;
    --accent: var(--comments-accent-dark, #f28b82);
    --accent-fg: #1a1a1a;
    --link: var(--comments-link-dark, #9cc3ff);
    --focus: #9cc3ff;
    --note-bg: #3a3016;
    --note-fg: #f5dfa0;
    --error: #ff9a8f;
    --up: #7fd19b;
    --down: #ff9a8f;`;

  const CSS = `
    :host { display: block; }
    :host([hidden]) { display: none; }
    .cw {
      --bg: var(--comments-bg, transparent);
      --fg: var(--comments-fg, #1b1b1b);
      --muted: #5f5a55;
      --rule: #dcd8d2;
      --rule-strong: #1b1b1b;
      --surface: #f6f4f0;
      --field: #ffffff;
      --accent: var(--comments-accent, #a4161a);
      --accent-fg: #ffffff;
      --link: var(--comments-link, #0b4f9c);
      --focus: #1a5fb4;
      --note-bg: #fff4d6;
      --note-fg: #5b4300;
      --error: #b3261e;
      --up: #1f7a3a;
      --down: #b3261e;
      --serif: var(--comments-serif, Georgia, "Times New Roman", Times, serif);
      --sans: var(--comments-sans, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
      container-type: inline-size;
      background: var(--bg);
      color: var(--fg);
      font: 16px/1.5 var(--sans);
      -webkit-text-size-adjust: 100%;
      border-top: 3px solid var(--rule-strong);
      padding-top: 0.75rem;
      color-scheme: light;
    }
    .cw[data-theme="dark"] { ${DARK} color-scheme: dark; }
    @media (prefers-color-scheme: dark) {
      .cw[data-theme="auto"] { ${DARK} color-scheme: dark; }
    }
    *, *::before, *::after { box-sizing: border-box; }
    [hidden] { display: none !important; }
    button, input, select, textarea { font: inherit; color: inherit; }
    :focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 2px; }

    .cw-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1rem; margin-bottom: 0.75rem; }
    .cw-heading { margin: 0; font: 700 1.5rem/1.2 var(--serif); letter-spacing: -0.01em; }
    .cw-count { display: inline-block; min-width: 1.6em; margin-left: 0.25rem; padding: 0 0.45em; border-radius: 999px; background: var(--accent); color: var(--accent-fg); font: 700 0.8rem/1.6 var(--sans); text-align: center; vertical-align: 0.25em; }
    .cw-sort { display: flex; align-items: center; gap: 0.5rem; font-size: 0.875rem; color: var(--muted); }
    .cw-select, .cw-input { background: var(--field); border: 1px solid var(--rule); border-radius: 4px; padding: 0.3rem 0.5rem; font-size: 0.9rem; }
    .cw-select:hover, .cw-input:hover { border-color: var(--muted); }

    .cw-account { border-bottom: 1px solid var(--rule); padding: 0.5rem 0 0.75rem; }
    .cw-login-text { margin: 0 0 0.5rem; font-family: var(--serif); font-size: 1.05rem; }
    .cw-providers { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .cw-login-wait { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.5rem; }
    .cw-login-wait .cw-muted { margin: 0; }
    .cw-login-lost { margin: 0; flex-basis: 100%; font-size: 0.9rem; color: var(--error); }
    .cw-me { display: flex; align-items: center; gap: 0.6rem; }
    .cw-me-name { margin: 0; flex: 1; font-size: 0.95rem; }
    .cw-muted { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0 0; }
    .cw-notice { margin: 0.75rem 0; padding: 0.6rem 0.8rem; background: var(--surface); border-left: 3px solid var(--muted); font-size: 0.95rem; }

    .cw-btn { display: inline-flex; align-items: center; justify-content: center; gap: 0.35rem; min-height: 2.25rem; padding: 0.35rem 0.9rem; border: 1px solid var(--rule-strong); border-radius: 4px; background: transparent; font-size: 0.9rem; font-weight: 600; cursor: pointer; }
    .cw-btn:hover { background: var(--surface); }
    .cw-btn:disabled { opacity: 0.6; cursor: progress; }
    .cw-btn-primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
    .cw-btn-primary:hover { background: var(--accent); filter: brightness(1.1); }
    .cw-btn-quiet { border-color: var(--rule); font-weight: 500; }
    .cw-btn-login { border-color: var(--rule-strong); }
    .cw-btn-wide { width: 100%; margin: 1rem 0; }

    .cw-composer:not(:empty) { padding: 0.75rem 0; }
    .cw-form { display: grid; gap: 0.35rem; }
    .cw-label { font-weight: 600; font-size: 0.9rem; }
    .cw-textarea { width: 100%; min-height: 5.5rem; resize: vertical; padding: 0.6rem 0.7rem; border: 1px solid var(--rule); border-radius: 4px; background: var(--field); font: 1rem/1.5 var(--serif); }
    .cw-textarea:hover { border-color: var(--muted); }
    .cw-textarea[aria-invalid="true"] { border-color: var(--error); }
    .cw-form-meta { display: flex; justify-content: space-between; gap: 1rem; font-size: 0.8rem; color: var(--muted); }
    .cw-form-meta .cw-muted { margin: 0; font-size: inherit; }
    .cw-counter { font-variant-numeric: tabular-nums; white-space: nowrap; }
    .cw-counter-near { color: var(--error); font-weight: 600; }
    .cw-form-errors { color: var(--error); font-size: 0.9rem; margin: 0; }
    .cw-form-errors:empty { display: none; }
    .cw-form-errors p, .cw-form-errors ul { margin: 0; }
    .cw-form-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .cw-form fieldset { border: 1px solid var(--rule); border-radius: 4px; margin: 0; padding: 0.5rem 0.75rem 0.75rem; display: grid; gap: 0.5rem; }
    .cw-form legend { font-weight: 600; font-size: 0.9rem; padding: 0 0.25rem; }
    .cw-field { display: grid; gap: 0.2rem; font-size: 0.875rem; }

    .cw-status { margin: 0.5rem 0; font-size: 0.9rem; color: var(--muted); }
    .cw-status:empty { display: none; }
    .cw-status-error { color: var(--error); }
    .cw-empty { color: var(--muted); font-family: var(--serif); font-style: italic; margin: 1rem 0; }

    .cw-list, .cw-replies { list-style: none; margin: 0; padding: 0; }
    .cw-list > .cw-comment { border-top: 1px solid var(--rule); }
    .cw-list > .cw-comment:first-child { border-top: 0; }
    .cw-comment { padding: 0.9rem 0 0.1rem; }
    .cw-replies { margin-left: 1.1rem; padding-left: 1rem; border-left: 2px solid var(--rule); }
    .cw-replies:empty { display: none; }
    .cw-replies .cw-comment { padding-top: 0.7rem; }
    @container (max-width: 480px) {
      .cw-replies { margin-left: 0.25rem; padding-left: 0.7rem; }
    }
    .cw-fresh > .cw-main { animation: cw-fresh 2s ease-out; }
    @keyframes cw-fresh { from { background: var(--note-bg); } to { background: transparent; } }
    @media (prefers-reduced-motion: reduce) { .cw-fresh > .cw-main { animation: none; } }

    .cw-meta { display: flex; align-items: center; gap: 0.6rem; margin-bottom: 0.35rem; }
    .cw-avatar { flex: none; width: 36px; height: 36px; border-radius: 50%; object-fit: cover; background: var(--surface); }
    .cw-initials { display: inline-flex; align-items: center; justify-content: center; font: 700 0.85rem/1 var(--sans); color: #fff; }
    .cw-hue-0 { background: #8c2f39; } .cw-hue-1 { background: #2f5d8c; } .cw-hue-2 { background: #3d7a4a; } .cw-hue-3 { background: #7a5a1f; }
    .cw-hue-4 { background: #5b3d8c; } .cw-hue-5 { background: #1f6f74; } .cw-hue-6 { background: #8c4a2f; } .cw-hue-7 { background: #4a4f57; }
    .cw-byline { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.1rem 0.5rem; min-width: 0; }
    .cw-author { font-weight: 700; font-size: 0.95rem; overflow-wrap: anywhere; }
    .cw-badge { display: inline-block; padding: 0 0.4em; border: 1px solid var(--accent); border-radius: 3px; color: var(--accent); font-size: 0.7rem; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; line-height: 1.5; }
    .cw-when { color: var(--muted); font-size: 0.8rem; }
    .cw-comment[data-status="deleted"] > .cw-main .cw-author { font-weight: 500; color: var(--muted); font-style: italic; }

    .comment-body { font: 1.02rem/1.6 var(--serif); overflow-wrap: anywhere; }
    .comment-body > :first-child { margin-top: 0; }
    .comment-body > :last-child { margin-bottom: 0; }
    .comment-body p, .comment-body ul, .comment-body ol, .comment-body blockquote, .comment-body pre { margin: 0 0 0.7em; }
    .comment-body a { color: var(--link); text-underline-offset: 2px; }
    .comment-body blockquote { margin-left: 0; padding-left: 0.8rem; border-left: 3px solid var(--rule); color: var(--muted); font-style: italic; }
    .comment-body code { font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--surface); padding: 0.1em 0.3em; border-radius: 3px; }
    .comment-body pre { overflow-x: auto; background: var(--surface); padding: 0.6rem; border-radius: 4px; }
    .comment-body pre code { padding: 0; background: none; }
    .comment-body img { max-width: 100%; height: auto; }
    .cw-tombstone { margin: 0.2rem 0 0.4rem; color: var(--muted); font-style: italic; font-family: var(--serif); }
    .cw-moderation { margin: 0.3rem 0 0.5rem; padding: 0.5rem 0.7rem; border-radius: 4px; background: var(--note-bg); color: var(--note-fg); font-size: 0.875rem; }
    .cw-reasons { margin: 0.3rem 0 0; padding-left: 1.2rem; }

    .cw-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.15rem 0.35rem; margin: 0.35rem 0 0.3rem -0.35rem; }
    .cw-action { min-height: 2rem; padding: 0.2rem 0.45rem; border: 0; border-radius: 4px; background: none; color: var(--muted); font-size: 0.82rem; font-weight: 600; cursor: pointer; }
    .cw-action:hover, .cw-action[aria-expanded="true"] { color: var(--fg); background: var(--surface); }
    .cw-action[data-action="delete"]:hover { color: var(--error); }
    .cw-votes { display: inline-flex; align-items: center; gap: 0.1rem; margin-right: 0.35rem; }
    .cw-vote { display: inline-flex; align-items: center; justify-content: center; width: 2rem; height: 2rem; border: 0; border-radius: 4px; background: none; color: var(--muted); font-size: 0.75rem; cursor: pointer; }
    .cw-vote:hover { background: var(--surface); color: var(--fg); }
    .cw-vote[data-action="vote-up"][aria-pressed="true"] { color: var(--up); background: var(--surface); }
    .cw-vote[data-action="vote-down"][aria-pressed="true"] { color: var(--down); background: var(--surface); }
    .cw-score { min-width: 1.5rem; text-align: center; font-size: 0.85rem; font-weight: 700; font-variant-numeric: tabular-nums; }
    .cw-score-label { color: var(--muted); font-size: 0.8rem; margin-left: 0.35rem; }
    .cw-slot:not(:empty) { margin: 0.3rem 0 0.6rem; }
    .cw-inline-note { margin: 0; font-size: 0.875rem; color: var(--muted); }
    .cw-inline-error { color: var(--error); }
    .cw-more-replies { margin: 0.3rem 0 0.5rem 1.1rem; min-height: 2rem; font-size: 0.82rem; }

    @media (forced-colors: active) {
      .cw-count, .cw-btn-primary { border: 1px solid CanvasText; }
      .cw-vote[aria-pressed="true"] { outline: 1px solid CanvasText; }
    }
  `;

  function applyStyles(root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(h("style", null, CSS));
    }
  }

  /* ------------------------------------------------------------------ *
   * The registry and auto-mounting.                                     *
   * ------------------------------------------------------------------ */

  function createInstance(el, options) {
    if (!(el instanceof Element)) throw new TypeError("Comments.createInstance needs an element.");
    if (el[INSTANCE]) el[INSTANCE].destroy();
    const widget = new CommentsWidget(el, options);
    const instance = Object.freeze({
      element: el,
      destroy: () => widget.destroy(),
      reload: () => widget.loadThread(),
    });
    el[INSTANCE] = widget;
    return instance;
  }

  function mountAll(root) {
    const instances = [];
    for (const el of (root || document).querySelectorAll(MOUNT_SELECTOR)) {
      if (el[INSTANCE]) continue;
      try {
        instances.push(createInstance(el, {}));
      } catch (error) {
        console.warn(error.message);
      }
    }
    return instances;
  }

  const registry = window.Comments && typeof window.Comments.createInstance === "function"
    ? window.Comments
    : Object.freeze({ createInstance, mountAll });
  window.Comments = registry;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => registry.mountAll(), { once: true });
  } else {
    registry.mountAll();
  }
})();
