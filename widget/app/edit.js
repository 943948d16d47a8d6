/*
 * The reader's own comment: editing it in place, and deleting it. Asked for on the
 * first click of "Edit" or "Delete".
 */

import { htmlToText } from "../core/dom.js";
import { createForm } from "./composer.js";
import { closeSlot, inlineNote } from "./render.js";
import { ownEdit } from "./arrivals.js";

/** The edit form in the comment's slot, its text hidden meanwhile. */
export function startEdit(w, n, body, slot, trigger) {
  closeSlot(slot);
  const c = n.c;
  const form = createForm(w, {
    kind: "edit",
    label: w.t("edit.label"),
    initial: typeof c.body === "string" ? c.body : htmlToText(c.html),
    submitLabel: w.t("edit.submit"),
    onSubmit: async (text) => {
      const updated = await w.api.edit(n.id, text);
      w.apply(ownEdit(w.state, n.id, updated, text));
      w.say(w.t(updated && updated.status === "pending" ? "edit.pending" : "edit.saved"));
    },
    onCancel: () => {
      closeSlot(slot);
      body.hidden = false;
      trigger.focus();
    },
  });
  body.hidden = true;
  slot.replaceChildren(form.form);
  const end = form.textarea.value.length;
  form.textarea.focus();
  form.textarea.setSelectionRange(end, end);
}

/** Deletes the comment once the reader confirms, then shows the thread as it now is. */
export async function deleteComment(w, n, slot) {
  if (!window.confirm(w.t("delete.confirm"))) return;
  try {
    await w.api.remove(n.id);
  } catch (error) {
    w.fail(error, inlineNote(slot));
    return;
  }
  w.say(w.t("delete.done"));
  await w.loadThread();
}
