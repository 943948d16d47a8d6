/*
 * The account panel, opened from the reader's name: their data to take away (a JSON
 * file of every comment and vote, GET /api/v1/me/export), their e-mail choices
 * (notify-choices.js; hidden when the service sends no mail) and the erasure of their
 * account (DELETE /api/v1/me, asked twice: comments become "deleted", the profile and
 * every session go, the widget logs out). Asked for on the first click of the name.
 */

import { h } from "../core/dom.js";
import { renderAccount } from "./account.js";
import { choicesSection } from "./notify-choices.js";

// The composer's offer of replies by e-mail, from here: notify-choices.js stays in this
// module's chunk, and the bundle's map (which the loader carries) gains no entry.
export { notifyOffer } from "./notify-choices.js";

const PANEL_CSS = `
  .cw-panel { margin-top: 0.6rem; padding: 0.75rem; border: 1px solid var(--rule); border-radius: 4px; background: var(--surface); display: grid; gap: 0.6rem; justify-items: start; }
  .cw-panel-title { margin: 0; font-size: 1rem; }
  .cw-panel-warning { margin: 0; color: var(--error); font-size: 0.9rem; }
  .cw-panel-row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
  .cw-me-toggle[aria-expanded="true"] { text-decoration-style: solid; }
`;
const FILE_NAME = "my-comments.json"; // as the service names it

/** Opens the panel under the reader's name, or closes it; `trigger` is the name's button. */
export function togglePanel(w, trigger) {
  // The name may have been drawn again while this module loaded (the login confirmed, say):
  // the panel goes under the name on screen, not under the one clicked.
  if (!trigger.isConnected) trigger = w.accountEl.querySelector(".cw-me-toggle");
  if (!trigger) return; // logged out meanwhile
  if (w.accountPanel) {
    close(w);
    return w.accountEl.querySelector(".cw-me-toggle")?.focus();
  }
  w.style(PANEL_CSS);
  const titleId = w.uid("panel");
  const status = h("p", { class: "cw-inline-note", role: "status" });
  const exporter = h("button", { type: "button", class: "cw-btn", "data-action": "export" }, w.t("account.export"));
  exporter.addEventListener("click", () => download(w, exporter, status));
  const eraser = h("div", { class: "cw-panel-row" },
    h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "erase", onclick: () => askToErase(w, eraser, status) },
      w.t("account.erase")));
  const panel = h(
    "section",
    { class: "cw-panel", "aria-labelledby": titleId, "data-panel": "account" },
    h("h3", { id: titleId, class: "cw-panel-title" }, w.t("account.panel")),
    exporter,
    // The reader's e-mail choices (notify-choices.js), between the data and the erasure.
    choicesSection(w),
    eraser,
    status
  );
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    close(w);
    w.accountEl.querySelector(".cw-me-toggle")?.focus();
  });
  w.accountPanel = panel;
  trigger.setAttribute("aria-expanded", "true");
  trigger.closest(".cw-me").after(panel);
  exporter.focus();
}

function close(w) {
  if (w.accountPanel) w.accountPanel.remove();
  w.accountPanel = null;
  const toggle = w.accountEl.querySelector(".cw-me-toggle");
  if (toggle) toggle.setAttribute("aria-expanded", "false");
}

/** Everything the service holds of the reader, saved as a JSON file through a Blob link. */
async function download(w, button, status) {
  button.disabled = true;
  status.textContent = "";
  try {
    const data = await w.api.call("GET", "/api/v1/me/export");
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    const link = h("a", { href: url, download: FILE_NAME, hidden: true });
    w.accountPanel.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60 * 1000); // the download has the data by then
  } catch (error) {
    w.fail(error, status);
  } finally {
    button.disabled = false;
    if (!w.root.activeElement && button.isConnected) button.focus(); // disabled, it had lost the focus
  }
}

/** The first click says what erasure does and asks again; the second erases. */
function askToErase(w, row, status) {
  const cancel = h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "cancel" }, w.t("cancel"));
  const confirm = h("button", { type: "button", class: "cw-btn cw-btn-primary", "data-action": "erase-confirm" }, w.t("account.eraseConfirm"));
  const first = Array.from(row.children);
  cancel.addEventListener("click", () => {
    row.replaceChildren(...first);
    first[0].focus();
  });
  confirm.addEventListener("click", () => erase(w, confirm, status));
  row.replaceChildren(h("p", { class: "cw-panel-warning", role: "alert" }, w.t("account.eraseWarning")), confirm, cancel);
  cancel.focus();
}

async function erase(w, button, status) {
  button.disabled = true;
  try {
    await w.api.call("DELETE", "/api/v1/me");
  } catch (error) {
    button.disabled = false;
    return w.fail(error, status);
  }
  // The service ended every session of the reader with the account: forget the token here.
  w.tokens.clear();
  w.user = null;
  w.accountPanel = null;
  renderAccount(w);
  w.renderComposer();
  w.say(w.t("account.erased"));
  await w.loadThread();
}
