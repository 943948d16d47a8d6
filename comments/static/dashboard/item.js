/*
 * One queue item: how it is drawn (why it is here, the comment and its source with the
 * matched text marked, the author's history, the article, reports), the notes under it,
 * and the clicks on it. The only HTML inserted is the server-sanitised `html` fields.
 */

import { h, trustedHtml } from "@widget/core/dom.js";
import { absoluteTime, formatNumber } from "@widget/core/time.js";

import {
  button, highlighted, nameOf, parts, personAvatar, safeLink, spanText, timeEl,
} from "./ui.js";

// Reasons a word list gave: an admin may allow the matched word from the item.
const WORD_CODES = new Set(["PROFANITY", "BANNED_WORD", "SUSPECT_WORD", "LISTED_WORD"]);
const RULE_CODE = /^[A-Z_]{1,40}$/;
// The words for the codes an item carries; a code not listed is shown as it is.
const STATUS_KEYS = Object.freeze({
  pending: "item.statusPending", approved: "item.statusApproved", rejected: "item.statusRejected", deleted: "item.statusDeleted",
});
const ACTION_KEYS = Object.freeze({
  allow: "item.actionAllow", hold: "item.actionHold", reject: "item.actionReject", refuse: "item.actionRefuse",
});
const REPORT_KEYS = Object.freeze({
  spam: "item.reportSpam", abuse: "item.reportAbuse", off_topic: "item.reportOffTopic", other: "item.reportOther",
});

export const item = {
  renderItem(rec) {
    const { comment: c, author, thread, parent, reasons, reports } = parts(rec.data);
    const name = nameOf(author, this.t("item.anonymous"));
    const headId = this.uid("head");
    const status = c.status || "pending";
    const statusWord = Object.hasOwn(STATUS_KEYS, status) ? this.t(STATUS_KEYS[status]) : status;
    const lang = this.dateLocale();
    const el = h("article", {
      class: "mod-item",
      "data-id": rec.id,
      "data-status": status,
      "data-thread": thread.key || null,
      tabindex: "-1",
      "aria-labelledby": headId,
    });
    const selected = this.selected.has(rec.id);
    const head = h("header", { class: "item-head" },
      h("button", {
        type: "button", class: "select", "data-action": "select",
        "aria-pressed": selected ? "true" : "false",
        "aria-label": this.t("item.selectBy", { name }), "aria-keyshortcuts": "x", title: this.t("item.selectTitle"),
      }),
      personAvatar(author),
      h("h2", { id: headId, class: "item-title" },
        h("span", { class: "author-name" }, name),
        h("span", { class: "visually-hidden" }, ", " + statusWord)),
      author.banned ? h("span", { class: "badge badge-bad" }, this.t("item.banned")) : null,
      c.shadowed ? h("span", { class: "badge badge-warn", title: this.t("item.shadowedTitle") }, this.t("item.shadowed")) : null,
      (Number(author.approved) || 0) + (Number(author.rejected) || 0) === 0 ? h("span", { class: "badge" }, this.t("item.newAuthor")) : null,
      h("span", { class: "item-meta" },
        timeEl(c.created_at, undefined, lang),
        c.edited_at ? h("span", {
          class: "edited", title: this.t("item.editedTitle", { time: absoluteTime(c.edited_at, lang, "medium") }),
        }, this.t("item.edited")) : null,
        status !== this.queue.status ? h("span", { class: "badge badge-status status-" + status }, statusWord) : null,
        typeof c.score === "number" && c.score !== 0 ? h("span", { class: "score", title: this.t("item.score") }, (c.score > 0 ? "+" : "") + c.score) : null)
    );
    const body = typeof c.body === "string" ? c.body : "";
    const canAllow = this.isAdmin() && status === "pending";
    const why = reasons.length
      ? h("ul", { class: "reasons", "aria-label": this.t("item.why") }, reasons.map((reason) => this.reasonChip(reason, body, canAllow)))
      : null;

    const spans = reasons.filter((r) => Array.isArray(r.span)).map((r) => ({ span: r.span, label: r.message || r.code }));
    const source = highlighted(body, spans);
    const sourceBox = h("details", { class: "source", open: source.marks > 0 },
      h("summary", null, source.marks ? this.t("item.sourceMarked") : this.t("item.source")),
      h("pre", { class: "source-text" }, source.node));
    const rendered = h("div", { class: "item-body" }, trustedHtml("div", "rendered", c.html), sourceBox);
    const parentBox = parent ? this.parentBox(parent) : null;
    rec.notesEl = h("div", { class: "notes", "aria-live": "polite" });

    const actions = h("div", { class: "actions" },
      button(this.t("item.approve"), {
        class: "btn btn-approve", "data-action": "approve", "aria-keyshortcuts": "a",
        disabled: status === "approved" && this.queue.status !== "reported",
        title: this.queue.status === "reported" ? this.t("item.approveReportedTitle") : this.t("item.approveTitle"),
      }, "a"),
      button(this.t("item.reject"), {
        class: "btn btn-reject", "data-action": "reject", "aria-keyshortcuts": "r",
        disabled: status === "rejected", title: this.t("item.rejectTitle"),
      }, "r"),
      status !== "pending"
        ? button(this.t("item.requeue"), { "data-action": "requeue", title: this.t("item.requeueTitle") })
        : null,
      button(author.banned ? this.t("item.banAgain") : this.t("item.banAuthor"), {
        class: "btn btn-quiet", "data-action": "ban", "aria-keyshortcuts": "b",
        disabled: !author.id, title: this.t("item.banTitle", { name }),
      }, "b")
    );

    el.append(
      h("div", { class: "item-main" }, head, why, rendered, parentBox, rec.notesEl, actions),
      h("aside", { class: "item-context", "aria-label": this.t("item.about") },
        this.authorBox(author), this.threadBox(thread), this.reportsBox(reports))
    );
    if (selected) el.classList.add("is-selected");
    if (thread.key && this.surges.has(thread.key)) el.classList.add("is-surge");
    if (rec.id === this.focusedId) {
      el.classList.add("is-focused");
      el.setAttribute("aria-current", "true");
      el.tabIndex = 0;
    }
    if (rec.busy) el.classList.add("is-busy");
    const old = rec.el;
    rec.el = el;
    this.renderNotes(rec);
    if (old && old.parentNode) {
      const hadFocus = old.contains(document.activeElement);
      old.replaceWith(el);
      if (hadFocus) el.focus({ preventScroll: true });
    }
  },

  /** The comment it answers; "In reply to a comment" when its author has no name. */
  parentBox(parent) {
    const named = typeof parent.author_name === "string" ? parent.author_name.trim() : "";
    const who = h("span", { class: "parent-author" }, named || this.t("item.aComment"));
    return h("div", { class: "parent" },
      h("p", { class: "parent-label" }, ...this.tParts(named ? "item.inReplyTo" : "item.inReplyToComment", { author: who })),
      trustedHtml("div", "parent-html", parent.html));
  },

  reasonChip(reason, body, canAllow) {
    const code = typeof reason.code === "string" ? reason.code : "";
    const word = canAllow && WORD_CODES.has(code) ? spanText(body, reason.span).trim() : "";
    return h("li", { class: "reason reason-" + (reason.action || "hold") },
      reason.action ? h("span", { class: "reason-action" },
        Object.hasOwn(ACTION_KEYS, reason.action) ? this.t(ACTION_KEYS[reason.action]) : reason.action) : null,
      h("span", { class: "reason-message" }, reason.message || code),
      code && !RULE_CODE.test(code) ? h("code", { class: "reason-code" }, code) : null,
      code && RULE_CODE.test(code) ? h("button", {
        type: "button", class: "reason-code", "data-action": "filter-reason", "data-code": code,
        title: this.t("item.ruleFilterTitle"),
      }, code) : null,
      word ? h("button", {
        type: "button", class: "link-btn allow-word", "data-action": "allow-word", "data-word": word,
        title: this.t("item.allowWordTitle", { word }),
      }, this.t("item.allowWord")) : null);
  },

  authorBox(author) {
    const approved = Number(author.approved) || 0;
    const rejected = Number(author.rejected) || 0;
    return h("section", { class: "ctx ctx-author", "aria-label": this.t("item.author") },
      h("h3", null, this.t("item.author") + " ", author.id ? h("span", { class: "ctx-id", title: author.id }, author.id) : null),
      h("dl", { class: "facts" },
        h("div", null, h("dt", null, this.t("item.approvedCount")), h("dd", { class: "num ok" }, formatNumber(approved))),
        h("div", null, h("dt", null, this.t("item.rejectedCount")), h("dd", { class: "num" + (rejected > 0 ? " bad" : "") }, formatNumber(rejected))),
        h("div", null, h("dt", null, this.t("item.firstSeen")), h("dd", null, timeEl(author.first_seen, undefined, this.dateLocale()) || "—"))),
      author.id ? h("button", { type: "button", class: "link-btn", "data-action": "filter-author" }, this.t("item.onlyAuthor")) : null
    );
  },

  threadBox(thread) {
    const href = safeLink(thread.url);
    const title = thread.title || thread.key || this.t("item.untitled");
    const surge = thread.key && this.surges.has(thread.key);
    return h("section", { class: "ctx ctx-thread", "aria-label": this.t("item.article") },
      h("h3", null, this.t("item.article")),
      h("p", { class: "ctx-line" }, href
        ? h("a", { href, target: "_blank", rel: "noopener noreferrer", class: "thread-link" }, title)
        : h("span", { class: "thread-link" }, title)),
      h("p", { class: "ctx-badges" },
        thread.closed ? h("span", { class: "badge" }, this.t("item.closed")) : null,
        surge ? h("span", { class: "badge badge-warn", "data-surge": "" }, this.t("item.surge")) : null),
      h("p", { class: "ctx-buttons" },
        thread.key ? h("button", { type: "button", class: "link-btn", "data-action": "filter-thread" }, this.t("item.onlyArticle")) : null,
        thread.key ? h("button", { type: "button", class: "link-btn", "data-action": thread.closed ? "open-thread" : "close-thread" },
          thread.closed ? this.t("item.reopenThread") : this.t("item.closeThread")) : null)
    );
  },

  reportsBox(reports) {
    if (reports.count <= 0) return null;
    const kinds = Object.entries(reports.reasons).filter(([, n]) => Number(n) > 0);
    const kindWord = (kind) => Object.hasOwn(REPORT_KEYS, kind) ? this.t(REPORT_KEYS[kind]) : kind.replace(/_/g, " ");
    return h("section", { class: "ctx ctx-reports", "aria-label": this.t("item.reports") },
      h("h3", null, this.t("item.reportCount", { n: reports.count, count: formatNumber(reports.count) })),
      kinds.length ? h("ul", { class: "report-kinds" }, kinds.map(([kind, n]) =>
        h("li", null, h("span", null, kindWord(kind)), " ", h("span", { class: "num" }, "×" + n)))) : null,
      reports.notes.length ? h("ul", { class: "report-notes" }, reports.notes.map((note) => h("li", null, String(note)))) : null
    );
  },

  /** The notes under an item: taken by someone, conflicts, errors. */
  renderNotes(rec, extra) {
    if (!rec.notesEl) return;
    const notes = [];
    const taken = this.taken.get(rec.id);
    const isTaken = Boolean(taken && taken.until > Date.now());
    if (isTaken) notes.push(h("p", { class: "mod-note note-taken" }, taken.text));
    if (extra) rec.note = extra;
    if (rec.note) notes.push(rec.note);
    rec.notesEl.replaceChildren(...notes);
    rec.el.classList.toggle("is-taken", isTaken);
  },

  note(rec, text, kind) {
    this.renderNotes(rec, h("p", { class: "mod-note note-" + (kind || "info") }, text));
  },

  markBusy(rec, busy) {
    rec.busy = busy;
    rec.el.classList.toggle("is-busy", busy);
    if (busy) rec.el.setAttribute("aria-busy", "true");
    else rec.el.removeAttribute("aria-busy");
    for (const b of rec.el.querySelectorAll(".actions button")) {
      if (busy) {
        b.dataset.wasDisabled = b.disabled ? "1" : "";
        b.disabled = true;
      } else if (b.dataset.wasDisabled !== undefined) {
        b.disabled = b.dataset.wasDisabled === "1";
        delete b.dataset.wasDisabled;
      }
    }
  },

  onListClick(event) {
    const article = event.target.closest("article.mod-item");
    if (!article) return;
    const id = article.dataset.id;
    const target = event.target.closest("button[data-action]");
    if (!target) {
      if (!event.target.closest("a, summary, button, pre, input") && id !== this.focusedId) {
        this.setFocus(id, { scroll: false });
      }
      return;
    }
    const rec = this.items.get(id);
    if (!rec) return;
    if (id !== this.focusedId) this.setFocus(id, { scroll: false, domFocus: false });
    const { thread, author } = parts(rec.data);
    switch (target.dataset.action) {
      case "approve": this.decide("approve", id); break;
      case "reject": this.decide("reject", id); break;
      case "requeue": this.decide("requeue", id); break;
      case "ban": this.openBan(id); break;
      case "select": this.toggleSelect(id); break;
      case "filter-thread": this.setFilter("thread", { key: thread.key, title: thread.title }); break;
      case "filter-author": this.setFilter("author", { id: author.id, name: author.name }); break;
      case "filter-reason": this.setFilter("reason", { code: target.dataset.code }); break;
      case "close-thread": this.setThreadOpen(thread.key, false); break;
      case "open-thread": this.setThreadOpen(thread.key, true); break;
      case "allow-word": this.allowWord(rec, target); break;
      default: break;
    }
  },

  toggleSource(id) {
    const rec = this.items.get(id);
    if (!rec) return;
    const details = rec.el.querySelector("details.source");
    if (details) details.open = !details.open;
  },

  async setThreadOpen(key, open) {
    if (!key) return;
    try {
      await this.api.setThreadOpen(this.site.name, key, open);
    } catch (error) {
      this.fail(error);
      return;
    }
    for (const rec of this.items.values()) {
      if (parts(rec.data).thread.key !== key) continue;
      rec.data = Object.assign({}, rec.data, { thread: Object.assign({}, rec.data.thread, { closed: !open }) });
      this.renderItem(rec);
    }
    const title = this.threadTitles.get(key) || key;
    this.say(open ? this.t("item.threadReopened", { title }) : this.t("item.threadClosed", { title }), "ok");
  },

  /** A word list held this wrongly: the word joins the site's allowed words (admins). */
  async allowWord(rec, target) {
    const word = target.dataset.word;
    if (!word) return;
    target.disabled = true;
    let data;
    try {
      data = await this.api.allowWord(this.site.name, word, rec.id);
    } catch (error) {
      target.disabled = false;
      if (!this.fail(error) && this.items.has(rec.id)) this.note(rec, error.message, "error");
      return;
    }
    const text = data && data.added === false
      ? this.t("item.wordWasAllowed", { word })
      : this.t("item.wordAllowed", { word });
    if (this.items.has(rec.id)) {
      for (const other of rec.el.querySelectorAll('button[data-action="allow-word"]')) {
        if (other.dataset.word === word) other.remove();
      }
      this.note(rec, text, "ok");
    }
    this.say(text, "ok");
  },
};
