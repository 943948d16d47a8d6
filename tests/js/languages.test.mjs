// The language files (widget/i18n/*.js, the first screen's words, and widget/i18n-later/*.js,
// the rest): every language words exactly the keys English has, with the plural forms its
// language needs and the same parameters, in its own alphabet, and none is left in English;
// each key in one of its two files, the same one as in English. The widget's scripts ask
// only for keys English has.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { LANGUAGES } from "../../widget/core/i18n.js";
import { forms, isPlural, languageTableTests, placeholders } from "./support/language-tables.mjs";

const WIDGET = new URL("../../widget/", import.meta.url);
const load = async (folder) =>
  Object.fromEntries(
    await Promise.all(
      LANGUAGES.map(async (code) => [code, (await import(new URL(`${folder}/${code}.js`, WIDGET))).default]),
    ),
  );
const firsts = await load("i18n");
const laters = await load("i18n-later");
const tables = Object.fromEntries(LANGUAGES.map((code) => [code, { ...firsts[code], ...laters[code] }]));
const en = tables.en;
const others = LANGUAGES.filter((code) => code !== "en");

// Texts a translation may leave as English says them: none so far. Add a key here only
// for a name or a word every language writes the same ("OK", "Markdown"), per language.
const SAME_AS_ENGLISH = Object.freeze({ ru: [], uk: [], be: [] });

// Letters one of these languages uses and the others don't: a slip into the wrong alphabet.
const FOREIGN_LETTERS = Object.freeze({
  ru: /[іїєґў]/iu,
  uk: /[ыэёъ]/iu,
  be: /[иїєґщъ]/iu,
});

// Keys the scripts build from a name ("sort." + key): their prefixes.
const BUILT_KEYS = ["sort.", "reason.", "login.lost.", "need.", "role."];

describe("the language files", () => {
  for (const folder of ["i18n", "i18n-later"]) {
    test(`${folder}/: one file per listed language, and a listed language per file`, () => {
      const files = readdirSync(new URL(folder + "/", WIDGET)).filter((name) => name.endsWith(".js"));
      assert.deepEqual(files.map((name) => name.slice(0, -3)).sort(), [...LANGUAGES].sort());
    });
  }

  for (const code of LANGUAGES) {
    test(`${code}: each key in one file, the first screen's or the rest, as in English`, () => {
      const both = Object.keys(firsts[code]).filter((key) => Object.hasOwn(laters[code], key));
      assert.deepEqual(both, []);
      for (const key of Object.keys(firsts[code])) assert.ok(Object.hasOwn(firsts.en, key), `${code} ${key} is not first in en`);
      for (const key of Object.keys(laters[code])) assert.ok(Object.hasOwn(laters.en, key), `${code} ${key} is first in en`);
    });
  }

  languageTableTests(tables, SAME_AS_ENGLISH);

  for (const code of others) {
    test(`${code}: written in its own alphabet`, () => {
      for (const [key, entry] of Object.entries(tables[code])) {
        for (const form of forms(entry)) {
          assert.doesNotMatch(form, FOREIGN_LETTERS[code], `${code} ${key}: ${form}`);
          assert.match(form, /\p{Script=Cyrillic}/u, `${code} ${key} has no Cyrillic: ${form}`);
        }
      }
    });
  }

  test("every parameter in English is a known one", () => {
    const known = new Set(["n", "name", "provider", "date", "status", "email"]);
    for (const [key, entry] of Object.entries(en)) {
      for (const form of forms(entry)) {
        for (const name of placeholders(form)) assert.ok(known.has(name), `${key}: {${name}}`);
      }
      if (isPlural(entry)) assert.ok(forms(entry).every((f) => f.includes("{n}")), key);
    }
  });
});

describe("the scripts and the keys", () => {
  // The embed scripts and the modules (app/, core/): where the widget asks for its words.
  const modules = ["app/", "core/"].flatMap((dir) =>
    readdirSync(new URL(dir, WIDGET)).filter((name) => name.endsWith(".js")).map((name) => dir + name));
  const sources = ["comments.js", "count.js", ...modules].map((name) => readFileSync(new URL(name, WIDGET), "utf8"));
  const literals = new Set(sources.flatMap((text) => [...text.matchAll(/"([a-z_]+(?:\.[A-Za-z_]+)*)"/g)].map((m) => m[1])));
  const asked = sources.flatMap((text) =>
    [...text.matchAll(/\b(?:t|parts)\(\s*"([^"]+)"/g)].map((m) => m[1]),
  );

  test("every key the scripts ask for is in en.js", () => {
    assert.ok(asked.length > 50, "the scripts ask for their words through t()");
    const unknown = asked.filter((key) => !Object.hasOwn(en, key) && !BUILT_KEYS.includes(key));
    assert.deepEqual(unknown, []);
  });

  test("every key in en.js is used by a script", () => {
    const unused = Object.keys(en).filter(
      (key) => !literals.has(key) && !BUILT_KEYS.some((prefix) => key.startsWith(prefix)),
    );
    assert.deepEqual(unused, []);
  });

  test("the keys built from names exist for every name", () => {
    const widget = sources.join("\n");
    const list = (name) => JSON.parse(widget.match(new RegExp(`const ${name} = Object\\.freeze\\((\\[[^\\]]*\\])`))[1]);
    for (const sort of list("SORTS")) assert.ok(Object.hasOwn(en, `sort.${sort}`), sort);
    for (const reason of list("REPORT_REASONS")) assert.ok(Object.hasOwn(en, `reason.${reason}`), reason);
    for (const why of ["closed", "severed", "unknown", "timeout"]) assert.ok(Object.hasOwn(en, `login.lost.${why}`));
    for (const what of ["vote", "reply", "report"]) assert.ok(Object.hasOwn(en, `need.${what}`));
  });
});
