/*
 * Avatars: the person's picture when its URL is a web URL, else their initials on one of
 * eight colours chosen by the name (so one person keeps one colour everywhere).
 */

import { h } from "./dom.js";

/** Up to two letters from the first two words of a name ("?" for none). */
export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  const letters = parts.slice(0, 2).map((p) => Array.from(p)[0] || "");
  return (letters.join("") || "?").toUpperCase();
}

/** 0–7, the same for the same text. */
export function hue(text) {
  let hash = 0;
  for (const ch of String(text || "")) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 8;
}

/** `url` resolved against `base` when it is http(s) (https only when `httpsOnly`), else null. */
export function webUrl(url, base, { httpsOnly = false } = {}) {
  if (typeof url !== "string" || !url) return null;
  try {
    const parsed = base ? new URL(url, base) : new URL(url);
    if (parsed.protocol === "https:") return parsed.href;
    if (parsed.protocol === "http:" && !httpsOnly) return parsed.href;
  } catch {
    /* not a URL */
  }
  return null;
}

/**
 * An <img> (replaced by the initials if it fails to load) or the initials' <span>.
 * `prefix` is the caller's class prefix ("cw-" in the widget, "" in the dashboard).
 */
export function avatar(person, { prefix = "", size = 36, src } = {}) {
  const name = (person && person.name) || "";
  const fallback = h(
    "span",
    { class: `${prefix}avatar ${prefix}initials ${prefix}hue-${hue(name)}`, "aria-hidden": "true" },
    initials(name)
  );
  if (!src) return fallback;
  const img = h("img", {
    class: prefix + "avatar", src, alt: "", width: size, height: size,
    loading: "lazy", decoding: "async", referrerpolicy: "no-referrer",
  });
  img.addEventListener("error", () => img.replaceWith(fallback), { once: true });
  return img;
}
