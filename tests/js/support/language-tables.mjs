// What every language file of the widget's and the dashboard's must hold against English:
// text or the plural forms its language needs, exactly English's keys, plural where English
// is, with the same parameters, and nothing left as English says it.
import assert from "node:assert/strict";
import { test } from "node:test";

export const isPlural = (entry) => entry !== null && typeof entry === "object";
export const forms = (entry) => (isPlural(entry) ? Object.values(entry) : [entry]);
export const placeholders = (text) => [...text.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]).sort();

/** The tests for `tables` (code → words, English's under "en"); `sameAsEnglish`: code → keys allowed to read as English. */
export function languageTableTests(tables, sameAsEnglish = {}) {
  const en = tables.en;
  for (const [code, table] of Object.entries(tables)) {
    test(`${code}: every entry is text or plural forms with the categories ${code} needs`, () => {
      const needed = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
      for (const [key, entry] of Object.entries(table)) {
        if (!isPlural(entry)) {
          assert.equal(typeof entry, "string", key);
          assert.ok(entry.trim(), `${code} ${key} is empty`);
          continue;
        }
        assert.deepEqual(Object.keys(entry).sort(), [...needed].sort(), `${code} ${key}`);
        for (const form of Object.values(entry)) assert.equal(typeof form, "string", key);
      }
    });
    if (code === "en") continue;

    test(`${code}: exactly the keys of en.js`, () => {
      const missing = Object.keys(en).filter((key) => !Object.hasOwn(table, key));
      const extra = Object.keys(table).filter((key) => !Object.hasOwn(en, key));
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
    });

    test(`${code}: plural where English is plural, with the same parameters`, () => {
      for (const [key, english] of Object.entries(en)) {
        const entry = table[key];
        assert.equal(isPlural(entry), isPlural(english), `${code} ${key}`);
        const wanted = placeholders(forms(english).at(-1));
        for (const form of forms(entry)) assert.deepEqual(placeholders(form), wanted, `${code} ${key}: ${form}`);
      }
    });

    test(`${code}: nothing is left in English`, () => {
      const allowed = new Set(sameAsEnglish[code] || []);
      const same = Object.keys(en).filter((key) => {
        const english = forms(en[key]);
        return !allowed.has(key) && forms(table[key]).some((form) => english.includes(form));
      });
      assert.deepEqual(same, [], `${code} says these as English does`);
    });
  }
}
