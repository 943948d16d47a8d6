/*
 * Deciding: approve, reject or send back one item or the selection, the conflicts when
 * someone decided first, and the undo offered for eight seconds after each decision or
 * ban (the status bar's Undo button, or u).
 */

import { formatNumber } from "@widget/core/time.js";

import { BULK_MAX, CONFLICT_LINGER_MS, UNDO_MS } from "./state.js";
import { nameOf, parts } from "./ui.js";

// What was done, said of one comment and of a number of them (each a key of its own).
const DONE_ONE = Object.freeze({
  approve: "decisions.approvedOne", reject: "decisions.rejectedOne", requeue: "decisions.requeuedOne",
});
const DONE_MANY = Object.freeze({
  approve: "decisions.approvedMany", reject: "decisions.rejectedMany", requeue: "decisions.requeuedMany",
});
const ALREADY = Object.freeze({
  approved: "decisions.alreadyApproved", rejected: "decisions.alreadyRejected", pending: "decisions.alreadyPending",
});
const ECHO_MS = 15000;
const NEW_STATUS = Object.freeze({ approve: "approved", reject: "rejected", requeue: "pending" });

/** The decision that puts a comment back the way it was. */
function reverse(entry) {
  if (entry.fromStatus === "approved") return "approve";
  if (entry.fromStatus === "rejected") return "reject";
  return "requeue";
}

export const decisions = {
  /** What an undo needs to put a record back where it was. */
  undoEntry(rec, fromStatus, newStatus) {
    return {
      data: rec.data, id: rec.id, fromStatus, newStatus,
      index: this.order.indexOf(rec.id), queueKey: this.queueKey(), queue: this.queue.status,
    };
  },

  async decide(action, id) {
    const targetId = id === undefined ? this.focusedId : id;
    const rec = this.items.get(targetId);
    if (!rec) {
      this.say(this.order.length ? this.t("decisions.moveFirst") : this.t("decisions.nothingToDecide"));
      return;
    }
    if (rec.busy) {
      this.say(this.t("decisions.alreadyDecided"));
      return;
    }
    const { comment, author } = parts(rec.data);
    const fromStatus = comment.status || "pending";
    if ((action === "approve" && fromStatus === "approved" && this.queue.status !== "reported") ||
        (action === "reject" && fromStatus === "rejected") || (action === "requeue" && fromStatus === "pending")) {
      this.say(this.t(ALREADY[fromStatus]));
      return;
    }
    const entry = this.undoEntry(rec, fromStatus, NEW_STATUS[action]);
    this.markBusy(rec, true);
    if (this.focusedId === rec.id) this.setFocus(this.neighbour(rec.id), { domFocus: this.canTakeFocus() });
    let result;
    try {
      result = await this.api.decide(rec.id, action, fromStatus);
    } catch (error) {
      if (error.name === "AbortError") return;
      if (error.status === 409) {
        this.conflict(rec, error.message);
        return;
      }
      if (error.status === 404) {
        this.note(rec, error.message, "error");
        this.say(error.message, "error");
        setTimeout(() => this.removeItem(rec.id), CONFLICT_LINGER_MS);
        return;
      }
      if (!this.items.has(rec.id)) return;
      this.markBusy(rec, false);
      this.note(rec, error.message || this.t("decisions.didNotWork"), "error");
      this.fail(error);
      return;
    }
    entry.newStatus = (result && result.comment && result.comment.status) || entry.newStatus;
    this.removeItem(rec.id);
    if (!this.isLive()) this.bumpCounts(this.queue.status, entry.newStatus);
    this.offerUndo({ kind: "decisions", entries: [entry] });
    this.say(this.t(DONE_ONE[action], { name: nameOf(author, this.t("decisions.anonymous")) }), "ok");
    if (!this.navigable().length && this.nextCursor) this.loadMore().then(() => {
      if (!this.focusedId) this.setFocus(this.navigable()[0] || null, { domFocus: this.canTakeFocus() });
    });
  },

  conflict(rec, message) {
    const text = message || this.t("decisions.decidedElsewhere");
    if (!rec.busy) this.markBusy(rec, true);
    rec.el.classList.add("is-conflict");
    this.note(rec, text, "conflict");
    this.say(text, "error");
    setTimeout(() => this.removeItem(rec.id), CONFLICT_LINGER_MS);
  },

  removeItem(id) {
    const rec = this.items.get(id);
    if (!rec) return;
    if (this.focusedId === id) this.setFocus(this.neighbour(id), { domFocus: this.canTakeFocus() || rec.el.contains(document.activeElement) });
    rec.el.remove();
    this.items.delete(id);
    this.taken.delete(id);
    this.echoes.delete(id);
    const at = this.order.indexOf(id);
    if (at !== -1) this.order.splice(at, 1);
    this.selected.delete(id);
    this.afterListChange();
  },

  /* ---------------- undo ---------------- */

  /** Offers `undoable` ({kind, entries, ...}) for UNDO_MS; the newest offer replaces any other. */
  offerUndo(undoable) {
    this.dropUndo();
    const isBan = undoable.kind === "ban";
    if (!isBan && !undoable.entries.length) return;
    const timer = setTimeout(() => this.dropUndo(), UNDO_MS);
    this.undoable = Object.assign({}, undoable, { expires: Date.now() + UNDO_MS, timer });
    this.el.undo.hidden = false;
    this.el.undo.setAttribute("aria-label", isBan ? this.t("decisions.undoBan") : this.t("decisions.undoDecision"));
  },

  dropUndo() {
    if (this.undoable) clearTimeout(this.undoable.timer);
    this.undoable = null;
    if (this.el && this.el.undo) this.el.undo.hidden = true;
  },

  async undo() {
    const undoable = this.undoable;
    if (!undoable || Date.now() > undoable.expires) {
      this.dropUndo();
      this.say(this.t("decisions.nothingToUndo"));
      return;
    }
    this.dropUndo();
    if (undoable.kind === "ban") {
      await this.undoBan(undoable);
      return;
    }
    const outcomes = await this.reverseAll(undoable.entries.map((entry) => [entry.id, reverse(entry), entry.newStatus]));
    const restored = undoable.entries.filter((entry) => outcomes.done.has(entry.id));
    if (outcomes.failures.some((error) => error.status === 401)) {
      this.fail(outcomes.failures.find((error) => error.status === 401));
      return;
    }
    this.restore(restored);
    const failures = outcomes.failures;
    const undid = { n: restored.length, count: formatNumber(restored.length) };
    if (failures.length) {
      this.say(restored.length
        ? this.t("decisions.undidSome", Object.assign(undid, { failed: String(failures.length), message: failures[0].message }))
        : failures[0].message, "error");
    } else {
      this.say(restored.length === 1 ? this.t("decisions.undone") : this.t("decisions.undid", undid), "ok");
    }
  },

  /** Sends [id, action, fromStatus] decisions at once; which ids went through, what failed. */
  async reverseAll(decided) {
    const outcomes = await Promise.all(decided.map(async ([id, action, fromStatus]) => {
      try {
        await this.api.decide(id, action, fromStatus);
        return { id, ok: true };
      } catch (error) {
        return { id, ok: false, error };
      }
    }));
    const done = new Set();
    const failures = [];
    for (const outcome of outcomes) {
      if (outcome.ok) done.add(outcome.id);
      else if (outcome.error.name !== "AbortError") failures.push(outcome.error);
    }
    return { done, failures };
  },

  /** Undone entries back in the list they left (when it is still on screen), counts too. */
  restore(entries) {
    let firstBack = null;
    const live = this.isLive();
    for (const entry of [...entries].sort((x, y) => x.index - y.index)) {
      if (!live) this.bumpCounts(entry.newStatus, entry.queue);
      if (this.view !== "queue" || entry.queueKey !== this.queueKey() || this.items.has(entry.id)) continue;
      const data = Object.assign({}, entry.data, {
        comment: Object.assign({}, entry.data.comment, { status: entry.fromStatus }),
      });
      const rec = this.makeRecord(data);
      if (!rec) continue;
      // the live event of the decision just undone may still be on its way: it is stale
      this.echoes.set(rec.id, { status: entry.newStatus, until: Date.now() + ECHO_MS });
      this.insertRecord(rec, entry.index);
      if (!firstBack) firstBack = rec.id;
    }
    this.afterListChange();
    if (firstBack) this.setFocus(firstBack, { domFocus: this.canTakeFocus() });
  },

  /* ---------------- bulk ---------------- */

  async bulk(action) {
    const ids = [...this.selected].filter((id) => {
      const rec = this.items.get(id);
      return rec && !rec.busy;
    });
    if (!ids.length) {
      this.say(this.t("decisions.nothingSelected"));
      return;
    }
    const newStatus = NEW_STATUS[action];
    const skip = new Set(ids);
    const recs = ids.map((id) => this.items.get(id));
    const entries = new Map(recs.map((rec) => [rec.id, this.undoEntry(rec, parts(rec.data).comment.status || "pending", newStatus)]));
    for (const rec of recs) this.markBusy(rec, true);
    if (skip.has(this.focusedId)) this.setFocus(this.neighbour(this.focusedId, skip), { domFocus: this.canTakeFocus() });
    const many = { n: ids.length, count: formatNumber(ids.length) };
    this.say(action === "approve" ? this.t("decisions.approving", many) : this.t("decisions.rejecting", many));
    // one request per status the items had here (the server checks it), at most BULK_MAX ids each
    const batches = [];
    const byStatus = new Map();
    for (const rec of recs) {
      const status = entries.get(rec.id).fromStatus;
      if (!byStatus.has(status)) byStatus.set(status, []);
      byStatus.get(status).push(rec.id);
    }
    for (const [status, group] of byStatus) {
      for (let i = 0; i < group.length; i += BULK_MAX) batches.push([status, group.slice(i, i + BULK_MAX)]);
    }
    const site = this.site.name;
    const answers = await Promise.all(batches.map(async ([status, group]) => {
      try {
        const data = await this.api.bulk(site, group, action, status);
        return { results: (data && data.results) || {} };
      } catch (error) {
        return { error };
      }
    }));
    const results = {};
    let failure = null;
    for (const answer of answers) {
      if (answer.error) failure = failure || answer.error;
      else Object.assign(results, answer.results);
    }
    if (failure && (failure.name === "AbortError" || failure.status === 401)) {
      this.fail(failure);
      return;
    }
    const done = [];
    let conflicts = 0;
    let missing = 0;
    for (const rec of recs) {
      const outcome = results[rec.id];
      if (outcome) this.selected.delete(rec.id);
      if (!this.items.has(rec.id)) continue;
      if (outcome === "ok") {
        done.push(entries.get(rec.id));
        this.removeItem(rec.id);
      } else if (outcome === "conflict") {
        conflicts += 1;
        this.conflict(rec, this.t("decisions.decidedElsewhere"));
      } else if (outcome === "not_found") {
        missing += 1;
        this.note(rec, this.t("decisions.gone"), "error");
        setTimeout(() => this.removeItem(rec.id), CONFLICT_LINGER_MS);
      } else {
        this.markBusy(rec, false);
        this.paintSelected(rec);
      }
    }
    this.renderSelection();
    if (!this.isLive()) this.bumpCounts(this.queue.status, newStatus, done.length);
    this.offerUndo({ kind: "decisions", entries: done });
    // the sentences of a summary, each counted on its own
    let text = this.t(DONE_MANY[action], { n: done.length, count: formatNumber(done.length) });
    if (conflicts) text += " " + this.t("decisions.conflicts", { n: conflicts, count: String(conflicts) });
    if (missing) text += " " + this.t("decisions.missing", { n: missing, count: String(missing) });
    if (failure) text += " " + failure.message;
    this.say(text, conflicts || missing || failure ? "error" : "ok");
    if (!this.focusedId) this.setFocus(this.navigable()[0] || null, { domFocus: this.canTakeFocus() });
  },
};
