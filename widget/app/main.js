/*
 * One mounted widget: the instance, its state, and the order things happen in.
 *
 * The loader (../comments.js) calls `mount` with the element, the options and the
 * requests it already started. The widget renders inline into an open Shadow DOM (the
 * publisher's CSS can't reach it and it can't reach the page), talks to the service
 * only through api.js (bearer token, never cookies), and follows the thread live once
 * the first page shows. The thread is plain data (thread.js); what changes it answers
 * steps that `apply` carries out on screen.
 *
 * The rest, by concept: config.js (the host page's settings, checked), api.js and
 * tokens.js, words.js (the translator), account.js (the account area), render.js (a
 * comment), styles.js. Asked for when needed: reader.js (what a logged-in reader sees
 * alone), login.js (the login window, as it opens),
 * composer.js (writing, once logged in), live.js and events.js (the stream, once the
 * first page shows), pages.js (the pages after the first), edit.js (the reader's own
 * comment), report.js, sso.js (the publisher's login, and its renewal through
 * `onSsoExpired`), staff.js (a moderator's tools, for staff only), account-panel.js (the
 * reader's data and erasure); each with words-later.js, the words only they show.
 */

import { ApiError } from "../core/http.js";
import { h } from "../core/dom.js";
import { createFormats } from "../core/time.js";
import { serviceBaseOf } from "../core/where.js";
import { endLoginWait, renderAccount } from "./account.js";
import { createApi } from "./api.js";
import { SORTS, pageFacts, readConfig } from "./config.js";
import { UNTITLED, entitle, rebuildMain, refreshScore, renderComment } from "./render.js";
import { CSS, adopt } from "./styles.js";
import { createThread, firstPage, node } from "./thread.js";
import { createTokenStore, tokenKey } from "./tokens.js";
import { loadWords } from "./words.js";

/** The widget on `el`; `handover` is what the loader started: {aborter, early, words}. */
export function mount(el, options, handover) {
  return new Widget(el, options || {}, handover || {});
}

/**
 * A moment of the first load on the page's timeline (the loader marks "comments:loader";
 * then "comments:words", "comments:page", "comments:shown" as the first comments are in,
 * and "comments:drawn" once the rest of the first page is too: bench/bench_widget.py).
 */
const mark = (name) => window.performance && performance.mark && performance.mark(name);

/** The comment a URL's hash links to (`#comment-<id>`, as render.js links them), or null. */
const PERMALINK = /^#comment-([0-9A-HJKMNP-TV-Z]{26})$/;
export const linkedComment = (hash) => (PERMALINK.exec(hash || "") || [])[1] || null;

/** The reader's chosen sort, kept per service and site; a value not in SORTS reads as none. */
const sortKey = (origin, site) => "comments:sort:" + origin + ":" + site;
function storedSort(key) {
  try {
    const value = window.localStorage.getItem(key);
    return SORTS.includes(value) ? value : null;
  } catch {
    return null; // no storage here: the page's default
  }
}

/** How long the shell waits for a first page on its way (ms) before it shows "Loading…". */
const SOON = 150;

/** The top-level comments (each with its replies) drawn first: more than a screen holds. */
const FIRST_DRAWN = 5;

/** Once the browser has drawn a frame; or 100 ms, where it draws none (a tab out of sight). */
function painted() {
  return new Promise((go) => {
    requestAnimationFrame(() => setTimeout(go));
    setTimeout(go, 100);
  });
}

/** A failure of the moment (the network, the service busy or down), over once a request works. */
const passing = (error) => error.code === "network" || error.status === 429 || error.status >= 500;

/** A request already on its way, held as {data} or {error} until it is taken. */
const settle = (promise) => promise.then((data) => ({ data }), (error) => ({ error }));

async function take(settled) {
  const result = await settled;
  if ("error" in result) throw result.error;
  return result.data;
}

/** Light or dark, from the first opaque background behind the element. */
function pageTheme(el) {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const match = getComputedStyle(e).backgroundColor.match(/[\d.]+/g);
    if (!match || match.length < 3) continue;
    const [r, g, b, a = 1] = match.map(Number);
    if (a < 0.5) continue;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
  }
  return "light";
}

class Widget {
  constructor(el, options, { aborter = new AbortController(), early, words } = {}) {
    this.el = el;
    this.config = readConfig(el.dataset, options, pageFacts(), serviceBaseOf());
    this.aborter = aborter;
    this.tokens = createTokenStore(tokenKey(this.config.origin, this.config.site));
    const { base, site, lang } = this.config;
    const answered = (method, sentAt) => this.reached(method !== "GET", sentAt);
    const renew = (sent) => this.renewSession(sent);
    this.api = createApi({ base, site, lang, token: () => this.tokens.get(), signal: aborter.signal, early, answered, renew });
    // The publisher's way to a fresh sign-on token once theirs has expired (sso.js renew).
    this.onSsoExpired = typeof options.onSsoExpired === "function" ? options.onSsoExpired : null;
    this.renewal = null; // while one runs: {from (the refused token), done (its promise)}
    this.staff = null; // staff.js, for a reader /me names moderator or admin of the site
    this.reader = null; // reader.js, once a reader is logged in: what only they see
    this.readerLoading = null;
    this.formats = createFormats(lang); // numbers and times in the reader's language
    this.sortKey = sortKey(this.config.origin, site);
    this.state = createThread(storedSort(this.sortKey) || this.config.sort);
    this.target = linkedComment(location.hash); // a permalink's comment, to show once its page is in
    this.around = null; // the comment the page shown was loaded around (permalink.js), or null
    this.fromStart = null; // then, the "Show from the start" button
    this.notice = null; // the status line's: {kind, at}, so it clears when it no longer holds
    this.blocked = null; // why nothing loads on this page's origin (origin.js), once known
    this.els = new Map(); // comment id → its <li> on screen
    this.titling = false; // titlesLater() waits for the page to be idle
    this.user = null;
    this.providers = null;
    this.providersError = null;
    this.popup = null; // the last login window opened: the only source a token is taken from
    this.waiting = null; // while a login window is open: {provider, stop}
    this.loginSeq = 0;
    this.loginNotice = null; // after a login window was lost: {provider, text}
    this.topForm = null; // the composer's form, kept with its draft
    this.idSeq = 0;
    this.listSeq = 0;
    this.wrote = 0; // when (performance.now) the service last answered a write of this reader's
    this.holds = 0; // while a page is loading, live news waits in `backlog`
    this.backlog = [];
    this.live = null; // live.js, once the first page is shown, and its stream
    this.stream = null;
    this.destroyed = false;
    this.i18n = null; // the translator; the shell is built once it has loaded
    this.words = Promise.resolve(null); // start(): the translator, as it loads
    this.shell = null;
    this.root = null; // the shadow root, attached with the shell: until then the element shows what it holds
    this.sheets = new Set(); // the stylesheets on it
    this.heldHeight = null; // the element's own min-height while it keeps the fragment's place

    this.onMessage = (event) => this.popup && this.login().then((m) => m.onLoginMessage(this, event));
    this.onStorage = (event) => this.storageChanged(event);
    this.onTheme = () => this.applyTheme();
    this.onHash = () => this.followLink(linkedComment(location.hash));
    this.onOnline = () => this.backOnline();
    window.addEventListener("message", this.onMessage);
    window.addEventListener("storage", this.onStorage);
    window.addEventListener("hashchange", this.onHash);
    window.addEventListener("online", this.onOnline);
    this.scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    if (this.scheme && this.scheme.addEventListener) this.scheme.addEventListener("change", this.onTheme);
    if (document.readyState !== "complete") window.addEventListener("load", this.onTheme, { once: true });

    this.start(words || null);
  }

  /** Removes the widget, its listeners and in-flight requests. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.aborter.abort();
    window.removeEventListener("message", this.onMessage);
    window.removeEventListener("storage", this.onStorage);
    window.removeEventListener("hashchange", this.onHash);
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("load", this.onTheme);
    if (this.scheme && this.scheme.removeEventListener) this.scheme.removeEventListener("change", this.onTheme);
    if (this.stream) this.stream.close();
    endLoginWait(this);
    this.popup = null;
    this.letGo();
    if (!this.root) return;
    this.root.replaceChildren();
    try {
      this.root.adoptedStyleSheets = [];
    } catch {
      /* the <style> fallback went with the children */
    }
  }

  /** The words the first screen doesn't show: the logged-in reader's, the on-demand modules'. */
  laterWords() {
    return Promise.all([this.words, import("./words-later.js")]).then(([i18n, m]) => m.loadLater(i18n), () => {});
  }

  /** A module asked for on demand, once the words only such modules use are in too. */
  need(loading) {
    return Promise.all([loading, this.laterWords()]).then(([m]) => m);
  }

  /** login.js: watching the login window and taking its answer. */
  login() {
    return this.need(import("./login.js"));
  }

  /** composer.js: the forms, replies and posting. */
  writing() {
    return this.need(import("./composer.js"));
  }

  /**
   * reader.js, asked for once a reader is logged in; as it arrives, what it draws is
   * drawn again: the account area, the composer, the reader's own comments. Answers it,
   * or null when it could not load (the reader sees what an anonymous one does, and why).
   */
  readerTools() {
    if (this.reader) return Promise.resolve(this.reader);
    if (!this.readerLoading) {
      this.readerLoading = this.need(import("./reader.js")).then(
        (m) => {
          this.reader = m;
          if (!this.destroyed && this.shell) this.ownAgain();
          return m;
        },
        (error) => {
          this.readerLoading = null; // asked for again at the next drawing
          this.fail(error);
          return null;
        }
      );
    }
    return this.readerLoading;
  }

  /** What reader.js draws, drawn again now that it is in. */
  ownAgain() {
    renderAccount(this);
    this.renderComposer();
    for (const n of this.state.nodes.values()) {
      const c = n.c;
      if (c.can_edit || c.can_delete || c.status === "pending" || c.status === "rejected") rebuildMain(this, n);
    }
  }

  /** Adds the stylesheet `css` to the shadow root, once. */
  style(css) {
    if (this.sheets.has(css)) return;
    this.sheets.add(css);
    adopt(this.root, css);
  }

  uid(prefix) {
    return "cw-" + prefix + "-" + ++this.idSeq;
  }

  /** The text for `key` in the widget's language (see core/i18n.js). */
  t(key, params) {
    return this.i18n.t(key, params);
  }

  /** A role or badge in words; one the widget has no words for shows as it came. */
  roleName(role) {
    return this.i18n.has("role." + role) ? this.t("role." + role) : String(role);
  }

  /** What to tell the reader about a failure: the service's own words, else the widget's. */
  explain(error) {
    if (!(error instanceof ApiError)) return this.t("error.generic");
    if (error.code === "network" && this.blocked) return this.blocked;
    return error.message || this.t(error.key, error.params);
  }

  /* ---------------- the shell ---------------- */

  buildShell() {
    const sortId = this.uid("sort");
    const headingId = this.uid("heading");
    this.countEl = h("span", { class: "cw-count", "data-count": "" });
    this.sortSelect = h(
      "select",
      { id: sortId, class: "cw-select", "data-action": "sort", onchange: () => this.resort() },
      SORTS.map((key) => h("option", { value: key, selected: key === this.state.sort }, this.t("sort." + key)))
    );
    this.accountEl = h("div", { class: "cw-account" });
    this.composerEl = h("div", { class: "cw-composer" });
    this.statusEl = h("p", { class: "cw-status", role: "status", "aria-live": "polite" });
    this.listEl = h("ol", { class: "cw-list", "aria-label": this.t("list.label") });
    this.emptyEl = h("p", { class: "cw-empty", hidden: true }, this.t("list.empty"));
    this.moreButton = h(
      "button",
      { type: "button", class: "cw-btn cw-btn-wide", "data-action": "load-more", hidden: true, onclick: () => this.loadMore() },
      this.t("list.more")
    );
    this.freshButton = h("button", {
      type: "button", class: "cw-btn cw-btn-quiet cw-btn-wide cw-show-new", "data-action": "show-new",
      hidden: true, onclick: () => this.showFresh(),
    });
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
    // Until the first page shows, the element keeps the height of what it showed (the
    // embed fragment): the article below doesn't jump while the widget takes it over.
    const height = parseFloat(getComputedStyle(this.el).height);
    if (height > 0) {
      this.heldHeight = this.el.style.minHeight;
      this.el.style.minHeight = height + "px";
    }
    this.root = this.el.shadowRoot || this.el.attachShadow({ mode: "open" });
    this.root.replaceChildren();
    try {
      this.root.adoptedStyleSheets = [];
    } catch {
      /* a browser without constructable stylesheets: adopt() uses a <style> */
    }
    this.sheets = new Set();
    this.style(CSS);
    this.root.append(this.shell);
    const hovered = (event) => {
      const el = event.target instanceof Element ? event.target.closest(UNTITLED) : null;
      if (el) entitle(this, el);
    };
    this.shell.addEventListener("pointerover", hovered);
    this.shell.addEventListener("focusin", hovered);
    // The embed fragment the page carried is taken over: the widget shows its page now.
    const fragment = this.el.matches("[data-comments-embed]") ? this.el : this.el.querySelector("[data-comments-embed]");
    if (fragment === this.el) this.el.replaceChildren();
    else if (fragment) fragment.remove();
  }

  applyTheme() {
    if (!this.shell) return;
    this.shell.setAttribute("data-theme", this.config.theme === "page" ? pageTheme(this.el) : this.config.theme);
  }

  /** `transient`: a failure of the moment (the network, the service busy), over once a request works. */
  say(text, kind, transient = false) {
    this.statusEl.textContent = text || "";
    this.statusEl.className = "cw-status" + (kind ? " cw-status-" + kind : "");
    this.notice = text ? { kind: kind || "info", at: performance.now(), transient } : null;
  }

  /**
   * The service answered a request that left at `sentAt` (a write, when `write`): a
   * passing failure shown before then is over; after a write, any notice before it is.
   */
  reached(write, sentAt) {
    if (write) this.wrote = performance.now();
    const notice = this.notice;
    if (notice && notice.at < sentAt && (write || notice.transient)) this.say("");
    if (!write || !this.listEl) return;
    for (const note of this.listEl.querySelectorAll(".cw-inline-error")) {
      if (Number(note.dataset.at) < sentAt) note.remove();
    }
  }

  /**
   * The browser is online again, with a failure on show: the first page if it never came,
   * else the cheapest request (the origin check), whose answer clears the failure.
   */
  backOnline() {
    if (!this.shell || !this.notice || !this.notice.transient) return;
    if (this.pageFailed || !this.state.info) this.loadThread();
    else this.api.originCheck().catch(() => {});
  }

  /** The reader is writing something new: the news of their last post is old. */
  typed() {
    if (this.notice && this.notice.kind === "info") this.say("");
  }

  /** The composer as the moment calls for: the thread closed, logged out, banned, or the form. */
  renderComposer() {
    const el = this.composerEl;
    if (!el) return;
    let notice = null;
    if (this.state.closed) notice = this.t("composer.closed");
    else if (this.loggedIn() && this.user.banned) {
      if (!this.reader) return this.readerTools(); // which draws this again
      notice = this.reader.banNotice(this);
    }
    // A draft is kept (out of the page) while the thread is closed, in case it opens again.
    if (!this.loggedIn() || (notice && !this.state.closed)) this.topForm = null;
    if (notice) el.replaceChildren(h("p", { class: "cw-notice" }, notice));
    else if (!this.loggedIn()) el.replaceChildren();
    else if (this.topForm) el.contains(this.topForm.form) || el.replaceChildren(this.topForm.form);
    else this.writing().then((m) => m.showComposer(this), (error) => this.fail(error));
  }

  /* ---------------- start-up and session ---------------- */

  /**
   * The words and the first requests at once: the language loads while the login
   * options, the reader and the first page are fetched (the loader started them; the
   * page waits when the publisher's login must run first). Nothing shows before the words.
   * `guessed` is the loader's language guess, {code, table}, or null.
   */
  async start(guessed) {
    const { config } = this;
    const words = (this.words = loadWords(config.language, { overrides: config.strings, locale: config.lang, guessed }));
    const token = this.tokens.get();
    const early = {
      providers: settle(this.api.providers()),
      me: token ? { token, sort: null, result: settle(this.api.me()) } : null,
      page: config.ssoToken
        ? null
        : { token, sort: this.state.sort, result: settle(this.api.list(config.thread, this.state.sort, null, this.target)) },
    };
    const sso = config.ssoToken ? this.need(import("./sso.js")) : null;
    this.i18n = await words;
    if (this.destroyed || !this.i18n) return; // without words, a warning in the console
    this.formats = createFormats(config.lang, { words: this.i18n }); // recent times in its words, not Intl's
    mark("comments:words");
    // A first page that comes soon is drawn with the shell, in the same task: the page lays
    // out and paints the widget once, not the shell first (its "Loading…") and then again.
    if (early.page) await Promise.race([early.page.result, new Promise((go) => setTimeout(go, SOON))]);
    if (this.destroyed) return;
    this.buildShell();
    renderAccount(this);
    const providers = this.loadProviders(early.providers);
    // A stored login: the reader's words too, before anything shows them logged in.
    if (this.tokens.get()) await Promise.all([this.confirmUser(this.stillGood(early.me)), this.laterWords()]);
    if (sso) {
      try {
        await (await sso).signOn(this, config.ssoToken);
      } catch (error) {
        console.warn("Comments: could not log in with the publisher's token.", error);
      }
    }
    renderAccount(this);
    await Promise.all([providers, this.loadThread(this.stillGood(early.page))]);
  }

  /** An early request's answer, if it was asked with the token (and sort) still in use. */
  stillGood(early) {
    if (!early || early.token !== this.tokens.get()) return null;
    if (early.sort !== null && early.sort !== this.state.sort) return null;
    return early.result;
  }

  async loadProviders(early) {
    try {
      const data = await take(early);
      this.providers = data && Array.isArray(data.providers) ? data.providers : [];
      this.providersError = null;
    } catch (error) {
      if (this.ignorable(error)) return;
      this.providers = [];
      this.providersError = this.blocked && error.code === "network" ? null : this.explain(error);
    }
    renderAccount(this);
  }

  /** Asks the service who the stored token belongs to; drops it when rejected. */
  async confirmUser(early = null) {
    try {
      const data = await (early ? take(early) : this.api.me());
      this.user = (data && data.user) || null;
      if (!this.user) this.tokens.clear();
      const tools = this.user ? this.readerTools() : null; // beside staff.js
      const roles = this.user && Array.isArray(this.user.roles) ? this.user.roles : [];
      if (!this.staff && (roles.includes("moderator") || roles.includes("admin"))) {
        this.staff = await this.need(import("./staff.js")).catch(() => null); // without it, staff see what readers see
      }
      await tools;
    } catch (error) {
      if (this.ignorable(error)) return;
      if (error.status === 401) {
        this.tokens.clear();
        this.user = null;
      } else {
        this.say(this.explain(error), "error", passing(error));
      }
    }
  }

  loggedIn() {
    return Boolean(this.user && this.tokens.get());
  }

  /**
   * The service refused token `sent` (401): when the publisher gave `onSsoExpired` and the
   * session is (or may be) one their login made, a fresh login from it (sso.js). Answers
   * whether a token good to try again is in place; concurrent refusals share one renewal.
   */
  renewSession(sent) {
    const user = this.user;
    if (!this.onSsoExpired || this.destroyed || (user && !String(user.id).startsWith("sso:"))) return false;
    return this.need(import("./sso.js")).then((m) => m.renewSession(this, sent), () => false);
  }

  /** The token changed in another tab: follow it. */
  storageChanged(event) {
    if (!this.shell || event.key !== this.tokens.key) return; // before the shell, start() reads it
    if (event.newValue) this.login().then((m) => m.afterLogin(this));
    else if (this.user) {
      this.user = null;
      renderAccount(this);
      this.loadThread();
    }
  }

  /** The service said the token is no longer good: show the logged-out state. */
  dropSession(message) {
    this.tokens.clear();
    this.user = null;
    renderAccount(this);
    this.renderComposer();
    this.say(message || this.t("session.ended"), "error");
  }

  ignorable(error) {
    return this.destroyed || (error && error.name === "AbortError");
  }

  /** Shows an error's message in `target` (or the status line); handles expired sessions. */
  fail(error, target) {
    if (this.ignorable(error)) return;
    if (error.status === 401 && error.code === "login_required") return this.dropSession(error.message);
    const message = this.explain(error);
    if (target) target.textContent = message;
    else this.say(message, "error", passing(error));
    if (error.code === "network") this.checkOrigin(target || this.statusEl);
    if (error.code === "thread_closed" && this.state.info) {
      this.state.closed = true;
      this.renderComposer();
    }
    if (error.code === "banned" && this.user) {
      this.user.banned = true;
      this.user.banMessage = error.message;
      this.renderComposer();
      this.confirmUser().then(() => this.renderComposer()); // until when, and why
    }
  }

  /** A network failure: is it that the site doesn't allow this page's origin? (origin.js) */
  checkOrigin(el) {
    if (!this.blocked) this.need(import("./origin.js")).then((m) => m.checkOrigin(this, el), () => {});
  }

  /* ---------------- the thread ---------------- */

  resort() {
    this.state.sort = this.sortSelect.value;
    try {
      window.localStorage.setItem(this.sortKey, this.state.sort);
    } catch {
      /* no storage here: the choice holds for this page only */
    }
    this.target = this.around = null; // a new order starts from its beginning
    this.loadThread();
  }

  /** permalink.js: the linked comment's page, highlighting it, and the way back to the start. */
  permalinks() {
    return this.need(import("./permalink.js"));
  }

  /** The page's hash now links to comment `id`: show it, loading its page when it isn't shown. */
  followLink(id) {
    if (!id || !this.shell) return; // before the shell, start() reads the hash
    this.target = id;
    if (this.els.has(id)) this.permalinks().then((m) => m.arrived(this), (error) => this.fail(error));
    else this.loadThread();
  }

  /** The first page (again), or the one `early` fetched; live news arriving meanwhile waits for it. */
  async loadThread(early = null) {
    if (!this.shell) return; // start() loads it once the words are there
    this.hold();
    try {
      await this.loadFirstPage(early);
    } finally {
      this.release();
      this.letGo();
    }
    if (this.state.info && !this.destroyed) this.follow();
  }

  /** After the list was drawn again (a comment deleted): the control `action` of the first
   * of the comments `near` still shown, else its first control, else the list itself;
   * never the page's <body>. */
  refocus(near, action) {
    for (const old of near) {
      const li = old && this.els.get(old.dataset.commentId);
      const main = li && li.querySelector(":scope > .cw-main");
      const controls = main ? Array.from(main.querySelectorAll("button:not([hidden]), a[href]")) : [];
      const target = controls.find((el) => el.dataset.action === action) || controls[0];
      if (target) return target.focus();
    }
    this.listEl.tabIndex = -1;
    this.listEl.focus();
  }

  /** The element's own min-height again, once the first page (or why it failed) shows. */
  letGo() {
    if (this.heldHeight === null) return;
    this.el.style.minHeight = this.heldHeight;
    this.heldHeight = null;
  }

  async loadFirstPage(early = null) {
    const seq = ++this.listSeq;
    const asked = performance.now();
    const hadToken = Boolean(this.tokens.get());
    const loading = this.t("status.loading");
    const around = this.target || this.around; // a permalink's page (the early one was asked so too)
    this.listEl.setAttribute("aria-busy", "true");
    if (!this.listEl.childElementCount) this.say(loading);
    let data;
    try {
      data = await (early ? take(early) : this.api.list(this.config.thread, this.state.sort, null, around));
    } catch (error) {
      if (seq !== this.listSeq) return;
      this.pageFailed = !this.ignorable(error); // tried again when the browser is back online
      this.listEl.removeAttribute("aria-busy");
      if (error.status === 401 && hadToken && !this.ignorable(error)) {
        this.dropSession(error.message);
        return this.loadFirstPage();
      }
      return this.fail(error);
    }
    if (seq !== this.listSeq || this.destroyed) return;
    // A write of the reader's answered meanwhile (a post while the page after their login
    // loaded) may be missing from it: drawn, the page would take it off the screen.
    if (this.wrote > asked) return this.loadFirstPage();
    this.pageFailed = false;
    if (!this.shown) mark("comments:page");
    this.listEl.removeAttribute("aria-busy");
    if (this.statusEl.textContent === loading) this.say("");
    const steps = firstPage(this.state, data);
    const focused = this.root.activeElement;
    const from = focused && this.listEl.contains(focused) ? focused.closest("[data-comment-id]") : null;
    // Where the focus goes should its comment be gone: the next one, the one before, its parent.
    const near = from && [from, from.nextElementSibling, from.previousElementSibling, from.parentElement.closest("[data-comment-id]")];
    this.listEl.replaceChildren();
    this.els = new Map();
    // The first time, what a screen holds is drawn at once and the rest of the page once
    // the browser has painted it: the reader sees the first comments that much sooner.
    const now = this.shown ? steps.length : FIRST_DRAWN;
    this.apply([{ op: "count" }, { op: "fresh" }, ...steps.slice(0, now)]);
    if (!this.shown) {
      this.shown = true;
      mark("comments:shown");
    }
    if (steps.length > now) {
      await painted();
      if (seq !== this.listSeq || this.destroyed) return;
      this.apply(steps.slice(now));
      mark("comments:drawn");
    }
    if (near && !this.root.activeElement) this.refocus(near, focused.dataset.action);
    this.renderComposer();
    this.around = around;
    if (around || this.fromStart) this.permalinks().then((m) => m.arrived(this), (error) => this.fail(error));
  }

  /** pages.js: the next page of comments, or of a comment's replies (from its `button`). */
  loadMore() {
    return this.need(import("./pages.js")).then((m) => m.loadMore(this), (error) => this.fail(error));
  }

  loadReplies(n, button) {
    return this.need(import("./pages.js")).then((m) => m.loadReplies(this, n, button), (error) => this.fail(error));
  }

  /** The tooltips of the times on screen, written once the page is idle (render.js entitle). */
  titlesLater() {
    if (this.titling) return;
    this.titling = true;
    const idle = window.requestIdleCallback || ((run) => setTimeout(run, 200));
    idle(() => {
      this.titling = false;
      if (!this.destroyed && this.listEl) for (const el of this.listEl.querySelectorAll(UNTITLED)) entitle(this, el);
    }, { timeout: 2000 });
  }

  /** Carries out the steps a change of the thread answered (see thread.js). */
  apply(steps) {
    this.titlesLater();
    for (const step of steps) {
      const n = node(this.state, step.id);
      if (step.op === "add" && n) this.place(n, step.fresh);
      else if (step.op === "main" && n) rebuildMain(this, n, step.focus);
      else if (step.op === "text" && n) this.live.refreshText(this, n);
      else if (step.op === "score" && n) refreshScore(this, n);
      else if (step.op === "drop") {
        const li = this.els.get(step.id);
        if (li) li.remove();
        this.els.delete(step.id);
      } else if (step.op === "count") this.showCount();
      else if (step.op === "fresh") this.showFreshButton();
      else if (step.op === "closed") this.showClosed();
      else if (step.op === "recheck" && n) this.need(import("./verdict.js")).then((m) => m.recheck(this, n), (error) => this.fail(error));
    }
    this.moreButton.hidden = !this.state.cursor;
    this.emptyEl.hidden = this.state.top.length > 0;
  }

  /** Shows node `n` (and its replies) before the next sibling already on screen. */
  place(n, fresh) {
    if (this.els.has(n.id)) return; // shown with its parent
    const parent = node(this.state, n.parent);
    const list = parent ? this.els.get(parent.id) : this.listEl;
    if (!list) return;
    const ids = parent ? parent.kids : this.state.top;
    let next = null;
    for (let i = ids.indexOf(n.id) + 1; i < ids.length && !next; i++) next = this.els.get(ids[i]) || null;
    const li = renderComment(this, n);
    if (fresh) li.classList.add("cw-fresh");
    (parent ? list.querySelector(":scope > .cw-replies") : list).insertBefore(li, next);
  }

  showCount() {
    const n = this.state.count;
    this.countEl.textContent = this.formats.number(n);
    this.countEl.setAttribute("data-count", String(n));
    this.countEl.setAttribute("aria-label", this.t("count.comments", { n }));
  }

  showClosed() {
    this.renderComposer();
    for (const button of this.listEl.querySelectorAll('.cw-actions [data-action="reply"]')) {
      button.hidden = this.state.closed;
    }
  }

  /* ---------------- live news (live.js) ---------------- */

  /** Opens the thread's stream, importing live.js the first time. */
  async follow() {
    try {
      this.live = this.live || (await this.need(import("./live.js")));
    } catch (error) {
      console.warn("Comments: live updates are off.", error);
      return;
    }
    if (this.destroyed) return;
    if (!this.stream) this.stream = this.live.follow(this);
    this.stream.open();
  }

  hold() {
    this.holds += 1;
  }

  /** Applies what arrived while pages loaded (live.js news): each event is harmless if the page had it. */
  release() {
    this.holds -= 1;
    if (this.holds > 0 || this.destroyed) return;
    const backlog = this.backlog;
    this.backlog = [];
    for (const [name, data] of backlog) this.live.applyNews(this, name, data);
  }

  /** The "N new comments" button above the list (sort=newest). */
  showFreshButton() {
    const n = this.state.fresh.length;
    this.freshButton.hidden = n === 0;
    this.freshButton.textContent = this.t("list.fresh", { n });
  }

  showFresh() {
    // Above a permalink's page lie comments not loaded: the new ones show from the start.
    if (this.around) return this.permalinks().then((m) => m.showFromStart(this));
    this.live.showFreshComments(this); // the button shows only once live news brought some
  }
}
