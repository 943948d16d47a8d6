/*
 * Statistics: held, approved and rejected per day (a table with bars) and per rule, the
 * median time to a decision in words, and what waits now; over 7, 30 or 90 days.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, timeEl } from "./ui.js";
import { duration } from "./words.js";

const RANGES = Object.freeze([7, 30, 90]);
const KINDS = Object.freeze([["held", "Held"], ["approved", "Approved"], ["rejected", "Rejected"]]);

function count(value) {
  return Number.isFinite(Number(value)) ? Number(value) : 0;
}

/** "12 Mar" for the day "2025-03-12" (a calendar day: no time zone moves it). */
function dayText(date) {
  const then = Date.parse(String(date) + "T00:00:00Z");
  if (Number.isNaN(then)) return String(date || "");
  try {
    return new Date(then).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  } catch {
    return String(date);
  }
}

/** One bar per kind, its width a share of the busiest day (set through the CSSOM, CSP-safe). */
function bars(row, most) {
  const box = h("span", { class: "bars", "aria-hidden": "true" });
  for (const [kind] of KINDS) {
    const bar = h("span", { class: "bar bar-" + kind });
    bar.style.width = most ? (100 * count(row[kind]) / most).toFixed(1) + "%" : "0";
    box.append(bar);
  }
  return box;
}

export const stats = {
  async loadStats() {
    const body = this.pageBody("stats");
    const seq = ++this.statsSeq;
    const days = this.statsDays;
    const choices = h("div", { class: "range-choice", role: "group", "aria-label": "Period" },
      RANGES.map((n) => h("button", {
        type: "button", class: "btn", "data-days": n, "aria-pressed": n === days ? "true" : "false",
        onclick: () => {
          if (this.statsDays === n) return;
          this.statsDays = n;
          this.loadStats();
        },
      }, "Last " + n + " days")));
    const content = h("div", { class: "stats-body", "aria-live": "polite" }, h("p", { class: "muted" }, "Loading…"));
    body.replaceChildren(choices, content);
    let data;
    try {
      data = await this.api.stats(this.site.name, days);
    } catch (error) {
      if (seq !== this.statsSeq) return;
      if (!this.fail(error)) content.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    if (seq !== this.statsSeq) return;
    content.replaceChildren(...this.statsParts(data || {}, days));
  },

  statsParts(data, days) {
    const perDay = Array.isArray(data.days) ? data.days : [];
    const reasons = Array.isArray(data.reasons) ? data.reasons : [];
    const totals = { held: 0, approved: 0, rejected: 0 };
    for (const row of perDay) for (const [kind] of KINDS) totals[kind] += count(row[kind]);
    const median = duration(data.median_decision_seconds);
    const summary = h("dl", { class: "stats-summary" },
      h("div", null, h("dt", null, "Median time to a decision"), h("dd", { "data-stat": "median" }, median || "No decisions yet")),
      h("div", null, h("dt", null, "Waiting now"), h("dd", { "data-stat": "pending" }, formatNumber(count(data.pending)))),
      h("div", null, h("dt", null, "Oldest waiting since"), h("dd", { "data-stat": "oldest" }, timeEl(data.oldest_pending_at) || "Nothing waiting")),
      KINDS.map(([kind, label]) => h("div", null, h("dt", null, label + " in " + days + " days"), h("dd", { "data-stat": kind }, formatNumber(totals[kind])))));

    const most = Math.max(0, ...perDay.map((row) => Math.max(...KINDS.map(([kind]) => count(row[kind])))));
    const dayTable = perDay.length
      ? h("table", { class: "table table-cards stats-days" },
        h("caption", null, "Per day"),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Day"), KINDS.map(([, label]) => h("th", { scope: "col", class: "right" }, label)),
          h("th", { scope: "col", class: "chart-col" }, h("span", { class: "visually-hidden" }, "Chart")))),
        h("tbody", null, [...perDay].reverse().map((row) => h("tr", { "data-date": String(row.date || "") },
          cell("Day", { class: "nowrap" }, dayText(row.date)),
          KINDS.map(([kind, label]) => cell(label, { class: "right num", "data-kind": kind }, formatNumber(count(row[kind])))),
          cell("", { class: "chart-col" }, bars(row, most))))))
      : h("p", { class: "muted" }, "Nothing was held or decided in this period.");
    const reasonTable = reasons.length
      ? h("table", { class: "table table-cards stats-reasons" },
        h("caption", null, "Per rule"),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Rule"), KINDS.map(([, label]) => h("th", { scope: "col", class: "right" }, label)))),
        h("tbody", null, reasons.map((row) => h("tr", { "data-code": String(row.code || "") },
          cell("Rule", null, h("code", null, String(row.code || "—"))),
          KINDS.map(([kind, label]) => cell(label, { class: "right num", "data-kind": kind }, formatNumber(count(row[kind]))))))))
      : null;
    const legend = perDay.length
      ? h("p", { class: "legend", "aria-hidden": "true" }, KINDS.map(([kind, label]) => h("span", { class: "legend-item" }, h("span", { class: "bar bar-" + kind }), label)))
      : null;
    return [summary, legend, dayTable, reasonTable];
  },
};
