/*
 * Comment counts for article lists and headlines.
 *
 *   <span data-comments-count="{n} comments" data-site="demo" data-thread="key"></span>
 *   <script async src="https://COMMENTS_HOST/widget/count.js"></script>
 *
 * Fills every `[data-comments-count][data-site][data-thread]` element with its
 * thread's count, asking the service once per site for up to 100 threads at a
 * time. A `{n}` in the attribute's value is the publisher's template
 * ("Комментарии: {n}"); without one the text is the widget's own in the page's
 * language ("1 comment", "21 комментарий"), from the ES modules beside this
 * script (core/i18n.js, i18n/<language>.js), imported while the counts are
 * fetched and only when an element needs them. Elements keep their text when
 * the service can't be reached. `CommentsCount.refresh()` runs it again for
 * single-page sites.
 */
(() => {
  "use strict";

  const SCRIPT_PATH = "/widget/count.js";
  const SELECTOR = "[data-comments-count][data-site][data-thread]";
  const BATCH = 100;

  function findScript() {
    let src = document.currentScript && document.currentScript.src;
    if (!src) {
      for (const script of document.querySelectorAll("script[src]")) {
        try {
          if (new URL(script.src, location.href).pathname.endsWith(SCRIPT_PATH)) {
            src = script.src;
            break;
          }
        } catch {
          /* not a URL we can read */
        }
      }
    }
    return src ? new URL(src, location.href).href : null;
  }

  function serviceBaseOf(src) {
    if (!src) return null;
    const url = new URL(src);
    const path = url.pathname.endsWith(SCRIPT_PATH) ? url.pathname.slice(0, -SCRIPT_PATH.length) : "";
    return url.origin + path;
  }

  const SCRIPT_URL = findScript();
  // The service writes the widget's version here as it serves this script; a copy opened
  // straight from disk keeps the placeholder and imports the unversioned files.
  const VERSION = "__WIDGET_VERSION__";

  /** The versioned form of the widget's folder (cached for good) when the version is known. */
  function widgetDir(dir) {
    const versioned = "v/" + VERSION + "/";
    if (!/^[0-9a-f]+$/.test(VERSION) || dir.endsWith("/" + versioned)) return dir;
    return new URL(versioned, dir).href;
  }
  const SERVICE_BASE = serviceBaseOf(SCRIPT_URL);

  /** The translator for the page's language, or null when its modules can't be loaded. */
  async function loadTranslator(dir) {
    const failed = () => null;
    const english = import(new URL("i18n/en.js", dir).href).catch(failed);
    let core;
    try {
      core = await import(new URL("core/i18n.js", dir).href);
    } catch {
      return null;
    }
    const page = document.documentElement.lang || "";
    const language = core.chooseLanguage({ page, browser: Array.from(navigator.languages || []) });
    const own = language === core.FALLBACK
      ? null
      : import(new URL("i18n/" + language + ".js", dir).href).catch(failed);
    const [en, table] = await Promise.all([english, own]);
    if (!en) return null;
    return core.createTranslator({
      language: table ? language : core.FALLBACK,
      strings: (table || en).default,
      fallback: en.default,
      locale: page || undefined,
    });
  }

  async function fetchCounts(base, site, threads) {
    const url = new URL(base + "/api/v1/sites/" + encodeURIComponent(site) + "/counts");
    for (const thread of threads) url.searchParams.append("thread", thread);
    const response = await fetch(url.href, {
      headers: { Accept: "application/json" },
      credentials: "omit",
      mode: "cors",
    });
    if (!response.ok) throw new Error("count request failed: " + response.status);
    const data = await response.json();
    return (data && data.counts) || {};
  }

  function hasTemplate(el) {
    return (el.getAttribute("data-comments-count") || "").includes("{n}");
  }

  /** The publisher's template filled in, else the words (the bare number without them). */
  function label(el, n, words) {
    let number = String(n);
    try {
      number = new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
    } catch {
      /* keep the plain number */
    }
    if (hasTemplate(el)) return el.getAttribute("data-comments-count").split("{n}").join(number);
    return words ? words.t("count.comments", { n }) : number;
  }

  /** Fills every count element under `root`; resolves when all requests are done. */
  function refresh(root, base) {
    const service = (base || SERVICE_BASE || "").replace(/\/+$/, "");
    if (!service) return Promise.resolve();
    const bySite = new Map();
    for (const el of (root || document).querySelectorAll(SELECTOR)) {
      const site = el.getAttribute("data-site");
      const thread = el.getAttribute("data-thread");
      if (!site || !thread) continue;
      if (!bySite.has(site)) bySite.set(site, new Map());
      const threads = bySite.get(site);
      if (!threads.has(thread)) threads.set(thread, []);
      threads.get(thread).push(el);
    }
    const wordless = Array.from(bySite.values()).some((threads) =>
      Array.from(threads.values()).some((els) => els.some((el) => !hasTemplate(el))));
    const dir = widgetDir(SCRIPT_URL ? new URL(".", SCRIPT_URL).href : service + "/widget/");
    const words = wordless ? loadTranslator(dir) : Promise.resolve(null);
    const requests = [];
    for (const [site, threads] of bySite) {
      const keys = Array.from(threads.keys());
      for (let i = 0; i < keys.length; i += BATCH) {
        const batch = keys.slice(i, i + BATCH);
        requests.push(
          Promise.all([fetchCounts(service, site, batch), words]).then(
            ([counts, translator]) => {
              for (const thread of batch) {
                const n = Number(counts[thread]) || 0;
                for (const el of threads.get(thread)) {
                  el.textContent = label(el, n, translator);
                  el.setAttribute("data-comments-count-value", String(n));
                }
              }
            },
            () => {
              /* leave the publisher's fallback text in place */
            }
          )
        );
      }
    }
    return Promise.all(requests).then(() => undefined);
  }

  window.CommentsCount = Object.freeze({ refresh });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => refresh(), { once: true });
  } else {
    refresh();
  }
})();
