/*
 * Statistics: held, approved and rejected per day (a table with bars) and per rule, the
 * median time to a decision in words, and what waits now; over 7, 30 or 90 days.
 */

import { h } from "@widget/core/dom.js";
import { formatNumber } from "@widget/core/time.js";

import { cell, timeEl } from "./ui.js";
import { duration } from "./words.js";

const RANGES = Object.freeze([7, 30, 90]);
// Each kind with the keys of its label and of its total over the period.
const KINDS = Object.freeze([
  ["held", "stats.held", "stats.heldIn"],
  ["approved", "stats.approved", "stats.approvedIn"],
  ["rejected", "stats.rejected", "stats.rejectedIn"],
]);

function count(value) {
  return Number.isFinite(Number(value)) ? Number(value) : 0;
}

/** "Wed, 12 Mar" for the day "2025-03-12" in `lang` (a calendar day: no time zone moves it). */
function dayText(date, lang) {
  const then = Date.parse(String(date) + "T00:00:00Z");
  if (Number.isNaN(then)) return String(date || "");
  try {
    return new Date(then).toLocaleDateString(lang, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
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
    const choices = h("div", { class: "range-choice", role: "group", "aria-label": this.t("stats.period") },
      RANGES.map((n) => h("button", {
        type: "button", class: "btn", "data-days": n, "aria-pressed": n === days ? "true" : "false",
        onclick: () => {
          if (this.statsDays === n) return;
          this.statsDays = n;
          this.loadStats();
        },
      }, this.t("stats.lastDays", { n }))));
    const content = h("div", { class: "stats-body", "aria-live": "polite" }, h("p", { class: "muted" }, this.t("stats.loading")));
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
    const median = duration(data.median_decision_seconds, (k, p) => this.t(k, p));
    const lang = this.dateLocale();
    const labels = Object.fromEntries(KINDS.map(([kind, key]) => [kind, this.t(key)]));
    const summary = h("dl", { class: "stats-summary" },
      h("div", null, h("dt", null, this.t("stats.median")), h("dd", { "data-stat": "median" }, median || this.t("stats.noDecisions"))),
      h("div", null, h("dt", null, this.t("stats.waiting")), h("dd", { "data-stat": "pending" }, formatNumber(count(data.pending)))),
      h("div", null, h("dt", null, this.t("stats.oldest")),
        h("dd", { "data-stat": "oldest" }, timeEl(data.oldest_pending_at, null, lang) || this.t("stats.nothingWaiting"))),
      KINDS.map(([kind, , inKey]) => h("div", null, h("dt", null, this.t(inKey, { n: days })), h("dd", { "data-stat": kind }, formatNumber(totals[kind])))));

    const most = Math.max(0, ...perDay.map((row) => Math.max(...KINDS.map(([kind]) => count(row[kind])))));
    const dayTable = perDay.length
      ? h("table", { class: "table table-cards stats-days" },
        h("caption", null, this.t("stats.perDay")),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, this.t("stats.day")), KINDS.map(([kind]) => h("th", { scope: "col", class: "right" }, labels[kind])),
          h("th", { scope: "col", class: "chart-col" }, h("span", { class: "visually-hidden" }, this.t("stats.chart"))))),
        h("tbody", null, [...perDay].reverse().map((row) => h("tr", { "data-date": String(row.date || "") },
          cell(this.t("stats.day"), { class: "nowrap" }, dayText(row.date, lang)),
          KINDS.map(([kind]) => cell(labels[kind], { class: "right num", "data-kind": kind }, formatNumber(count(row[kind])))),
          cell("", { class: "chart-col" }, bars(row, most))))))
      : h("p", { class: "muted" }, this.t("stats.nothing"));
    const reasonTable = reasons.length
      ? h("table", { class: "table table-cards stats-reasons" },
        h("caption", null, this.t("stats.perRule")),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, this.t("stats.rule")), KINDS.map(([kind]) => h("th", { scope: "col", class: "right" }, labels[kind])))),
        h("tbody", null, reasons.map((row) => h("tr", { "data-code": String(row.code || "") },
          cell(this.t("stats.rule"), null, h("code", null, String(row.code || "—"))),
          KINDS.map(([kind]) => cell(labels[kind], { class: "right num", "data-kind": kind }, formatNumber(count(row[kind]))))))))
      : null;
    const legend = perDay.length
      ? h("p", { class: "legend", "aria-hidden": "true" }, KINDS.map(([kind]) => h("span", { class: "legend-item" }, h("span", { class: "bar bar-" + kind }), labels[kind])))
      : null;
    return [summary, legend, dayTable, reasonTable];
  },
};
