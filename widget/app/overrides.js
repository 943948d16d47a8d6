/*
 * A publisher's own words for the widget (data-strings, or the `strings` option), read
 * and checked (core/i18n.js readOverrides): asked for by words.js only on a page that
 * gives them, so the first screen of every other page goes without the reading.
 */

export { readOverrides } from "../core/i18n.js";
