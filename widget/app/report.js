/*
 * Reporting someone's comment to the moderators: the form in the comment's slot. Asked
 * for on the first click of "Report".
 */

import { h } from "../core/dom.js";
import { FORM_CSS } from "./form-styles.js";
import { closeSlot, needLogin } from "./render.js";

const REPORT_REASONS = Object.freeze(["spam", "abuse", "off_topic", "other"]); // "reason.<key>"
const MAX_NOTE = 500;

export function toggleReport(w, n, slot, trigger) {
  const open = slot.querySelector(".cw-report-form");
  closeSlot(slot);
  if (open) return trigger.focus();
  if (needLogin(w, slot, "report")) return;
  w.style(FORM_CSS);
  const reasonId = w.uid("reason");
  const noteId = w.uid("note");
  const reason = h("select", { id: reasonId, name: "reason", class: "cw-select" },
    REPORT_REASONS.map((value) => h("option", { value }, w.t("reason." + value))));
  const note = h("input", { id: noteId, name: "note", type: "text", class: "cw-input", maxlength: MAX_NOTE, autocomplete: "off" });
  const errors = h("p", { class: "cw-form-errors", role: "alert" });
  const send = h("button", { type: "submit", class: "cw-btn cw-btn-primary", "data-action": "send-report" }, w.t("report.send"));
  const cancel = () => {
    closeSlot(slot);
    trigger.focus();
  };
  const thanks = (key) => {
    closeSlot(slot);
    slot.append(h("p", { class: "cw-inline-note", role: "status" }, w.t(key)));
  };
  const form = h(
    "form",
    { class: "cw-form cw-report-form", novalidate: true },
    h(
      "fieldset",
      null,
      h("legend", null, w.t("report.legend")),
      h("div", { class: "cw-field" }, h("label", { for: reasonId }, w.t("report.reason")), reason),
      h("div", { class: "cw-field" }, h("label", { for: noteId }, w.t("report.note")), note)
    ),
    errors,
    h("div", { class: "cw-form-actions" }, send,
      h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "cancel", onclick: cancel }, w.t("cancel")))
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    errors.textContent = "";
    try {
      await w.api.report(n.id, reason.value, note.value.trim());
      thanks("report.thanks");
    } catch (error) {
      if (error.status === 409) thanks("report.already");
      else w.fail(error, errors);
    } finally {
      send.disabled = false;
    }
  });
  slot.replaceChildren(form);
  trigger.setAttribute("aria-expanded", "true");
  reason.focus();
}
