/*
 * Comment counts for article lists and headlines:
 *
 *   <span data-comments-count="{n} comments" data-site="demo" data-thread="key"></span>
 *   <script async src="https://COMMENTS_HOST/widget/count.js"></script>
 *
 * A small classic script that imports app/count.js (see there; bundled when the service
 * serves the bundle) from the widget's versioned folder, only when the page has an
 * element to fill. `CommentsCount.refresh()` runs it again for single-page sites.
 */
(() => {
  "use strict";

  // The service writes the widget's version here as it serves this script; a copy opened
  // straight from disk keeps the placeholder and imports the unversioned files.
  const VERSION = "__WIDGET_VERSION__";
  // With the bundle: which files each module became, an object (see comments.js); else null.
  const BUNDLE = "__WIDGET_BUNDLE__";
  const SELECTOR = "[data-comments-count][data-site][data-thread]";
  const SCRIPT_PATH = /\/widget\/count\.js$/;
  const script = document.currentScript ||
    Array.from(document.querySelectorAll("script[src]")).find((s) => SCRIPT_PATH.test(new URL(s.src, location.href).pathname));
  const ownDir = script && script.src ? new URL(".", script.src).href : null;
  const versioned = "v/" + VERSION + "/";
  const dir = ownDir && /^[0-9a-f]+$/.test(VERSION) && !ownDir.endsWith("/" + versioned) ? ownDir + versioned : ownDir;

  /** Fills every count element under `root`; resolves when all requests are done. */
  function refresh(root, base) {
    const scope = root || document;
    const from = dir || (base ? base.replace(/\/+$/, "") + "/widget/" : null);
    if (!from || !scope.querySelector(SELECTOR)) return Promise.resolve();
    // The bundle's entry and its chunks at once; the module alone when not bundled.
    const bundled = dir && BUNDLE && typeof BUNDLE === "object" ? BUNDLE["app/count.js"] : null;
    const [first, ...rest] = (bundled || ["app/count.js"]).map((path) => import(from + path));
    for (const chunk of rest) chunk.catch(() => {});
    return first.then(
      (app) => app.refresh(scope, base),
      (error) => console.warn("Comments: could not load the counts from " + from + ".", error)
    );
  }

  window.CommentsCount = Object.freeze({ refresh });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => refresh(), { once: true });
  } else {
    refresh();
  }
})();
