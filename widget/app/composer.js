/*
 * Writing: the composer's form, replies, the one form every text is written in (new
 * comment, reply, edit), and posting. Asked for once the reader is logged in (the
 * loader asks at once when a token is stored); main.js shows the composer's notices.
 * A draft in the composer survives the thread closing and opening again, and live
 * news about the thread. A new comment or reply may ask for its replies by e-mail
 * (`notify`), offered once the reader's e-mail choices say they have a verified address.
 */

import { h } from "../core/dom.js";
import { FORM_CSS } from "./form-styles.js";
import { FRESH_CSS } from "./fresh-styles.js";
import { createPreview } from "./preview.js";
import { closeSlot } from "./render.js";
import { ownPost } from "./arrivals.js";

const MAX_LENGTH = 10000;

/** A fresh Idempotency-Key: 128 random bits (getRandomValues works off secure contexts too). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The composer's form (kept with its draft), when the moment still calls for it. */
export function showComposer(w) {
  if (!w.loggedIn() || w.state.closed || w.user.banned || !w.composerEl) return;
  if (!w.topForm) {
    w.topForm = createForm(w, {
      kind: "compose",
      label: w.t("composer.label"),
      placeholder: w.t("composer.placeholder"),
      submitLabel: w.t("composer.submit"),
      onSubmit: (text, form) => submitComment(w, text, null, form),
    });
  }
  if (!w.composerEl.contains(w.topForm.form)) w.composerEl.replaceChildren(w.topForm.form);
}

/** Opens (or closes) the reply form under the comment of node `n`. */
export function toggleReply(w, n, slot, trigger) {
  const open = slot.querySelector(".cw-reply-form");
  closeSlot(slot);
  if (open) return trigger.focus();
  if (w.user && w.user.banned) {
    slot.replaceChildren(h("p", { class: "cw-inline-note" }, w.t("composer.banned")));
    return;
  }
  const done = () => {
    closeSlot(slot);
    trigger.focus();
  };
  const name = n.c.author && n.c.author.name;
  const form = createForm(w, {
    kind: "reply",
    label: name ? w.t("reply.label", { name }) : w.t("reply.labelNoName"),
    submitLabel: w.t("reply.submit"),
    onSubmit: async (text, f) => {
      await submitComment(w, text, n.id, f);
      done();
    },
    onCancel: done,
  });
  slot.replaceChildren(form.form);
  trigger.setAttribute("aria-expanded", "true");
  form.textarea.focus();
}

/**
 * A textarea form with a counter and an error area. `onSubmit(text, form)` resolves when
 * done; what it throws is shown by `form.showError`.
 */
export function createForm(w, { kind, label, placeholder, initial, submitLabel, onSubmit, onCancel }) {
  w.style(FORM_CSS);
  const textId = w.uid("text");
  const counterId = w.uid("counter");
  const errorsId = w.uid("errors");
  const textarea = h("textarea", {
    id: textId, name: "body", class: "cw-textarea", rows: kind === "compose" ? 4 : 3,
    maxlength: MAX_LENGTH, placeholder, required: true, "aria-describedby": counterId + " " + errorsId,
  });
  textarea.value = initial || "";
  const counter = h("span", { id: counterId, class: "cw-counter" });
  const errors = h("div", { id: errorsId, class: "cw-form-errors", role: "alert" });
  const submit = h("button", { type: "submit", class: "cw-btn cw-btn-primary", "data-action": kind === "edit" ? "save" : "post" }, submitLabel);
  const preview = createPreview(w, textarea);
  // A new comment or reply may ask for its replies by e-mail (notify-choices.js, which
  // account-panel.js carries): asked for as the form is first focused.
  const offerSlot = kind === "edit" ? null : h("div", { class: "cw-notify-offer", hidden: true });
  let offer = null;
  const form = h(
    "form",
    { class: "cw-form cw-" + kind + "-form", novalidate: true },
    h("label", { class: "cw-label", for: textId }, label),
    textarea,
    preview.area,
    h("div", { class: "cw-form-meta" }, h("span", { class: "cw-muted" }, w.t("form.hint")), counter),
    errors,
    offerSlot,
    h("div", { class: "cw-form-actions" }, submit, preview.button, onCancel
      ? h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "cancel", onclick: onCancel }, w.t("cancel"))
      : null)
  );
  const count = () => {
    const n = textarea.value.length;
    counter.textContent = w.formats.number(n) + " / " + w.formats.number(MAX_LENGTH);
    counter.classList.toggle("cw-counter-near", n > MAX_LENGTH * 0.9);
  };
  count();
  textarea.addEventListener("input", count);
  // Typing: the form's errors were about the text before, and a changed text is another post.
  let key = null;
  textarea.addEventListener("input", () => {
    key = null;
    w.typed();
    if (errors.firstChild) errors.replaceChildren();
    textarea.removeAttribute("aria-invalid");
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  // Escape closes a reply or edit form as Cancel does, unless it holds an unsent change.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !onCancel || textarea.value !== (initial || "")) return;
    event.preventDefault();
    onCancel();
  });
  if (offerSlot) {
    let loading = null;
    form.addEventListener("focusin", () => {
      loading = loading || w.need(import("./account-panel.js")).then((m) => (offer = m.notifyOffer(w, offerSlot)));
      loading.then((o) => o.look(), () => {}); // without it, the form works as before
    });
  }
  const say = (text) => errors.append(h("p", null, text));
  const api = {
    form,
    textarea,
    /** This text's Idempotency-Key: kept while the text stays, so a retry can't double it. */
    key: () => key || (key = newKey()),
    /** Whether the reader ticked "Tell me of replies by e-mail". */
    notify: () => Boolean(offer && offer.wanted()),
    clear() {
      textarea.value = "";
      key = null;
      errors.replaceChildren();
      preview.reset();
      count();
    },
    showError(error) {
      errors.replaceChildren();
      if (w.ignorable(error)) return;
      if (error.status === 401 && error.code === "login_required") return w.fail(error);
      const message = w.explain(error);
      say(message);
      if (error.code === "network") w.checkOrigin(errors.firstChild);
      const fields = error.fields && typeof error.fields === "object" ? Object.values(error.fields) : [];
      const extra = fields.map(String).filter((text) => text && text !== message);
      if (extra.length) errors.append(h("ul", null, extra.map((text) => h("li", null, text))));
      if (error.fields && "body" in error.fields) textarea.setAttribute("aria-invalid", "true");
      if (error.code === "thread_closed" || error.code === "banned") w.fail(error, errors.firstChild);
    },
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = textarea.value;
    errors.replaceChildren();
    textarea.removeAttribute("aria-invalid");
    if (!text.trim()) {
      say(w.t("form.empty"));
      textarea.setAttribute("aria-invalid", "true");
      textarea.focus();
      return;
    }
    const pressed = form.getRootNode().activeElement === submit;
    submit.disabled = true; // which lets its focus go, to the page's <body>
    form.setAttribute("aria-busy", "true");
    try {
      await onSubmit(text, api);
    } catch (error) {
      api.showError(error);
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
      const lost = !document.activeElement || document.activeElement === document.body;
      if (pressed && form.isConnected && lost) submit.focus();
    }
  });
  return api;
}

/** Posts `text` (a reply to `parentId`, or a new comment) and shows it at once. */
export async function submitComment(w, text, parentId, form) {
  const { thread, threadUrl, threadTitle } = w.config;
  const payload = { thread, body: text, thread_url: threadUrl || undefined, thread_title: threadTitle || undefined };
  if (parentId !== null) payload.parent_id = parentId;
  if (form.notify && form.notify()) payload.notify = true;
  const comment = await w.api.post(payload, form.key());
  form.clear();
  w.apply(ownPost(w.state, comment, parentId));
  const li = comment && w.els.get(String(comment.id));
  if (li) {
    w.style(FRESH_CSS);
    li.classList.add("cw-fresh");
    li.scrollIntoView({ block: "nearest" });
  }
  const news = { pending: "posted.pending", rejected: "posted.rejected" };
  if (comment) w.say(w.t(news[comment.status] || "posted.published"));
  return comment;
}
