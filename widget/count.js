/*
 * Comment counts for article lists and headlines.
 *
 *   <span data-comments-count="{n} comments" data-site="demo" data-thread="key"></span>
 *   <script async src="https://COMMENTS_HOST/widget/count.js"></script>
 *
 * Fills every `[data-comments-count][data-site][data-thread]` element with its
 * thread's count, asking the service once per site for up to 100 threads at a
 * time. A `{n}` in the attribute's value is a template ("{n} comments");
 * without one the text is "1 comment" / "12 comments". Elements keep their
 * text when the service can't be reached. `CommentsCount.refresh()` runs it
 * again for single-page sites.
 */
(() => {
  "use strict";

  const SCRIPT_PATH = "/widget/count.js";
  const SELECTOR = "[data-comments-count][data-site][data-thread]";
  const BATCH = 100;

  function findServiceBase() {
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
    if (!src) return null;
    const url = new URL(src, location.href);
    const path = url.pathname.endsWith(SCRIPT_PATH) ? url.pathname.slice(0, -SCRIPT_PATH.length) : "";
    return url.origin + path;
  }

  const SERVICE_BASE = findServiceBase();

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

  function label(el, n) {
    const template = el.getAttribute("data-comments-count") || "";
    let number = String(n);
    try {
      number = new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
    } catch {
      /* keep the plain number */
    }
    if (template.includes("{n}")) return template.split("{n}").join(number);
    return number + (n === 1 ? " comment" : " comments");
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
    const requests = [];
    for (const [site, threads] of bySite) {
      const keys = Array.from(threads.keys());
      for (let i = 0; i < keys.length; i += BATCH) {
        const batch = keys.slice(i, i + BATCH);
        requests.push(
          fetchCounts(service, site, batch).then(
            (counts) => {
              for (const thread of batch) {
                const n = Number(counts[thread]) || 0;
                for (const el of threads.get(thread)) {
                  el.textContent = label(el, n);
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
