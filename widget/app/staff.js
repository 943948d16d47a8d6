/*
 * Staff in the article: a site's moderators and admins decide on the comments the page
 * shows them, feature (pin) them and ban their authors, without leaving for the
 * dashboard. Imported only when /me names the reader moderator or admin of the site
 * (main.js confirmUser), so other readers never download it; render.js asks `actions`
 * for each comment's tools. The service checks every action again: a widget login of
 * the site's own staff may take exactly these (comments/service/staff.py).
 *
 * What staff see: approve on their own held comments (the only held ones shown to them),
 * reject on anything shown, feature or unfeature on published top-level comments, and
 * a ban of anyone else's authorship, with a duration and a reason.
 */

import { h } from "../core/dom.js";
import { applyEvent } from "./events.js";
import { FORM_CSS } from "./form-styles.js";
import { closeSlot, inlineNote } from "./render.js";

const STAFF_ROLES = Object.freeze(["moderator", "admin"]);
const MAX_REASON = 500; // as the service bounds a decision's and a ban's reason
const DAY_MS = 24 * 60 * 60 * 1000;
// The ban's lengths ("staff.<key>" words): days, or null for a ban without end.
const DURATIONS = Object.freeze([["staff.day", 1], ["staff.week", 7], ["staff.month", 30], ["staff.forever", null]]);

const STAFF_CSS = `
  .cw-staff { display: inline-flex; flex-wrap: wrap; gap: 0.15rem 0.35rem; padding-left: 0.35rem; border-left: 1px solid var(--rule); }
  .cw-staff .cw-action { color: var(--accent); }
`;

/** Whether `user` (as /me answers) is staff of the widget's site. */
export function isStaff(user) {
  return Boolean(user) && Array.isArray(user.roles) && user.roles.some((role) => STAFF_ROLES.includes(role));
}

const modPath = (id) => "/api/v1/moderation/comments/" + encodeURIComponent(id);

/** The staff's tools for the comment of node `n`, or null when the reader has none. */
export function actions(w, n, slot) {
  const c = n.c;
  if (!w.loggedIn() || !isStaff(w.user) || c.status === "deleted") return null;
  w.style(STAFF_CSS);
  const name = (c.author && c.author.name) || w.t("comment.someone");
  const group = h("span", { class: "cw-staff", role: "group", "aria-label": w.roleName(w.user.roles.includes("admin") ? "admin" : "moderator") });
  const button = (action, text, label, onclick) =>
    h("button", { type: "button", class: "cw-action", "data-action": action, "aria-label": label, onclick }, text);
  if (c.status === "pending") {
    group.append(button("staff-approve", w.t("staff.approve"), w.t("staff.approveBy", { name }), () => approve(w, n, slot)));
  }
  if (c.status !== "rejected") {
    const reject = button("staff-reject", w.t("staff.reject"), w.t("staff.rejectBy", { name }),
      () => toggleReject(w, n, slot, reject));
    reject.setAttribute("aria-expanded", "false");
    group.append(reject);
  }
  if ((c.status === "approved" || !c.status) && n.parent === null) {
    group.append(c.featured
      ? button("staff-unfeature", w.t("staff.unfeature"), w.t("staff.unfeatureBy", { name }), () => feature(w, n, slot, false))
      : button("staff-feature", w.t("staff.feature"), w.t("staff.featureBy", { name }), () => feature(w, n, slot, true)));
  }
  const author = c.author && c.author.id;
  if (author && author !== w.user.id) {
    const ban = button("staff-ban", w.t("staff.ban"), w.t("staff.banBy", { name }), () => toggleBan(w, n, slot, ban));
    ban.setAttribute("aria-expanded", "false");
    group.append(ban);
  }
  return group.childElementCount ? group : null;
}

/** The reader's own held comment, published: it takes its place among the others. */
async function approve(w, n, slot) {
  try {
    await w.api.call("POST", modPath(n.id) + "/decision", { body: { action: "approve", from_status: "pending" } });
    w.apply(applyEvent(w.state, "comment.updated", Object.assign({}, n.c, { status: "approved", moderation: undefined })));
  } catch (error) {
    w.fail(error, inlineNote(slot));
  }
}

/** Pins the comment to the top of the thread (here at once; for others on their next read), or unpins it. */
async function feature(w, n, slot, on) {
  try {
    await w.api.call("POST", modPath(n.id) + (on ? "/feature" : "/unfeature"));
  } catch (error) {
    return w.fail(error, inlineNote(slot));
  }
  n.c = Object.assign({}, n.c, { featured: on });
  const top = w.state.top;
  const li = w.els.get(n.id);
  if (on && top.indexOf(n.id) > 0) {
    top.splice(top.indexOf(n.id), 1);
    top.unshift(n.id);
    if (li) w.listEl.prepend(li);
  }
  w.apply([{ op: "main", id: n.id }]);
  const moved = w.els.get(n.id);
  const again = moved && moved.querySelector(":scope > .cw-main [data-action^='staff-" + (on ? "un" : "") + "feature']");
  if (again) again.focus();
}

/** A small form in the comment's slot: its fields, then the submit and cancel buttons. */
function slotForm(w, slot, trigger, { kind, legend, fields, submit, onSubmit }) {
  w.style(FORM_CSS);
  const errors = h("p", { class: "cw-form-errors", role: "alert" });
  const send = h("button", { type: "submit", class: "cw-btn cw-btn-primary", "data-action": kind + "-confirm" }, submit);
  const cancel = () => {
    closeSlot(slot);
    trigger.focus();
  };
  const form = h(
    "form",
    { class: "cw-form cw-" + kind + "-form", novalidate: true },
    h("fieldset", null, h("legend", null, legend), fields),
    errors,
    h("div", { class: "cw-form-actions" }, send,
      h("button", { type: "button", class: "cw-btn cw-btn-quiet", "data-action": "cancel", onclick: cancel }, w.t("cancel")))
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    errors.textContent = "";
    try {
      await onSubmit(errors);
    } catch (error) {
      w.fail(error, errors);
    } finally {
      send.disabled = false;
    }
  });
  closeSlot(slot);
  slot.replaceChildren(form);
  trigger.setAttribute("aria-expanded", "true");
  return form;
}

function field(w, label, control) {
  const id = w.uid("staff");
  control.id = id;
  return h("div", { class: "cw-field" }, h("label", { for: id }, label), control);
}

const reasonInput = (required) =>
  h("input", { name: "reason", type: "text", class: "cw-input", maxlength: MAX_REASON, autocomplete: "off", required });

/** Reject, with an optional reason for the log: the comment leaves the page for everyone. */
function toggleReject(w, n, slot, trigger) {
  if (slot.querySelector(".cw-staff-reject-form")) {
    closeSlot(slot);
    return trigger.focus();
  }
  const reason = reasonInput(false);
  const name = (n.c.author && n.c.author.name) || w.t("comment.someone");
  slotForm(w, slot, trigger, {
    kind: "staff-reject",
    legend: w.t("staff.rejectBy", { name }),
    fields: field(w, w.t("staff.reason"), reason),
    submit: w.t("staff.reject"),
    async onSubmit() {
      const body = { action: "reject", from_status: n.c.status || "approved" };
      if (reason.value.trim()) body.reason = reason.value.trim();
      await w.api.call("POST", modPath(n.id) + "/decision", { body });
      const held = n.c.status === "pending";
      n.c = held ? Object.assign({}, n.c, { status: "rejected" }) : n.c;
      w.apply(held ? [{ op: "main", id: n.id }] : applyEvent(w.state, "comment.removed", { id: n.id }));
      w.say(w.t("staff.rejected"));
    },
  }).querySelector("input").focus();
}

/** Ban the comment's author from the site, for a while or for good, with a reason they may see. */
function toggleBan(w, n, slot, trigger) {
  if (slot.querySelector(".cw-staff-ban-form")) {
    closeSlot(slot);
    return trigger.focus();
  }
  const author = n.c.author || {};
  const name = author.name || w.t("comment.someone");
  const duration = h("select", { name: "duration", class: "cw-select" },
    DURATIONS.map(([key, days], i) => h("option", { value: String(i), selected: days === 7 }, w.t(key))));
  const reason = reasonInput(true);
  const form = slotForm(w, slot, trigger, {
    kind: "staff-ban",
    legend: w.t("staff.banBy", { name }),
    fields: [field(w, w.t("staff.duration"), duration), field(w, w.t("staff.banReason"), reason)],
    submit: w.t("staff.ban"),
    async onSubmit(errors) {
      const why = reason.value.trim();
      if (!why) {
        errors.textContent = w.t("staff.needReason");
        reason.setAttribute("aria-invalid", "true");
        return reason.focus();
      }
      const days = DURATIONS[Number(duration.value)][1];
      const body = { user_id: author.id, reason: why };
      if (days) body.until = new Date(Date.now() + days * DAY_MS).toISOString();
      await w.api.call("POST", "/api/v1/sites/" + encodeURIComponent(w.config.site) + "/bans", { body });
      closeSlot(slot);
      slot.append(h("p", { class: "cw-inline-note", role: "status" }, w.t("staff.banned", { name })));
      trigger.focus();
    },
  });
  duration.focus();
  return form;
}
