/*
 * The Preview toggle of a form (composer.js: new comments, replies, edits): the text as
 * readers would see it once posted, rendered and sanitised by the service, which stores
 * nothing. While it shows, the text waits hidden; pressed again, the reader writes on.
 */

import { h, trustedHtml } from "../core/dom.js";

// The text looks as a comment's body does (styles.js), apart from the comments on screen.
export const PREVIEW_CSS = `
  .cw-preview { min-height: 5.5rem; padding: 0.6rem 0.7rem; border: 1px dashed var(--rule); border-radius: 4px; background: var(--field); font: 1.02rem/1.6 var(--serif); overflow-wrap: anywhere; }
  .cw-preview > :first-child { margin-top: 0; }
  .cw-preview > :last-child { margin-bottom: 0; }
  .cw-preview p, .cw-preview ul, .cw-preview ol, .cw-preview blockquote, .cw-preview pre { margin: 0 0 0.7em; }
  .cw-preview a { color: var(--link); }
  .cw-preview blockquote { margin-left: 0; padding-left: 0.8rem; border-left: 3px solid var(--rule); color: var(--muted); }
  .cw-preview pre { overflow-x: auto; }
  .cw-preview img { max-width: 100%; height: auto; }
  .cw-preview .cw-muted, .cw-preview-error { margin: 0; font: 0.9rem/1.5 var(--sans); }
  .cw-preview-error { color: var(--error); }
`;

/**
 * The toggle for a form's `textarea`: its button (for the form's actions) and its area
 * (for after the textarea). `reset()` goes back to writing (after a post, say).
 */
export function createPreview(w, textarea) {
  w.style(PREVIEW_CSS);
  const area = h("div", { class: "cw-preview", "aria-live": "polite", hidden: true });
  const button = h("button", {
    type: "button", class: "cw-btn cw-btn-quiet", "data-action": "preview", "aria-pressed": "false",
    onclick: () => (area.hidden ? show() : reset(true)),
  }, w.t("preview.show"));
  let seq = 0;

  async function show() {
    const mine = ++seq;
    area.hidden = false;
    textarea.hidden = true;
    button.setAttribute("aria-pressed", "true");
    const text = textarea.value;
    if (!text.trim()) return area.replaceChildren(h("p", { class: "cw-muted" }, w.t("preview.empty")));
    area.setAttribute("aria-busy", "true");
    area.replaceChildren(h("p", { class: "cw-muted" }, w.t("list.loading")));
    try {
      const answer = await w.api.preview(text);
      if (mine === seq) area.replaceChildren(...trustedHtml("div", "", answer && answer.html).childNodes);
    } catch (error) {
      if (mine !== seq || w.ignorable(error)) return;
      const words = error.status === 429 && !error.message ? w.t("preview.limited") : w.explain(error);
      area.replaceChildren(h("p", { class: "cw-preview-error", role: "alert" }, words));
      if (error.code === "network") w.checkOrigin(area.firstChild);
    } finally {
      if (mine === seq) area.removeAttribute("aria-busy");
    }
  }

  function reset(focus) {
    seq += 1;
    area.hidden = true;
    area.replaceChildren();
    textarea.hidden = false;
    button.setAttribute("aria-pressed", "false");
    if (focus) textarea.focus();
  }

  return { button, area, reset: () => reset(false) };
}
