/*
 * The words only the modules asked for on demand show (../i18n-later/<code>.js), merged
 * into the widget's translator with the first of those modules: a module of its own, so
 * the first screen carries neither the files' map nor this.
 */

import { FALLBACK } from "../core/i18n.js";

const rest = (code) => import(new URL("../i18n-later/" + code + ".js", import.meta.url).href).then((m) => m.default, () => null);
const added = new WeakMap(); // translator → its rest, added once

/** The rest of `i18n`'s language merged into it, once; what can't be fetched shows as its key. */
export function loadLater(i18n) {
  if (!i18n) return Promise.resolve();
  if (!added.has(i18n)) {
    const more = rest(i18n.language).then((strings) => strings || (i18n.language !== FALLBACK ? rest(FALLBACK) : null));
    added.set(i18n, more.then((strings) => i18n.add(strings)));
  }
  return added.get(i18n);
}
