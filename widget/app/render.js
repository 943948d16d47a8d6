/*
 * One comment on screen: its <li> (the comment itself, then its replies) and its
 * controls. Text goes in as text; the only HTML is the comment's `html`, sanitised by
 * the service (core/dom.js trustedHtml). What only the reader's own comments, replies
 * or rare actions need comes in modules asked for on use (composer.js, edit.js, report.js);
 * what only a logged-in reader sees, from reader.js (main.js `reader`, once it is in).
 */

import { h, trustedHtml } from "../core/dom.js";
import { avatarOf } from "./account.js";
import { ownVote } from "./thread.js";

/** The comment of node `n` with its replies, registered in `w.els`. */
export function renderComment(w, n) {
  const c = n.c;
  const li = h("li", {
    class: "cw-comment", "data-comment-id": n.id, "data-status": c.status || "approved",
    "data-depth": n.depth, "data-author-id": c.author && c.author.id,
  });
  w.els.set(n.id, li);
  const replies = n.kids.map((id) => renderComment(w, w.state.nodes.get(id)));
  li.append(renderMain(w, n), h("ol", { class: "cw-replies", "aria-label": w.t("replies.label") }, replies));
  if (n.more) li.append(h("button", {
    type: "button", class: "cw-btn cw-btn-quiet cw-more-replies", "data-action": "more-replies",
    onclick: (event) => w.loadReplies(n, event.currentTarget),
  }, w.t("replies.more")));
  return li;
}

/** The comment itself (without its replies); rebuilt when its status or controls change. */
export function renderMain(w, n) {
  const c = n.c;
  const deleted = c.status === "deleted";
  const author = c.author || {};
  const when = w.formats;
  const authorId = w.uid("author");
  const timeId = w.uid("time");
  const main = h(
    "article",
    { class: "cw-main", "aria-labelledby": authorId + " " + timeId },
    h(
      "header",
      { class: "cw-meta" },
      deleted ? null : avatarOf(author),
      h(
        "div",
        { class: "cw-byline" },
        h("span", { id: authorId, class: "cw-author" },
          deleted ? w.t("comment.deletedAuthor") : author.name || w.t("comment.anonymous")),
        deleted ? null : (Array.isArray(author.badges) ? author.badges : []).map((badge) => h("span", { class: "cw-badge" }, w.roleName(badge))),
        c.featured && !deleted ? h("span", { class: "cw-badge cw-featured" }, w.t("comment.featured")) : null,
        h(
          "span",
          { class: "cw-when" },
          permalink(w, c, h("time", { id: timeId, datetime: c.created_at }, when.relative(c.created_at))),
          c.edited_at && !deleted ? editedMark(w, c) : null
        )
      )
    )
  );
  // Only its author sees a comment held or rejected: the note is reader.js's.
  if ((c.status === "pending" || c.status === "rejected") && w.reader) main.append(w.reader.moderationNote(w, c));
  if (deleted) {
    main.append(h("p", { class: "cw-tombstone" }, w.t("comment.deleted")));
    return main;
  }
  const body = trustedHtml("div", "comment-body", c.html);
  const slot = h("div", { class: "cw-slot" });
  main.append(body, renderActions(w, n, main, body, slot), slot);
  return main;
}

/** The comment's time as a link to it on the article's page (main.js follows such links). */
function permalink(w, c, time) {
  const page = w.config.threadUrl.split("#")[0];
  return page ? h("a", { class: "cw-permalink", href: page + "#comment-" + encodeURIComponent(c.id) }, time) : time;
}

export function editedMark(w, c) {
  return h("span", { class: "cw-edited", "data-at": c.edited_at }, " · " + w.t("comment.edited"));
}

/** A comment's time or "edited" mark still without its full date as a tooltip. */
export const UNTITLED = "time[datetime]:not([title]), .cw-edited[data-at]:not([title])";

/**
 * The full date behind a time or an "edited" mark, as its tooltip: written when the
 * pointer or the focus comes to it, or once the page is idle (main.js), never while a
 * page is built: a page's first Intl date format costs it tens of milliseconds.
 */
export function entitle(w, el) {
  if (el.hasAttribute("title")) return;
  if (el.localName === "time") el.title = w.formats.absolute(el.getAttribute("datetime"));
  else el.title = w.t("comment.editedAt", { date: w.formats.absolute(el.getAttribute("data-at")) });
}

function renderActions(w, n, main, body, slot) {
  const c = n.c;
  const name = (c.author && c.author.name) || w.t("comment.someone");
  const mine = Boolean(w.user && c.author && w.user.id !== undefined && c.author.id === w.user.id);
  const published = c.status === "approved" || !c.status;
  const actions = h("div", { class: "cw-actions" });
  const button = (action, text, label, onclick) =>
    h("button", { type: "button", class: "cw-action", "data-action": action, "aria-label": label, onclick }, text);
  // Modules for rarer actions, asked for on the first click.
  const later = (load, run) => () => w.need(load()).then(run, (error) => w.fail(error));

  if (published) {
    actions.append(renderVotes(w, n, mine, name, slot));
    const reply = button("reply", w.t("action.reply"), w.t("action.replyTo", { name }), () => {
      if (w.loggedIn()) w.writing().then((m) => m.toggleReply(w, n, slot, reply), (error) => w.fail(error));
      else needLogin(w, closeSlot(slot), "reply");
    });
    reply.setAttribute("aria-expanded", "false");
    reply.hidden = w.state.closed; // shown again if the thread reopens
    actions.append(reply);
  }
  // A logged-in reader's edit and delete (reader.js), where the service allows them.
  if (w.reader) actions.append(...w.reader.ownActions(w, n, { mine, name, body, slot, button, later }));
  if (published && !mine) {
    const report = button("report", w.t("action.report"), w.t("action.reportBy", { name }),
      later(() => import("./report.js"), (m) => m.toggleReport(w, n, slot, report)));
    report.setAttribute("aria-expanded", "false");
    actions.append(report);
  }
  const staff = w.staff && w.staff.actions(w, n, slot); // staff.js, for the site's moderators
  if (staff) actions.append(staff);
  return actions;
}

function renderVotes(w, n, mine, name, slot) {
  const group = h("div", { class: "cw-votes", role: "group", "aria-label": w.t("votes.label") });
  const score = h("span", { class: "cw-score", "aria-live": "polite" });
  const buttons = [];
  if (mine) {
    group.append(h("span", { class: "cw-score-label" }, w.t("votes.score")), score);
  } else {
    // The button's label names it; its symbol is only seen.
    const make = (value, action, symbol, label) =>
      h("button", {
        type: "button", class: "cw-vote", "data-action": action, "aria-label": w.t(label, { name }),
        onclick: () => vote(w, n, value, slot),
      }, symbol);
    buttons.push(make(1, "vote-up", "▲", "votes.up"), make(-1, "vote-down", "▼", "votes.down"));
    group.append(buttons[0], score, buttons[1]);
  }
  showScore(w, score, buttons, n.c);
  return group;
}

/** The score and the reader's own vote, as `c` has them: on `score` and the vote `buttons`. */
function showScore(w, score, buttons, c) {
  const n = Number(c.score) || 0;
  score.textContent = w.formats.number(n);
  score.setAttribute("aria-label", w.t("votes.scoreIs", { n }));
  score.setAttribute("data-score", String(n));
  for (const b of buttons) b.setAttribute("aria-pressed", String(c.my_vote === (b.dataset.action === "vote-up" ? 1 : -1)));
}

/** After a vote (the reader's or others'): the score and pressed buttons of node `n`. */
export function refreshScore(w, n) {
  const li = w.els.get(n.id);
  const group = li && li.querySelector(":scope > .cw-main .cw-votes");
  if (group) showScore(w, group.querySelector(".cw-score"), group.querySelectorAll(".cw-vote"), n.c);
}

/** Rebuilds the comment itself; `focus` after the reader's own edit, never for live news. */
export function rebuildMain(w, n, focus) {
  const li = w.els.get(n.id);
  const old = li && li.querySelector(":scope > .cw-main");
  if (!old) return;
  li.setAttribute("data-status", n.c.status || "approved");
  const fresh = renderMain(w, n);
  old.replaceWith(fresh);
  const target = focus && (fresh.querySelector('[data-action="edit"]') || fresh.querySelector("button"));
  if (target) target.focus();
}

/** `what`: "vote", "reply" or "report" ("need.<what>"); true when the reader must log in first. */
export function needLogin(w, slot, what) {
  if (w.loggedIn()) return false;
  slot.replaceChildren(h("p", { class: "cw-inline-note", role: "status" }, w.t("need." + what)));
  return true;
}

/** A note in the comment's slot for an error (`w.fail` words it). */
export function inlineNote(slot) {
  // `data-at`: the next write that succeeds after it clears it (main.js `reached`).
  const note = h("p", { class: "cw-inline-note cw-inline-error", role: "alert", "data-at": performance.now() });
  slot.replaceChildren(note);
  return note;
}

/** Empties the comment's slot and marks its toggles closed; answers the slot. */
export function closeSlot(slot) {
  slot.replaceChildren();
  for (const b of slot.parentElement.querySelectorAll(".cw-actions [aria-expanded]")) {
    b.setAttribute("aria-expanded", "false");
  }
  return slot;
}

async function vote(w, n, value, slot) {
  if (needLogin(w, slot, "vote")) return;
  const next = n.c.my_vote === value ? 0 : value;
  try {
    w.apply(ownVote(w.state, n.id, await w.api.vote(n.id, next), next));
  } catch (error) {
    w.fail(error, inlineNote(slot));
  }
}
