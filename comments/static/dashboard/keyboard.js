/*
 * Keyboard first: j/k move, a approve, r reject, b ban, x select, A/R act on the
 * selection, u undo, s source, / search, 1–4 queues, ? help. Every key has a button too.
 */

import { h } from "@widget/core/dom.js";

import { isTyping } from "./ui.js";

// Each key with the key of its description's words; the keys themselves are not translated.
const HELP_KEYS = Object.freeze([
  ["j", "keyboard.next"],
  ["k", "keyboard.previous"],
  ["a", "keyboard.approve"],
  ["r", "keyboard.reject"],
  ["b", "keyboard.ban"],
  ["x", "keyboard.select"],
  ["A", "keyboard.approveSelected"],
  ["R", "keyboard.rejectSelected"],
  ["u", "keyboard.undo"],
  ["s", "keyboard.source"],
  ["/", "keyboard.search"],
  ["1 – 4", "keyboard.queues"],
  ["Esc", "keyboard.escape"],
  ["?", "keyboard.help"],
]);

export const keyboard = {
  renderHelp() {
    const dialog = this.el.helpDialog;
    const rows = HELP_KEYS.map(([key, what]) => h("tr", null, h("th", { scope: "row" }, h("kbd", null, key)), h("td", null, this.t(what))));
    dialog.querySelector("tbody").replaceChildren(...rows);
    dialog.querySelector('button[data-action="close"]').addEventListener("click", () => dialog.close());
  },

  onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (this.el.app.hidden || document.querySelector("dialog[open]")) return;
    if (isTyping(event.target)) return;
    const key = event.key;
    if (key === "?") {
      event.preventDefault();
      this.showHelp();
      return;
    }
    if (this.view !== "queue") return;
    const actions = {
      j: () => this.move(1),
      k: () => this.move(-1),
      a: () => this.decide("approve"),
      r: () => this.decide("reject"),
      b: () => this.openBan(this.focusedId),
      x: () => this.toggleSelect(this.focusedId),
      A: () => this.bulk("approve"),
      R: () => this.bulk("reject"),
      u: () => this.undo(),
      s: () => this.toggleSource(this.focusedId),
      "/": () => this.el.search.focus(),
      1: () => this.go("#/pending"),
      2: () => this.go("#/reported"),
      3: () => this.go("#/rejected"),
      4: () => this.go("#/approved"),
      Escape: () => this.clearSelection(),
    };
    const action = actions[key];
    if (!action) return;
    // a button or link in focus keeps Enter and Space; letters are ours
    event.preventDefault();
    if (event.repeat && "arbxARu".includes(key)) return; // a held key decides once
    action();
  },

  showHelp() {
    if (!this.el.helpDialog.open) this.el.helpDialog.showModal();
  },

  focusList() {
    const rec = this.items.get(this.focusedId);
    if (rec) rec.el.focus({ preventScroll: true });
    else this.el.list.focus({ preventScroll: true });
  },
};
