/*
 * The reader's e-mail choices (GET|PUT /api/v1/me/notifications?site=S): the account
 * panel's part (the verified address, or a field to have one confirmed; replies,
 * decisions, and alerts for staff, each saved as it is ticked) and the composer's offer
 * ("Tell me of replies by e-mail", sent as `notify: true`). The choices are fetched once
 * per login, the first time either asks (never on the anonymous first screen), and kept
 * in `w.mailChoices` so both show the same answer.
 */

import { h } from "../core/dom.js";

const PATH = "/api/v1/me/notifications";
const NOTIFY_CSS = `
  .cw-notify { border: 1px solid var(--rule); border-radius: 4px; margin: 0; padding: 0.5rem 0.75rem 0.75rem; display: grid; gap: 0.5rem; justify-items: start; }
  .cw-notify legend { font-weight: 600; font-size: 0.9rem; padding: 0 0.25rem; }
  .cw-notify p { margin: 0; }
  .cw-notify-email { display: flex; flex-wrap: wrap; align-items: end; gap: 0.5rem; }
  .cw-notify-email .cw-input[aria-invalid="true"] { border-color: var(--error); }
  .cw-check { display: flex; gap: 0.4rem; align-items: baseline; font-size: 0.875rem; }
  .cw-notify-offer .cw-muted { margin: 0; }
`;
// The lists a reader may choose, in the order shown; `alerts` only for staff (non-null).
const LISTS = Object.freeze(["replies", "decisions", "alerts"]);

/**
 * What the composer offers for `choices` (the GET answer, or null): nothing when mail is
 * off or unknown; the way to the account panel without a verified address; a note when
 * every reply is mailed anyway; else the box to tick.
 */
export function offerOf(choices) {
  if (!choices || typeof choices !== "object" || choices.enabled !== true) return "none";
  if (choices.verified !== true || !choices.email) return "setup";
  return choices.replies === true ? "all" : "tick";
}

/** The lists `choices` shows a box for: alerts only when the service answers it (staff). */
export function listsOf(choices) {
  return LISTS.filter((name) => typeof choices[name] === "boolean");
}

/** What a failure to save says: the widget's own words for the two the reader can fix. */
export function errorKey(error) {
  if (error && error.status === 422 && error.fields && typeof error.fields === "object" && "email" in error.fields) {
    return error.fields.email === "unavailable" ? null : "notify.invalid";
  }
  if (error && error.status === 429) return "notify.tooMany";
  return null;
}

/** The choices for the login in use: fetched once for it, or again when `fresh`. */
export function loadChoices(w, fresh = false) {
  const token = w.tokens.get();
  const held = w.mailChoices;
  if (!fresh && held && held.token === token) return held.answer;
  const answer = w.api.call("GET", PATH, { query: { site: w.config.site } });
  w.mailChoices = { token, answer };
  answer.catch(() => {
    if (w.mailChoices && w.mailChoices.answer === answer) w.mailChoices = null; // asked again next time
  });
  return answer;
}

async function save(w, body) {
  const data = await w.api.call("PUT", PATH, { query: { site: w.config.site }, body });
  w.mailChoices = { token: w.tokens.get(), answer: Promise.resolve(data) };
  return data;
}

function showError(w, error, target) {
  if (w.ignorable(error)) return;
  if (error.status === 401 && error.code === "login_required") return w.fail(error);
  const key = errorKey(error);
  target.textContent = key ? w.t(key) : w.explain(error);
}

/* ---------------- the account panel's part ---------------- */

/** The panel's e-mail part: empty and hidden until the choices arrive, and when mail is off. */
export function choicesSection(w) {
  w.style(NOTIFY_CSS);
  const section = h("fieldset", { class: "cw-notify", "data-part": "notify", hidden: true });
  loadChoices(w, true).then(
    (data) => draw(w, section, data),
    (error) => {
      if (w.ignorable(error)) return;
      if (error.status === 401 && error.code === "login_required") return w.fail(error);
      section.replaceChildren(h("legend", null, w.t("notify.legend")), h("p", { class: "cw-form-errors", role: "alert" }, w.explain(error)));
      section.hidden = false;
    }
  );
  return section;
}

function draw(w, section, data, { editing = false, sent = null } = {}) {
  if (!data || data.enabled !== true) {
    section.hidden = true;
    section.replaceChildren();
    return;
  }
  const errorsId = w.uid("notify-errors");
  const status = h("p", { class: "cw-inline-note", role: "status" });
  const errors = h("p", { id: errorsId, class: "cw-form-errors", role: "alert" });
  const verified = offerOf(data) !== "setup";
  const address = verified && !editing
    ? h("p", { class: "cw-notify-address" },
      w.i18n.parts("notify.address", { email: h("strong", { class: "cw-notify-to" }, data.email) }), " ",
      h("button", {
        type: "button", class: "cw-btn cw-btn-quiet", "data-action": "change-email",
        onclick: () => {
          draw(w, section, data, { editing: true });
          section.querySelector("input[name='email']")?.focus();
        },
      }, w.t("notify.change")))
    : emailForm(w, section, data, errors, errorsId, sent);
  const words = { replies: w.t("notify.replies"), decisions: w.t("notify.decisions"), alerts: w.t("notify.alerts") };
  const boxes = listsOf(data).map((name) => {
    const box = h("input", { type: "checkbox", name, "data-choice": name, checked: data[name] });
    box.addEventListener("change", async () => {
      const value = box.checked;
      status.textContent = "";
      errors.textContent = "";
      try {
        Object.assign(data, await save(w, { [name]: value })); // what a redraw shows
        status.textContent = w.t("notify.saved");
      } catch (error) {
        box.checked = !value;
        showError(w, error, errors);
      }
    });
    return h("label", { class: "cw-check" }, box, words[name]);
  });
  section.replaceChildren(h("legend", null, w.t("notify.legend")), ...[address].flat(), ...boxes, status, errors);
  section.hidden = false;
}

/** The field for an address to confirm, and, once one was sent, where the link went. */
function emailForm(w, section, data, errors, errorsId, sent) {
  const fieldId = w.uid("email");
  const input = h("input", {
    id: fieldId, type: "email", name: "email", class: "cw-input", autocomplete: "email",
    spellcheck: "false", "aria-describedby": errorsId,
  });
  input.value = sent || "";
  const send = h("button", { type: "submit", class: "cw-btn", "data-action": "send-confirmation" }, w.t("notify.send"));
  // Changing a verified address can be given up on: the address stays as it was.
  const cancel = offerOf(data) === "setup" ? null : h("button", {
    type: "button", class: "cw-btn cw-btn-quiet", "data-action": "change-email-cancel",
    onclick: () => {
      draw(w, section, data);
      section.querySelector("[data-action='change-email']")?.focus();
    },
  }, w.t("cancel"));
  const form = h("form", { class: "cw-notify-email", novalidate: true },
    h("span", { class: "cw-field" }, h("label", { for: fieldId }, w.t("notify.field")), input), send, cancel);
  input.addEventListener("input", () => {
    input.removeAttribute("aria-invalid");
    errors.textContent = "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.textContent = "";
    const email = input.value.trim();
    if (!email) {
      errors.textContent = w.t("notify.empty");
      input.setAttribute("aria-invalid", "true");
      return input.focus();
    }
    send.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const answer = await save(w, { email });
      const to = typeof answer.confirmation_sent_to === "string" ? answer.confirmation_sent_to : null;
      draw(w, section, answer, { editing: Boolean(to), sent: to });
      section.querySelector(to ? ".cw-notify-sent" : "[data-action='change-email']")?.focus();
    } catch (error) {
      send.disabled = false;
      form.removeAttribute("aria-busy");
      if (errorKey(error) === "notify.invalid") input.setAttribute("aria-invalid", "true");
      showError(w, error, errors);
      input.focus();
    }
  });
  if (!sent) return form;
  const notice = h("p", { class: "cw-notify-sent", role: "status", tabindex: "-1" },
    w.i18n.parts("notify.sent", { email: h("strong", null, sent) }));
  return [form, notice];
}

/* ---------------- the composer's offer ---------------- */

/**
 * The composer's "Tell me of replies by e-mail" in the form's `slot`: `look()` shows what
 * the choices call for (fetched the first time, kept after), `wanted()` whether to send
 * `notify: true`.
 */
export function notifyOffer(w, slot) {
  w.style(NOTIFY_CSS);
  let shown = "none";
  let box = null;
  const show = (choices) => {
    const offer = offerOf(choices);
    if (offer === shown || !w.loggedIn()) return; // unchanged: what is focused stays
    shown = offer;
    box = null;
    if (offer === "tick") {
      box = h("input", { type: "checkbox", name: "notify", "data-action": "notify" });
      slot.replaceChildren(h("label", { class: "cw-check" }, box, w.t("notify.composer")));
    } else if (offer === "all") {
      slot.replaceChildren(h("p", { class: "cw-muted" }, w.t("notify.composerAll")));
    } else if (offer === "setup") {
      slot.replaceChildren(h("button", {
        type: "button", class: "cw-btn cw-btn-quiet", "data-action": "notify-setup",
        onclick: () => {
          const toggle = w.accountEl.querySelector(".cw-me-toggle");
          if (toggle && !w.accountPanel) toggle.click();
          else if (w.accountPanel) w.accountPanel.querySelector("input[name='email'], [data-choice]")?.focus();
        },
      }, w.t("notify.setUp")));
    } else slot.replaceChildren();
    slot.hidden = offer === "none";
  };
  return {
    look: () => loadChoices(w).then(show, () => {}), // without the choices, the form works as before
    wanted: () => Boolean(box && box.isConnected && box.checked),
  };
}
