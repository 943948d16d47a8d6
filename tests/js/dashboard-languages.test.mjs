// The dashboard's language files (comments/static/dashboard/i18n/*.js): Russian words
// exactly the keys English has, with Russian's plural forms and the same parameters, in
// Cyrillic, and none is left in English; every key the dashboard asks for (its modules'
// t() and tParts(), the page's data-t attributes) is in English, and every English key
// is asked for somewhere.
import "./support/import-map.mjs";

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { forms, languageTableTests } from "./support/language-tables.mjs";

const DASHBOARD = new URL("../../comments/static/dashboard/", import.meta.url);
const { DASHBOARD_LANGUAGES } = await import(new URL("language.js", DASHBOARD).href);
const tables = Object.fromEntries(
  await Promise.all(DASHBOARD_LANGUAGES.map(async (code) => [code, (await import(new URL(`i18n/${code}.js`, DASHBOARD).href)).default]))
);
const en = tables.en;
const others = DASHBOARD_LANGUAGES.filter((code) => code !== "en");

// Texts a translation may leave as English says them, per language: names and symbols.
const SAME_AS_ENGLISH = Object.freeze({ ru: [] });

describe("the dashboard's language files", () => {
  test("one file per listed language, and a listed language per file", () => {
    const files = readdirSync(new URL("i18n/", DASHBOARD)).filter((name) => name.endsWith(".js"));
    assert.deepEqual(files.map((name) => name.slice(0, -3)).sort(), [...DASHBOARD_LANGUAGES].sort());
  });

  languageTableTests(tables, SAME_AS_ENGLISH);

  for (const code of others) {
    test(`${code}: written in Cyrillic`, () => {
      const allowed = new Set(SAME_AS_ENGLISH[code]);
      for (const [key, entry] of Object.entries(tables[code])) {
        if (allowed.has(key)) continue;
        for (const form of forms(entry)) assert.match(form, /\p{Script=Cyrillic}/u, `${code} ${key} has no Cyrillic: ${form}`);
      }
    });
  }
});

describe("the dashboard and its keys", () => {
  const names = readdirSync(DASHBOARD).filter((name) => name.endsWith(".js") || name.endsWith(".html"));
  const sources = names.map((name) => readFileSync(new URL(name, DASHBOARD), "utf8"));
  const asked = sources.flatMap((text) => [
    ...[...text.matchAll(/\b(?:t|tParts)\(\s*"([^"]+)"/g)].map((m) => m[1]),
    ...[...text.matchAll(/\bdata-t(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]),
  ]);
  const literals = new Set(sources.flatMap((text) => [...text.matchAll(/"([a-z]+\.[A-Za-z0-9_.]+)"/g)].map((m) => m[1])));

  test("every key the dashboard asks for is in en.js", () => {
    assert.ok(asked.length > 60, "the dashboard asks for its words through t() and data-t");
    assert.deepEqual(asked.filter((key) => !Object.hasOwn(en, key)), []);
  });

  test("every key in en.js is used by the dashboard", () => {
    assert.deepEqual(Object.keys(en).filter((key) => !literals.has(key)), []);
  });
});
