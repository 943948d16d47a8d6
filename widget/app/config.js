/*
 * The widget's settings: its element's data-* attributes, overridden by the options of
 * `createInstance` (camelCase: site, thread, threadUrl, threadTitle, sort, theme, lang,
 * ssoToken, base, strings). The host page controls all of it, so nothing is taken on
 * trust: text only, trimmed and bounded as the service bounds it, choices from fixed
 * lists, URLs http(s) only. Pure: the page's own facts come in as `page`.
 */

export const SORTS = Object.freeze(["oldest", "newest", "top"]); // named by "sort.<key>"
const THEMES = Object.freeze(["light", "dark", "auto"]);
const MAX = Object.freeze({ site: 64, thread: 512, url: 2048, title: 300, lang: 35, sso: 8192, strings: 65536 });
const SSO_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function pick(data, options, key) {
  const value = options[key] !== undefined ? options[key] : data[key];
  return typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
}

/** `value` when it parses as an http(s) URL no longer than `max`, else "". */
function webUrl(value, max = MAX.url) {
  if (!value || value.length > max) return "";
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
  } catch {
    return "";
  }
}

/** At most `max` characters (whole code points). */
function clip(text, max) {
  return text.length > max ? Array.from(text).slice(0, max).join("") : text;
}

/**
 * The settings, or an Error thrown for what the widget can't run without (a site and a
 * thread within the service's bounds, a service URL). `page`: {href, canonical, title,
 * lang, languages}; `serviceBase`: the service this module came from.
 */
export function readConfig(data, options, page, serviceBase) {
  data = data || {};
  options = options || {};
  const site = pick(data, options, "site");
  const thread = pick(data, options, "thread");
  if (!site || !thread) throw new Error("Comments: data-site and data-thread are required.");
  if (site.length > MAX.site || thread.length > MAX.thread) {
    throw new Error("Comments: data-site or data-thread is too long.");
  }
  const base = webUrl(pick(data, options, "base") || serviceBase || "").replace(/\/+$/, "");
  if (!base) throw new Error("Comments: cannot tell the service URL; pass options.base.");
  const sort = pick(data, options, "sort");
  const theme = pick(data, options, "theme");
  const explicit = clip(pick(data, options, "lang"), MAX.lang);
  const pageLang = typeof page.lang === "string" ? clip(page.lang.trim(), MAX.lang) : "";
  const languages = Array.isArray(page.languages) ? page.languages.filter((l) => typeof l === "string") : [];
  const sso = pick(data, options, "ssoToken");
  const strings = options.strings !== undefined ? options.strings : data.strings;
  return Object.freeze({
    site,
    thread,
    base,
    origin: new URL(base).origin,
    threadUrl: webUrl(pick(data, options, "threadUrl")) || webUrl(page.canonical) || webUrl(String(page.href || "").split("#")[0]),
    threadTitle: clip(pick(data, options, "threadTitle") || String(page.title || "").trim(), MAX.title),
    sort: SORTS.includes(sort) ? sort : "oldest",
    theme: THEMES.includes(theme) ? theme : "page",
    // Numbers, dates and the Accept-Language header (sent only when it is one clean tag).
    lang: explicit || pageLang || languages[0] || "",
    // What core/i18n.js chooses the widget's language from.
    language: Object.freeze({ explicit, page: pageLang, browser: Object.freeze(languages.slice(0, 10)) }),
    // The publisher's rewording: an object (option) or JSON text (data-strings), read by the core.
    strings: typeof strings === "string" && strings.length > MAX.strings ? null : strings,
    // The publisher's own login, traded for a token at start.
    ssoToken: sso.length <= MAX.sso && SSO_TOKEN.test(sso) ? sso : null,
  });
}

/** The page's own facts `readConfig` needs, read from the document. */
export function pageFacts() {
  const canonical = document.querySelector('link[rel="canonical"][href]');
  return {
    href: location.href,
    canonical: canonical ? canonical.href : "",
    title: document.title,
    lang: document.documentElement.lang || "",
    languages: Array.from(navigator.languages || [navigator.language || ""]),
  };
}
