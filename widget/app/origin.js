/*
 * A page on an origin the site doesn't allow. The browser hides the service's refusal
 * (no CORS header), so every request there looks like a network failure; the service's
 * origin check is readable from any origin and tells the two apart. When the origin isn't
 * allowed, the widget says so in words that name it and what its publisher can do,
 * instead of "check your connection". Asked for on the first network failure.
 */

import { renderAccount } from "./account.js";

/** After a network failure shown in `el`: the words for a refused origin, once known. */
export async function checkOrigin(w, el) {
  const network = w.t("error.network");
  // The check's own answer clears the failure from the status line (main.js `reached`).
  const inStatus = w.statusEl.textContent === network;
  if (!w.originCheck) {
    w.originCheck = w.api.originCheck().then(
      // No origin seen: a page on the service's own origin (browsers send none on same-origin GETs).
      (answer) => (answer && answer.allowed === false && answer.origin ? refusal(w, answer.origin) : null),
      () => {
        w.originCheck = null; // the check failed too: a real network failure; ask again next time
        return null;
      },
    );
  }
  const text = await w.originCheck;
  if (!text || w.destroyed) return;
  w.blocked = text;
  if (el && el !== w.statusEl && el.isConnected && el.textContent === network) el.textContent = text;
  const status = w.statusEl.textContent;
  if (status === network || (inStatus && !status)) w.say(text, "error");
  // The login buttons can't work either: no second copy of the words there.
  if (w.providersError === network) {
    w.providersError = null;
    w.providers = [];
    renderAccount(w);
  }
}

/** The words: the site doesn't take comments from pages of `origin`; its publisher can add it. */
function refusal(w, origin) {
  return w.t("origin.blocked") + " " + String(origin) + ". " + w.t("origin.fix");
}
