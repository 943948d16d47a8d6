/*
 * Numbers and times in the reader's locale. Pure: Intl only, and a bad locale or date
 * falls back to something readable instead of throwing.
 */

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
 */
export function createFormats(lang, { style = "long", dateAfterDays = 30, dateStyle = "long" } = {}) {
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

  function relative(iso, now = Date.now()) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "";
    const seconds = (then - now) / 1000;
    const abs = Math.abs(seconds);
    if (abs > dateAfterDays * 86400) {
      const date = formatter("date", () => new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric" }));
      return date ? date.format(then) : fallback(then);
    }
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
    number: (n) => (numbers() ? numbers().format(n) : String(n)),
    relative,
    absolute,
  });
}
