/*
 * The dashboard's wording that needs no page: counts, durations, ranges, the server's
 * field errors in a person's words, and setting values as text. Pure, unit-tested.
 * Each wording function takes the dashboard's translator last (`t(key, params)`);
 * without one it speaks English.
 */

import { createTranslator } from "@widget/core/i18n.js";
import { formatNumber } from "@widget/core/time.js";

import english from "./i18n/en.js";
import { labelOf } from "./policy.js";

const inEnglish = createTranslator({ language: "en", strings: english });
const EN = (key, params) => inEnglish.t(key, params);

/** `n` days in words, the number as formatNumber writes it: "1 day", "3 days". */
function days(n, t) {
  return t("words.days", { n, count: formatNumber(n) });
}

/** "4 min", "2 h 5 min", "3 days": how long something has waited. */
export function age(ms, t = EN) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return t("words.underAMinute");
  if (minutes < 60) return t("words.minutes", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? t("words.hoursMinutes", { h: hours, m: minutes % 60 }) : t("words.hours", { n: hours });
  return days(Math.floor(hours / 24), t);
}

/** A number of seconds in words: "40 s", "14 min", "2 h 5 min", "3 days"; "" for none. */
export function duration(seconds, t = EN) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return t("words.seconds", { n: Math.round(seconds) });
  return age(seconds * 1000, t);
}

/** A range of seconds for a reader: 2592000 → "30 days", 900 → "15 min". */
function secondsWords(n, t) {
  if (n === 0) return "0";
  // as strings: written as they are, like a field's own numbers
  if (n % 86400 === 0) return days(n / 86400, t);
  if (n % 3600 === 0) return t("words.hours", { n: String(n / 3600) });
  if (n % 60 === 0) return t("words.minutes", { n: String(n / 60) });
  return t("words.seconds", { n: String(n) });
}

/** A field's range as written beside it: "0 to 100", "0 to 2,592,000 (up to 30 days)". */
export function rangeText(spec, t = EN) {
  if (!spec || typeof spec.min !== "number" || typeof spec.max !== "number") return "";
  let text = t("words.range", { min: formatNumber(spec.min), max: formatNumber(spec.max) });
  if (spec.unit === "seconds" && spec.max >= 60) text = t("words.rangeUpTo", { range: text, span: secondsWords(spec.max, t) });
  if (spec.nullable) text = t("words.rangeOrEmpty", { range: text });
  return text;
}

/**
 * Which input a server field path names, and which entry of a list: "policy.max_links"
 * and "max_links" → {field: "max_links"}; "policy.banned_words.3" → {field, index: 3}.
 */
export function fieldKey(path) {
  const parts = String(path).replace(/^body\./, "").split(".");
  if (parts[0] === "policy" && parts.length > 1) parts.shift();
  const index = parts.length > 1 && /^\d+$/.test(parts[1]) ? Number(parts[1]) : null;
  return { field: parts[0], index };
}

// A count the server wrote: its digits as sent, the number for the plural.
const counted = (digits) => ({ n: Number(digits), count: digits });

// Pydantic's choices ("'off', 'new' or 'all'") with the "or" in the page's language.
const options = (list, t) => list.split("' or '").join("' " + t("words.or") + " '");

const MESSAGES = [
  [/^Input should be less than or equal to (.+)$/, (m, t) => t("words.atMost", { value: m[1] })],
  [/^Input should be greater than or equal to (.+)$/, (m, t) => t("words.atLeast", { value: m[1] })],
  [/^Input should be less than (.+)$/, (m, t) => t("words.lessThan", { value: m[1] })],
  [/^Input should be greater than (.+)$/, (m, t) => t("words.moreThan", { value: m[1] })],
  [/^Input should be a valid integer.*$/, (m, t) => t("words.wholeNumber")],
  [/^Input should be a valid number.*$/, (m, t) => t("words.aNumber")],
  [/^String should have at most (\d+) characters?$/, (m, t) => t("words.atMostCharacters", counted(m[1]))],
  [/^String should have at least (\d+) characters?$/, (m, t) => t("words.atLeastCharacters", counted(m[1]))],
  [/^(?:Tuple|List) should have at most (\d+) items?.*$/, (m, t) => t("words.atMostEntries", counted(m[1]))],
  [/^String should match pattern .*$/, (m, t) => t("words.notExpectedForm")],
  [/^Input should be (.+)$/, (m, t) => t("words.choose", { options: options(m[1], t) })],
];

/** A server message about a field (pydantic's English) in plainer words; others as they are. */
export function fieldMessage(message, t = EN) {
  const text = String(message || "").trim();
  for (const [pattern, word] of MESSAGES) {
    const match = pattern.exec(text);
    if (match) return word(match, t);
  }
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : t("words.notAccepted");
}

/**
 * A 422's `fields` as [{field, label, message}], one per input; an entry of a list says
 * which line. `known(field)` tells whether the page has an input of that name.
 */
export function fieldProblems(fields, known = () => true, t = EN) {
  const found = [];
  for (const [path, message] of Object.entries(fields || {})) {
    const { field, index } = fieldKey(path);
    let words = fieldMessage(message, t);
    if (index !== null) words = t("words.onLine", { line: formatNumber(index + 1), message: words });
    found.push({ field: known(field) ? field : null, label: labelOf(field, t), message: words });
  }
  return found;
}

/** A setting's value as text for the log: lists joined, empty named, long ones cut. */
export function valueText(value, t = EN) {
  if (value === null || value === undefined || value === "") return t("words.empty");
  if (typeof value === "boolean") return value ? t("words.on") : t("words.off");
  if (typeof value === "number") return formatNumber(value);
  if (Array.isArray(value)) {
    if (!value.length) return t("words.empty");
    const shown = value.slice(0, 8).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
    if (value.length <= 8) return shown;
    return t("words.andMore", { shown, n: value.length - 8, count: formatNumber(value.length - 8) });
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 200 ? text.slice(0, 199) + "…" : text;
}

function isObject(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/**
 * One field's change as the log keeps it, in words: "off → all"; for a list what was
 * added and removed; "changed" for a secret (its value never enters the log).
 */
export function changeText(change, t = EN) {
  if (!isObject(change)) return valueText(change, t);
  const has = (key) => Object.hasOwn(change, key);
  if (has("added") || has("removed")) {
    const said = [];
    const sides = [["added", "words.added", "words.addedOfAll"], ["removed", "words.removed", "words.removedOfAll"]];
    for (const [key, some, ofAll] of sides) {
      const named = Array.isArray(change[key]) ? change[key] : [];
      const total = typeof change[key + "_count"] === "number" ? change[key + "_count"] : named.length;
      if (!total) continue;
      const values = valueText(named, t);
      said.push(total > named.length ? t(ofAll, { values, n: total, count: formatNumber(total) }) : t(some, { values }));
    }
    return said.join("; ") || t("words.reordered");
  }
  if (has("from") || has("to")) return valueText(change.from, t) + " → " + valueText(change.to, t);
  if (change.changed === true) return t("words.changed");
  return valueText(change, t);
}
