/*
 * The widget's words: which language to speak, and the text for a key in it.
 *
 * Pure (no DOM, no network): the scripts that load it fetch the language files
 * themselves and hand their tables to `createTranslator`. A language is a file
 * in ../i18n/ plus its code in LANGUAGES.
 *
 * A table maps a key to a string, or to plural forms ({one, few, many, other})
 * chosen by the `n` parameter through Intl.PluralRules. `{name}` in a text is
 * replaced by the parameter of that name (numbers are formatted for the locale).
 * A key missing from a language falls back to English; a publisher's overrides
 * win over both.
 */

export const LANGUAGES = Object.freeze(["en", "ru", "uk", "be"]);
export const FALLBACK = "en";

// What publishers put for Ukrainian when they reach for the country code (as the service reads it).
const ALIASES = Object.freeze({ ua: "uk" });
const CATEGORIES = Object.freeze(["zero", "one", "two", "few", "many", "other"]);
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;
const MAX_OVERRIDES = 500; // keys read from a publisher's data-strings

/** The supported language a tag names by its primary subtag ("ru-RU" → "ru"), or null. */
export function languageOf(tag, supported = LANGUAGES) {
  if (typeof tag !== "string") return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  const code = Object.hasOwn(ALIASES, primary) ? ALIASES[primary] : primary;
  return supported.includes(code) ? code : null;
}

/**
 * The language to speak: the publisher's explicit choice when given, else the page's
 * `<html lang>`, else the first of the reader's languages we have, else English. A tag
 * given but not supported means English: the publisher's page is in a language we lack.
 */
export function chooseLanguage({ explicit, page, browser } = {}, supported = LANGUAGES) {
  for (const tag of [explicit, page]) {
    if (typeof tag === "string" && tag.trim()) return languageOf(tag, supported) || FALLBACK;
  }
  for (const tag of Array.isArray(browser) ? browser : [browser]) {
    const code = languageOf(tag, supported);
    if (code) return code;
  }
  return FALLBACK;
}

function isPlainObject(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Plural forms with only known categories and string values, or null. */
function cleanForms(value) {
  const forms = Object.create(null);
  for (const category of CATEGORIES) {
    if (Object.hasOwn(value, category) && typeof value[category] === "string") {
      forms[category] = value[category];
    }
  }
  return Object.keys(forms).length ? Object.freeze(forms) : null;
}

/**
 * A publisher's overrides, from an object or its JSON text (`data-strings`): key → string
 * or plural forms. Anything else (bad JSON, an array, other values) is dropped, never thrown.
 */
export function readOverrides(value) {
  let data = value;
  if (typeof value === "string") {
    if (!value.trim()) return null;
    try {
      data = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isPlainObject(data)) return null;
  const found = Object.create(null);
  let kept = 0;
  for (const key of Object.keys(data)) {
    if (kept >= MAX_OVERRIDES) break;
    const entry = data[key];
    const clean = typeof entry === "string" ? entry : isPlainObject(entry) ? cleanForms(entry) : null;
    if (clean === null) continue;
    found[key] = clean;
    kept += 1;
  }
  return kept ? Object.freeze(found) : null;
}

function pluralRules(language) {
  try {
    return new Intl.PluralRules(language);
  } catch {
    return new Intl.PluralRules("en");
  }
}

// A language tag of ours, with a script or region at most: Latin digits, and no grouping
// below a thousand, whatever the region (not "en-u-nu-deva", which picks other digits).
const OUR_TAG = /^(?:en|ru|uk|be)(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?$/i;

/**
 * Whether `tag` writes the integers below a thousand as they are (a count, a score), so
 * that the widget writes them without Intl: a page's first Intl number or date format
 * costs it 15 to 45 ms (its locale data loads), most of the widget's start when it comes
 * before the first comments show.
 */
export function writesPlainly(tag) {
  return typeof tag === "string" && OUR_TAG.test(tag);
}

/** An integer below a thousand (either way). */
export const smallInteger = (n) => Number.isInteger(n) && Math.abs(n) < 1000;

function numberFormat(locale, language) {
  for (const tag of [locale, language]) {
    try {
      if (tag) return new Intl.NumberFormat(tag);
    } catch {
      /* try the next */
    }
  }
  return new Intl.NumberFormat();
}

/**
 * The translator for `language`: `t(key, params)` gives text, `parts(key, params)` gives
 * the text split around parameters that are not strings or numbers (elements, say), so a
 * caller can put them in place without ever parsing HTML; `has(key)` tells whether any
 * table words the key. `locale` formats numbers (the page's own tag, "en-GB" or "ru-RU");
 * it defaults to the language. `add(strings)` merges in more of the language's words (a
 * language comes in two files: the first screen's, and the rest, fetched when needed).
 * `overrides` is a publisher's words as readOverrides answers them (read by the caller, so
 * that a page without them never downloads the reading: app/overrides.js).
 */
export function createTranslator({ language = FALLBACK, strings, fallback, overrides, locale } = {}) {
  const own = Object.assign({}, isPlainObject(strings) ? strings : {});
  const english = isPlainObject(fallback) ? fallback : own;
  const extra = isPlainObject(overrides) ? overrides : {};
  const ownRules = pluralRules(language);
  const englishRules = pluralRules(FALLBACK);
  let numbers = null; // made when a number first needs Intl (see writesPlainly)
  const plainly = writesPlainly(locale || language);
  const said = new Map(); // key → its text, for keys said without parameters (most of a page's)
  // Where a key is looked for, in order, with the plural rules of each source's language.
  const sources = [[extra, ownRules], [own, ownRules], [english, englishRules]];

  function template(key, params) {
    const count = params && typeof params.n === "number" && Number.isFinite(params.n) ? params.n : null;
    for (const [table, rules] of sources) {
      if (!Object.hasOwn(table, key)) continue;
      const entry = table[key];
      if (typeof entry === "string") return entry;
      if (!isPlainObject(entry)) continue;
      const category = count === null ? "other" : rules.select(count);
      const form = Object.hasOwn(entry, category) ? entry[category] : entry.other;
      if (typeof form === "string") return form;
    }
    return key; // a key no table has: a mistake in the widget, shown rather than hidden
  }

  function show(value) {
    if (typeof value !== "number") return String(value);
    if (plainly && smallInteger(value)) return String(value);
    return (numbers ||= numberFormat(locale, language)).format(value);
  }

  // A text → its pieces: text, a parameter's name, text, … (split once, said many times).
  const split = new Map();
  function pieces(key, params) {
    const text = template(key, params);
    if (!split.has(text)) split.set(text, text.split(PLACEHOLDER));
    return split.get(text);
  }

  /** Parameter `name`'s value; a placeholder without one stays as written. */
  function given(params, name) {
    const value = params && Object.hasOwn(params, name) ? params[name] : null;
    return value === null || value === undefined ? "{" + name + "}" : value;
  }

  function parts(key, params) {
    const out = [];
    const push = (piece) => {
      if (typeof piece === "string" && typeof out[out.length - 1] === "string") out[out.length - 1] += piece;
      else if (piece !== "") out.push(piece);
    };
    for (const [i, piece] of pieces(key, params).entries()) {
      const value = i % 2 ? given(params, piece) : piece; // odd pieces name a parameter
      push(typeof value === "object" || i % 2 === 0 ? value : show(value));
    }
    return out;
  }

  function t(key, params) {
    if (!params && said.has(key)) return said.get(key);
    const p = pieces(key, params);
    let text = p[0];
    for (let i = 1; i < p.length; i += 2) text += show(given(params, p[i])) + p[i + 1];
    if (!params) said.set(key, text);
    return text;
  }

  function has(key) {
    return sources.some(([table]) => Object.hasOwn(table, key));
  }

  function add(more) {
    said.clear(); // a key shown as itself may have words now
    if (isPlainObject(more)) for (const key of Object.keys(more)) Object.hasOwn(own, key) || (own[key] = more[key]);
  }

  return Object.freeze({ language, t, parts, has, add, number: show });
}
