/*
 * The embed script:
 *
 *   <div id="comments" data-site="demo" data-thread="article-key"></div>
 *   <script async src="https://COMMENTS_HOST/widget/comments.js"></script>
 *
 * A small classic script (its URL is cached for minutes, the widget's modules for good):
 * it finds itself, sets up `window.Comments` at once, and for each element to mount it
 * imports the widget (app/main.js, see there) from the versioned folder, with every file
 * of the first screen asked for at once rather than one import level after another (the
 * bundle's entry and its chunks when the service serves the bundle, widget/build.mjs,
 * else the modules), then its language file, then starts the first requests (the login
 * options, the reader, the thread's first page), reading their JSON as they arrive.
 * Nothing is imported on a page without an element to mount.
 *
 * Single-page sites: `Comments.createInstance(element, options)` returns an instance
 * whose `destroy()` works at any time, even before the modules arrived;
 * `Comments.mountAll()` scans the page again. Options (camelCase) override the
 * element's data-* attributes (app/config.js reads and checks them).
 */
(() => {
  "use strict";

  if (window.performance && performance.mark) performance.mark("comments:loader");

  // The service writes the widget's version here as it serves this script; a copy opened
  // straight from disk keeps the placeholder and imports the unversioned files.
  const VERSION = "__WIDGET_VERSION__";
  // With the bundle, the service writes here which files each module the loader names
  // became (its own, then the chunks it imports), as an object; null while it serves the
  // modules (and a copy from disk keeps the placeholder).
  const BUNDLE = "__WIDGET_BUNDLE__";
  const MOUNT_SELECTOR = "#comments[data-site][data-thread], .comments-embed[data-site][data-thread]";
  const INSTANCE = Symbol.for("comments.instance");
  // The modules app/main.js imports, followed through (tests/test_widget_budget.py checks
  // the list): all asked for at once, not one import level after another. Each list starts
  // with the module whose files stand for it all in the bundle.
  const FIRST_SCREEN = [
    "app/main.js", "app/account.js", "app/api.js", "app/config.js", "app/render.js",
    "app/styles.js", "app/thread.js", "app/tokens.js", "app/words.js", "core/avatar.js",
    "core/dom.js", "core/http.js", "core/i18n.js", "core/time.js", "core/where.js",
  ];
  // What a logged-in reader's first screen adds (the composer, and what they alone see);
  // with the publisher's login, its module too.
  const WRITING = ["app/composer.js", "app/form-styles.js"];
  const READER = ["app/reader.js"];
  const SSO = ["app/sso.js"];
  const PAGE_SIZE = "20"; // app/api.js PAGE_SIZE
  const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/; // core/http.js languageHeader

  const SCRIPT_PATH = /\/widget\/comments\.js$/;
  const script = document.currentScript ||
    Array.from(document.querySelectorAll("script[src]")).find((s) => SCRIPT_PATH.test(new URL(s.src, location.href).pathname));
  const src = script && script.src ? script.src : null;
  // The service is what comes before /widget/ (core/where.js holds the rule for the modules).
  const TAIL = /\/widget\/(?:v\/[0-9a-f]+\/)?$/;
  const ownDir = src ? new URL(".", src).href : null;
  const serviceBase = ownDir && TAIL.test(new URL(ownDir).pathname) ? ownDir.replace(TAIL, "") : null;
  const imports = new Map(); // widget folder → the promise of app/main.js
  const bundled = typeof BUNDLE === "object" ? BUNDLE : null;

  /** The files to ask for at once for `modules` (a list above, or one module): first its own. */
  function files(modules) {
    return bundled ? bundled[modules[0]] || [] : modules;
  }

  /** All of `paths` from `dir` at once; the promise of the first one. */
  function fetchAll(dir, paths) {
    const all = paths.map((path) => import(dir + path));
    for (const one of all.slice(1)) one.catch(() => {}); // the first one waits for them anyway
    return all[0] || Promise.reject(new Error("not in the bundle"));
  }

  /**
   * The language core/i18n.js will choose (its rule, from the same places, over the bundle's
   * languages), so that its file is asked for beside the code and not after it; a wrong
   * guess costs one download, nothing else (the app asks for its own choice).
   */
  function guessLanguage(choice) {
    const supported = Object.keys(bundled).filter((k) => /^i18n\/[a-z]+\.js$/.test(k)).map((k) => k.slice(5, -3));
    const of = (tag) => {
      const primary = String(tag).trim().toLowerCase().split(/[-_]/)[0];
      const code = primary === "ua" ? "uk" : primary;
      return supported.includes(code) ? code : null;
    };
    for (const tag of [choice.explicit, choice.page]) if (tag && tag.trim()) return of(tag) || "en";
    for (const tag of choice.browser) if (of(tag)) return of(tag);
    return "en";
  }

  /** The widget's folder for a service, versioned (cached for good) when the version is known. */
  function widgetDir(base) {
    const dir = ownDir || base + "/widget/";
    const versioned = "v/" + VERSION + "/";
    return /^[0-9a-f]+$/.test(VERSION) && !dir.endsWith("/" + versioned) ? dir + versioned : dir;
  }

  /** app/main.js from `dir`, with its whole first screen asked for at once. */
  function load(dir) {
    if (!imports.has(dir)) imports.set(dir, fetchAll(dir, files(FIRST_SCREEN)));
    return imports.get(dir);
  }

  /** An option, else the data-* attribute, as app/config.js reads it. */
  function pick(el, options, key) {
    const value = options[key] !== undefined ? options[key] : el.dataset[key];
    return typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
  }

  /** An answer whose JSON is read: what app/api.js takes from fetch, `data` its body. */
  const answered = (status, ok, data) => ({ status, ok, json: () => data });

  /**
   * An answer with its JSON read as it arrives, while the page has little else to do, in
   * the shape app/api.js takes from fetch (status, ok, json()): a body read later would
   * cost the widget a task of its own, and the page a frame drawn before its comments.
   */
  function read(response) {
    return response.json().catch(() => null).then((data) => answered(response.status, response.ok, data));
  }

  /**
   * What the reader's browser keeps for the service and site: their login's token and
   * chosen sort. Read once the code and its words are on their way: a page's first read
   * of storage holds the page up for a few milliseconds, whenever it comes.
   */
  function kept(base, site) {
    const key = new URL(base).origin + ":" + site;
    try {
      return { token: window.localStorage.getItem("comments:token:" + key), sort: window.localStorage.getItem("comments:sort:" + key) };
    } catch {
      return {}; // no storage here: the widget asks without a token, in the page's sort
    }
  }

  /**
   * The requests the widget makes first, started now: each answer is filed as app/api.js
   * files them (earlyKey), and the widget takes it only for the very same request.
   */
  function ask(el, options, base, signal) {
    const early = new Map();
    const site = pick(el, options, "site");
    const thread = pick(el, options, "thread");
    const sort = pick(el, options, "sort");
    const lang = pick(el, options, "lang") || document.documentElement.lang || navigator.language || "";
    const stored = kept(base, site);
    const token = stored.token;
    const get = (path, query, known = null) => {
      const url = new URL(base + path);
      for (const [key, value] of query) url.searchParams.append(key, value);
      const headers = { Accept: "application/json" };
      if (LANGUAGE_TAG.test(lang)) headers["Accept-Language"] = lang;
      if (token) headers.Authorization = "Bearer " + token;
      const answer = known
        ? Promise.resolve(known)
        : fetch(url.href, { method: "GET", headers, credentials: "omit", mode: "cors", cache: "no-store", signal }).then(read);
      answer.catch(() => {}); // the widget's to handle, or nobody's once it is gone
      early.set([url.href, headers.Authorization || "", headers["Accept-Language"] || ""].join(" "), answer);
    };
    get("/auth/providers", [["site", site]]);
    if (token) get("/api/v1/me", [["site", site]]);
    if (!pick(el, options, "ssoToken")) {
      // The same page the app will ask for: the reader's remembered sort, a permalink's comment.
      const sorts = ["oldest", "newest", "top"];
      const order = sorts.includes(stored.sort) ? stored.sort : sorts.includes(sort) ? sort : "oldest";
      const link = /^#comment-([0-9A-HJKMNP-TV-Z]{26})$/.exec(location.hash || "");
      const query = [["thread", thread], ["sort", order], ["limit", PAGE_SIZE]];
      if (link) query.push(["around", link[1]]);
      const page = token || link ? null : embedded(el, site, thread, order);
      get("/api/v1/sites/" + encodeURIComponent(site) + "/comments", query, page);
    }
    return { early, reader: Boolean(token) };
  }

  /**
   * The first page the publisher's server put in the element (the embed fragment, made
   * by the service from the same bytes an anonymous read gets), as an answer; null when
   * there is none for this site, thread and sort, or its JSON doesn't read as a page
   * (the widget asks the service then). The JSON is only ever parsed.
   */
  function embedded(el, site, thread, sort) {
    const fragment = el.matches("[data-comments-embed]") ? el : el.querySelector("[data-comments-embed]");
    const json = fragment && fragment.querySelector("script[type='application/json'][data-comments-page]");
    if (!json || fragment.dataset.site !== site || fragment.dataset.thread !== thread) return null;
    if ((fragment.dataset.sort || "oldest") !== sort) return null;
    let page;
    try {
      page = JSON.parse(json.textContent);
    } catch {
      return null;
    }
    const info = page && page.thread;
    if (!info || typeof info !== "object" || info.key !== thread || !Array.isArray(page.comments)) return null;
    return answered(200, true, page);
  }

  function createInstance(el, options) {
    if (!(el instanceof Element)) throw new TypeError("Comments.createInstance needs an element.");
    options = options || {};
    if (el[INSTANCE]) el[INSTANCE].destroy();
    if (!pick(el, options, "site") || !pick(el, options, "thread")) {
      throw new Error("Comments: data-site and data-thread are required.");
    }
    const base = (pick(el, options, "base") || serviceBase || "").replace(/\/+$/, "");
    if (!/^https?:\/\//.test(base)) throw new Error("Comments: cannot tell the service URL; pass options.base.");
    // The longest wait first: the code, then its words, then the first requests.
    const dir = widgetDir(base);
    const loading = load(dir);
    // The language's file, as soon as core/i18n.js can choose it: not after the whole first
    // screen has loaded and run. app/words.js takes the guess's table when it chooses the
    // same language (no task spent on an import already done), else asks for its own.
    const choice = { explicit: pick(el, options, "lang"), page: document.documentElement.lang || "", browser: Array.from(navigator.languages || []) };
    const guess = bundled && guessLanguage(choice);
    const words = guess ? { code: guess, table: fetchAll(dir, files(["i18n/" + guess + ".js"])).then((m) => m.default, () => null) } : null;
    if (!guess) {
      fetchAll(dir, files(["core/i18n.js"]))
        .then((i18n) => fetchAll(dir, files(["i18n/" + i18n.chooseLanguage(choice) + ".js"])))
        .catch(() => {});
    }
    const aborter = new AbortController();
    const { early, reader } = ask(el, options, base, aborter.signal);
    const sso = Boolean(pick(el, options, "ssoToken"));
    // A logged-in reader's first screen adds these: asked for now too (the widget asks again).
    if (reader || sso) for (const path of files(WRITING).concat(files(READER), sso ? files(SSO) : [])) import(dir + path).catch(() => {});
    let widget = null;
    const instance = Object.freeze({
      element: el,
      destroy() {
        aborter.abort();
        if (widget) widget.destroy();
        if (el[INSTANCE] === instance) delete el[INSTANCE];
      },
      reload: () => (widget ? widget.loadThread() : Promise.resolve()),
    });
    el[INSTANCE] = instance;
    loading.then(
      (app) => {
        if (aborter.signal.aborted) return;
        try {
          widget = app.mount(el, options, { aborter, early, words });
        } catch (error) {
          console.warn(error.message);
        }
      },
      (error) => console.warn("Comments: could not load the widget from " + dir + ".", error)
    );
    return instance;
  }

  function mountAll(root) {
    const instances = [];
    for (const el of (root || document).querySelectorAll(MOUNT_SELECTOR)) {
      // One inside another is the outer one's: an embed fragment in its mount element, say.
      if (el[INSTANCE] || (el.parentElement && el.parentElement.closest(MOUNT_SELECTOR))) continue;
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
