/*
 * Filling count elements (see ../count.js): every `[data-comments-count][data-site]
 * [data-thread]` under a root gets its thread's count, asked of the service once per
 * site for up to 100 threads at a time. A `{n}` in the attribute's value is the
 * publisher's template ("Комментарии: {n}"); without one the text is the widget's own in
 * the page's language ("1 comment", "21 комментарий"), loaded only when an element needs
 * it. Elements keep their text when the service can't be reached.
 */

import { createRequest } from "../core/http.js";
import { formatNumber } from "../core/time.js";
import { serviceBaseOf } from "../core/where.js";
import { loadWords } from "./words.js";

const SELECTOR = "[data-comments-count][data-site][data-thread]";
const BATCH = 100;

const template = (el) => el.getAttribute("data-comments-count") || "";

/** The publisher's template filled in, else the words (the bare number without them). */
function label(el, n, words) {
  const lang = document.documentElement.lang || undefined;
  if (template(el).includes("{n}")) return template(el).split("{n}").join(formatNumber(n, lang));
  return words ? words.t("count.comments", { n }) : formatNumber(n, lang);
}

/** Fills every count element under `root` from the service at `base`; resolves when done. */
export async function refresh(root = document, base = serviceBaseOf()) {
  const service = String(base || "").replace(/\/+$/, "");
  if (!service) return;
  const request = createRequest({ base: service });
  const bySite = new Map(); // site → thread → its elements
  for (const el of root.querySelectorAll(SELECTOR)) {
    const site = el.getAttribute("data-site");
    const thread = el.getAttribute("data-thread");
    if (!site || !thread) continue;
    if (!bySite.has(site)) bySite.set(site, new Map());
    const threads = bySite.get(site);
    if (!threads.has(thread)) threads.set(thread, []);
    threads.get(thread).push(el);
  }
  const all = Array.from(bySite.values()).flatMap((threads) => Array.from(threads.values()).flat());
  const page = document.documentElement.lang || "";
  const words = all.some((el) => !template(el).includes("{n}"))
    ? loadWords({ page, browser: Array.from(navigator.languages || []) }, { locale: page || undefined })
    : Promise.resolve(null);
  const requests = [];
  for (const [site, threads] of bySite) {
    const keys = Array.from(threads.keys());
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const path = "/api/v1/sites/" + encodeURIComponent(site) + "/counts";
      requests.push(
        Promise.all([request("GET", path, { query: { thread: batch } }), words]).then(
          ([data, translator]) => {
            const counts = (data && data.counts) || {};
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
  await Promise.all(requests);
}
