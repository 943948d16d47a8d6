/*
 * Numbers and times in the reader's locale. Pure: Intl, or the widget's own words for
 * what the first screen shows (see createFormats), and a bad locale or date falls back
 * to something readable instead of throwing.
 */

import { smallInteger, writesPlainly } from "./i18n.js";

/** `n` in the reader's locale. */
export function formatNumber(n, lang) {
  return createFormats(lang).number(n);
}

/**
 * "3 minutes ago", "yesterday", or the date itself past `dateAfterDays`; `style` is
 * Intl's ("long" in the widget, "short" in the dashboard). `now` is for tests.
 */
export function relativeTime(iso, lang, { style = "long", dateAfterDays = 30, now = Date.now() } = {}) {
  return createFormats(lang, { style, dateAfterDays }).relative(iso, now);
}

/** The full date and time, for a tooltip. */
export function absoluteTime(iso, lang, dateStyle = "long") {
  return createFormats(lang, { dateStyle }).absolute(iso);
}

/**
 * The three above for one language, their Intl formatters made once (and only when
 * first needed): a page of comments formats hundreds of times and dates, and making a
 * formatter per call was most of the time it took to show one.
 *
 * With `words` (the widget's translator, core/i18n.js), a time in the past month is said
 * in the language file's words ("time.minutesAgo" and the like, as Intl says them) and
 * small numbers are written as they are: the first Intl number or date format a page
 * makes costs it 15 to 45 ms while its locale data loads, and the first comments would
 * wait for it. Intl still writes dates, times ahead of the clock and large numbers.
 */
export function createFormats(lang, { style = "long", dateAfterDays = 30, dateStyle = "long", words = null } = {}) {
  const locale = lang || undefined;
  const made = new Map();
  const formatter = (name, make) => {
    if (!made.has(name)) {
      try {
        made.set(name, make());
      } catch {
        made.set(name, null); // a locale Intl refuses: the plain fallbacks below
      }
    }
    return made.get(name);
  };
  const numbers = () => formatter("number", () => new Intl.NumberFormat(locale));
  const fallback = (then) => new Date(then).toLocaleString();
  const plainly = writesPlainly(lang); // small integers without Intl (core/i18n.js writesPlainly)

  /** `seconds` (ahead of now when positive) in the translator's words, or null. */
  function said(seconds) {
    const abs = Math.abs(seconds);
    let key;
    let n = 0;
    if (abs < 45) key = "time.now";
    else if (seconds > 0) return null; // ahead of the clock: rare, left to Intl
    else if (abs < 3600) [key, n] = ["time.minutesAgo", -Math.round(seconds / 60)];
    else if (abs < 86400) [key, n] = ["time.hoursAgo", -Math.round(seconds / 3600)];
    else {
      n = -Math.round(seconds / 86400);
      key = n === 1 ? "time.yesterday" : n === 2 ? "time.dayBeforeYesterday" : "time.daysAgo";
    }
    return words.has(key) ? words.t(key, { n }) : null;
  }

  function relative(iso, now = Date.now()) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    const seconds = (then - now) / 1000;
    const abs = Math.abs(seconds);
    if (abs > dateAfterDays * 86400) {
      const date = formatter("date", () => new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric" }));
      return date ? date.format(then) : fallback(then);
    }
    const inWords = words && style === "long" ? said(seconds) : null;
    if (inWords !== null) return inWords;
    const rtf = formatter("relative", () => new Intl.RelativeTimeFormat(locale, { numeric: "auto", style }));
    if (!rtf) return fallback(then);
    if (abs < 45) return rtf.format(0, "second");
    if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
    if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
    return rtf.format(Math.round(seconds / 86400), "day");
  }

  function absolute(iso) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    const full = formatter("absolute", () => new Intl.DateTimeFormat(locale, { dateStyle, timeStyle: "short" }));
    return full ? full.format(then) : fallback(then);
  }

  return Object.freeze({
    number: (n) => (plainly && smallInteger(n) ? String(n) : numbers() ? numbers().format(n) : String(n)),
    relative,
    absolute,
  });
}
