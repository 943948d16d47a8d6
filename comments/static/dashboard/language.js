/*
 * The dashboard's language: English or Russian, the moderator's choice (the picker in the
 * top bar, remembered in this browser), else the browser's languages. Its words are in
 * i18n/<code>.js (the same translator as the widget's, core/i18n.js: plural rules and
 * `{name}` parameters); the page's own text (index.html) carries `data-t` keys and is
 * written in the language as the dashboard starts. Requests say the language
 * (`Accept-Language`), so the service's own messages (a reason, an error) come in it.
 */

import { FALLBACK, chooseLanguage, createTranslator } from "@widget/core/i18n.js";

import { memory } from "./state.js";

export const DASHBOARD_LANGUAGES = Object.freeze(["en", "ru"]);
// Each language named in itself, for the picker.
export const LANGUAGE_NAMES = Object.freeze({ en: "English", ru: "Русский" });
export const LANGUAGE_KEY = "comments:moderate:lang";
// The attributes `data-t-<attribute>` words, beside the text that `data-t` words.
const WORDED_ATTRIBUTES = Object.freeze(["aria-label", "title", "placeholder"]);

const table = (code) => import("./i18n/" + code + ".js").then((m) => m.default, () => null);

export const language = {
  /** Loads the words of the chosen language (English when its file can't be had). */
  async loadLanguage() {
    const kept = memory.get(LANGUAGE_KEY);
    const chosen = DASHBOARD_LANGUAGES.includes(kept)
      ? kept
      : chooseLanguage({ browser: Array.from(navigator.languages || [navigator.language || ""]) }, DASHBOARD_LANGUAGES);
    const english = await table(FALLBACK);
    let code = chosen;
    let strings = code === FALLBACK ? english : await table(code);
    if (!strings) [code, strings] = [FALLBACK, english];
    this.i18n = createTranslator({ language: code, strings: strings || {}, fallback: english || {} });
    document.documentElement.lang = code;
    this.translatePage(document);
  },

  /** The text for `key` in the dashboard's language; `params` fill `{name}` and choose plurals (`n`). */
  t(key, params) {
    return this.i18n ? this.i18n.t(key, params) : key;
  },

  /** `t`, split around parameters that are elements, to put them in place as nodes. */
  tParts(key, params) {
    return this.i18n ? this.i18n.parts(key, params) : [key];
  },

  /** Writes every `data-t` text and `data-t-<attribute>` under `root` in the language. */
  translatePage(root) {
    for (const el of root.querySelectorAll("[data-t]")) el.textContent = this.t(el.dataset.t);
    for (const name of WORDED_ATTRIBUTES) {
      const attribute = "data-t-" + name;
      for (const el of root.querySelectorAll("[" + attribute + "]")) el.setAttribute(name, this.t(el.getAttribute(attribute)));
    }
  },

  /** The language picker in the top bar: a choice is remembered, and the page reloads in it. */
  bindLanguagePicker() {
    const picker = this.el.languagePicker;
    if (!picker) return;
    const current = this.i18n ? this.i18n.language : FALLBACK;
    picker.replaceChildren(
      ...DASHBOARD_LANGUAGES.map((code) => {
        const option = document.createElement("option");
        option.value = code;
        option.lang = code;
        option.textContent = LANGUAGE_NAMES[code];
        option.selected = code === current;
        return option;
      })
    );
    picker.addEventListener("change", () => {
      memory.set(LANGUAGE_KEY, picker.value);
      location.reload();
    });
  },

  /** The language requests name in `Accept-Language`. */
  languageTag() {
    return this.i18n ? this.i18n.language : FALLBACK;
  },
};
