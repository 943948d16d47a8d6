/*
 * Numbers and times in the reader's locale. Pure: Intl only, and a bad locale or date
 * falls back to something readable instead of throwing.
 */

export function formatNumber(n, lang) {
  try {
    return new Intl.NumberFormat(lang || undefined).format(n);
  } catch {
    return String(n);
  }
}

/**
 * "3 minutes ago", "yesterday", or the date itself past `dateAfterDays`; `style` is
 * Intl's ("long" in the widget, "short" in the dashboard). `now` is for tests.
 */
export function relativeTime(iso, lang, { style = "long", dateAfterDays = 30, now = Date.now() } = {}) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = (then - now) / 1000;
  const abs = Math.abs(seconds);
  try {
    if (abs > dateAfterDays * 86400) {
      return new Date(then).toLocaleDateString(lang || undefined, {
        year: "numeric", month: "short", day: "numeric",
      });
    }
    const rtf = new Intl.RelativeTimeFormat(lang || undefined, { numeric: "auto", style });
    if (abs < 45) return rtf.format(0, "second");
    if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
    if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
    return rtf.format(Math.round(seconds / 86400), "day");
  } catch {
    return new Date(then).toLocaleString();
  }
}

/** The full date and time, for a tooltip. */
export function absoluteTime(iso, lang, dateStyle = "long") {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  try {
    return new Date(then).toLocaleString(lang || undefined, { dateStyle, timeStyle: "short" });
  } catch {
    return new Date(then).toLocaleString();
  }
}
