/*
 * The dashboard's wording that needs no page: counts, durations, ranges, the server's
 * field errors in a person's words, and setting values as text. Pure, unit-tested.
 */

import { formatNumber } from "@widget/core/time.js";

import { labelOf } from "./policy.js";

/** "1 comment", "3 comments". */
export function plural(n, one, many) {
  return formatNumber(n) + " " + (n === 1 ? one : many);
}

/** "4 min", "2 h 5 min", "3 days": how long something has waited. */
export function age(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return minutes + " min";
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours + " h" + (minutes % 60 ? " " + (minutes % 60) + " min" : "");
  return plural(Math.floor(hours / 24), "day", "days");
}

/** A number of seconds in words: "40 s", "14 min", "2 h 5 min", "3 days"; "" for none. */
export function duration(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return Math.round(seconds) + " s";
  return age(seconds * 1000);
}

/** A range of seconds for a reader: 2592000 → "30 days", 900 → "15 min". */
function secondsWords(n) {
  if (n === 0) return "0";
  if (n % 86400 === 0) return plural(n / 86400, "day", "days");
  if (n % 3600 === 0) return n / 3600 + " h";
  if (n % 60 === 0) return n / 60 + " min";
  return n + " s";
}

/** A field's range as written beside it: "0 to 100", "0 to 2,592,000 (up to 30 days)". */
export function rangeText(spec) {
  if (!spec || typeof spec.min !== "number" || typeof spec.max !== "number") return "";
  let text = formatNumber(spec.min) + " to " + formatNumber(spec.max);
  if (spec.unit === "seconds" && spec.max >= 60) text += " (up to " + secondsWords(spec.max) + ")";
  if (spec.nullable) text += ", or empty";
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

const MESSAGES = [
  [/^Input should be less than or equal to (.+)$/, (m) => "At most " + m[1] + "."],
  [/^Input should be greater than or equal to (.+)$/, (m) => "At least " + m[1] + "."],
  [/^Input should be less than (.+)$/, (m) => "Less than " + m[1] + "."],
  [/^Input should be greater than (.+)$/, (m) => "More than " + m[1] + "."],
  [/^Input should be a valid integer.*$/, () => "A whole number."],
  [/^Input should be a valid number.*$/, () => "A number."],
  [/^String should have at most (\d+) characters?$/, (m) => "At most " + m[1] + " characters."],
  [/^String should have at least (\d+) characters?$/, (m) => "At least " + m[1] + " characters."],
  [/^(?:Tuple|List) should have at most (\d+) items?.*$/, (m) => "At most " + m[1] + " entries."],
  [/^String should match pattern .*$/, () => "Not in the expected form."],
  [/^Input should be (.+)$/, (m) => "Choose " + m[1] + "."],
];

/** A server message about a field (pydantic's English) in plainer words; others as they are. */
export function fieldMessage(message) {
  const text = String(message || "").trim();
  for (const [pattern, word] of MESSAGES) {
    const match = pattern.exec(text);
    if (match) return word(match);
  }
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "Not accepted.";
}

/**
 * A 422's `fields` as [{field, label, message}], one per input; an entry of a list says
 * which line. `known(field)` tells whether the page has an input of that name.
 */
export function fieldProblems(fields, known = () => true) {
  const found = [];
  for (const [path, message] of Object.entries(fields || {})) {
    const { field, index } = fieldKey(path);
    let words = fieldMessage(message);
    if (index !== null) words = "Line " + formatNumber(index + 1) + ": " + words;
    found.push({ field: known(field) ? field : null, label: labelOf(field), message: words });
  }
  return found;
}

/** A setting's value as text for the log: lists joined, empty named, long ones cut. */
export function valueText(value) {
  if (value === null || value === undefined || value === "") return "empty";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number") return formatNumber(value);
  if (Array.isArray(value)) {
    if (!value.length) return "empty";
    const shown = value.slice(0, 8).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
    return value.length > 8 ? shown + " and " + formatNumber(value.length - 8) + " more" : shown;
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
export function changeText(change) {
  if (!isObject(change)) return valueText(change);
  const has = (key) => Object.hasOwn(change, key);
  if (has("added") || has("removed")) {
    const said = [];
    for (const [key, words] of [["added", "added"], ["removed", "removed"]]) {
      const named = Array.isArray(change[key]) ? change[key] : [];
      const total = typeof change[key + "_count"] === "number" ? change[key + "_count"] : named.length;
      if (!total) continue;
      said.push(words + " " + valueText(named) + (total > named.length ? " (" + formatNumber(total) + " in all)" : ""));
    }
    return said.join("; ") || "reordered";
  }
  if (has("from") || has("to")) return valueText(change.from) + " → " + valueText(change.to);
  if (change.changed === true) return "changed";
  return valueText(change);
}
