/*
 * The translator for a widget or count.js: core/i18n.js chooses the language and its
 * files hold the words: ../i18n/<code>.js the first screen's, and ../i18n-later/<code>.js
 * the rest (the modules asked for on demand; words-later.js fetches them with the first). Every
 * language words every key (the languages test holds them to it), so only the chosen
 * one is fetched; English stands in when it can't be.
 */

import { FALLBACK, chooseLanguage, createTranslator } from "../core/i18n.js";

// `code` is one of core/i18n.js's LANGUAGES: chooseLanguage answers nothing else.
const table = (code) => import(new URL("../i18n/" + code + ".js", import.meta.url).href).then((m) => m.default, () => null);

/**
 * The translator for `choice` ({explicit, page, browser}, as chooseLanguage takes it),
 * with the publisher's `overrides` (data-strings, read by overrides.js, which only a page
 * that has them downloads) and numbers in `locale`; null (and a warning) when not even
 * English can be loaded. `guessed` is the loader's {code, table}: its table is taken for
 * that language, an import already made.
 */
export async function loadWords(choice, { overrides, locale, guessed } = {}) {
  let language = chooseLanguage(choice);
  const reading = overrides ? import("./overrides.js").then((m) => m.readOverrides(overrides), () => null) : null;
  let strings = (guessed && guessed.code === language && (await guessed.table)) || (await table(language));
  if (!strings && language !== FALLBACK) strings = await table((language = FALLBACK));
  if (!strings) {
    console.warn("Comments: could not load the widget's words.");
    return null;
  }
  return createTranslator({ language, strings, overrides: await reading, locale });
}

