/*
 * The dashboard's own pieces of page over the core's `h`: keys, buttons, times, avatars,
 * highlighted source, a queue item's parts with defaults; and the methods that tell the
 * moderator how things went (the status line, errors, a form's field errors).
 */

import { avatar, webUrl } from "@widget/core/avatar.js";
import { h } from "@widget/core/dom.js";
import { absoluteTime, relativeTime } from "@widget/core/time.js";

import { ApiError } from "./api.js";
import { fieldProblems } from "./words.js";

export function kbd(key) {
  return h("kbd", { "aria-hidden": "true" }, key);
}

export function button(label, props, key) {
  return h("button", Object.assign({ type: "button", class: "btn" }, props), label, key ? kbd(key) : null);
}

/** A <time> saying "5 min ago", the full date in its title; `lang` as `dateLocale` gives it. */
export function timeEl(iso, className, lang) {
  if (!iso) return null;
  return h("time", {
    class: className || null, datetime: iso, title: absoluteTime(iso, lang, "medium"),
  }, relativeTime(iso, lang, { style: "short", dateAfterDays: 60 }));
}

/**
 * The locale for dates in the dashboard's `language`: none (the browser's own, "en-GB" say)
 * when the browser speaks it, else the language, so a date never comes in another one.
 */
export function localeFor(language, browser = navigator.language) {
  const primary = String(browser || "").toLowerCase().split(/[-_]/)[0];
  return !language || primary === language ? undefined : language;
}

/** An http(s) link for an article, or null. */
export function safeLink(url) {
  return webUrl(url);
}

/** A picture from https or this service (the page's CSP allows no other), or null. */
function safeImage(url) {
  const found = webUrl(url, location.href);
  if (!found) return null;
  return found.startsWith("https:") || new URL(found).origin === location.origin ? found : null;
}

export function personAvatar(person, size = 28) {
  return avatar(person, { prefix: "", size, src: safeImage(person && person.avatar_url) });
}

/**
 * `text` as text nodes with the code-point ranges in `spans` wrapped in <mark>.
 * Overlapping spans are merged; each mark's title names the rules it matched.
 */
export function highlighted(text, spans) {
  const chars = Array.from(String(text || ""));
  const ranges = [];
  for (const { span, label } of spans) {
    if (!Array.isArray(span) || span.length !== 2) continue;
    const start = Math.max(0, Math.min(chars.length, Number(span[0]) | 0));
    const end = Math.max(start, Math.min(chars.length, Number(span[1]) | 0));
    if (end > start) ranges.push({ start, end, labels: [label] });
  }
  ranges.sort((x, y) => x.start - y.start || x.end - y.end);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) {
      last.end = Math.max(last.end, range.end);
      last.labels.push(...range.labels);
    } else merged.push(range);
  }
  const out = document.createDocumentFragment();
  let at = 0;
  for (const range of merged) {
    if (range.start > at) out.append(chars.slice(at, range.start).join(""));
    const labels = [...new Set(range.labels.filter(Boolean))].join("; ");
    out.append(h("mark", { title: labels || null }, chars.slice(range.start, range.end).join("")));
    at = range.end;
  }
  if (at < chars.length) out.append(chars.slice(at).join(""));
  return { node: out, marks: merged.length };
}

/** The code points of `text` in `span`, or "" (spans count code points, like the server). */
export function spanText(text, span) {
  if (!Array.isArray(span) || span.length !== 2) return "";
  return Array.from(String(text || "")).slice(Number(span[0]) | 0, Number(span[1]) | 0).join("");
}

export function isTyping(el) {
  if (!el || el === document.body) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  return !["button", "checkbox", "radio", "submit", "reset"].includes(el.type);
}

/** The parts of an item, with defaults so a missing field never breaks a render. */
export function parts(item) {
  const comment = item.comment || {};
  const author = item.author || {};
  const reports = item.reports || {};
  return {
    comment,
    author,
    thread: item.thread || {},
    parent: item.parent || null,
    reasons: Array.isArray(item.reasons) ? item.reasons : [],
    reports: {
      count: Number(reports.count || comment.report_count || 0),
      reasons: reports.reasons && typeof reports.reasons === "object" ? reports.reasons : {},
      notes: Array.isArray(reports.notes) ? reports.notes : [],
    },
    claimedBy: item.claimed_by || null,
  };
}

/** `t`, when given, words the last fallback ("someone") in the dashboard's language. */
export function nameOf(person, fallback, t) {
  return (person && typeof person.name === "string" && person.name.trim()) || fallback || (t ? t("ui.someone") : "someone");
}

/** A table cell that carries its column's name, shown beside it on a phone. */
export function cell(label, props, ...children) {
  return h("td", Object.assign({ "data-label": label }, props), ...children);
}

export function clearFormErrors(form) {
  for (const p of form.querySelectorAll(".field-error, .form-error")) p.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

/** Methods on the dashboard: the status line and errors. */
export const feedback = {
  say(text, kind) {
    const status = this.el.status;
    status.textContent = text || "";
    status.className = kind ? "is-" + kind : "";
  },

  /** The locale for the dashboard's dates (timeEl's `lang`). */
  dateLocale() {
    return localeFor(this.languageTag());
  },

  /** Handles an API error: 401 shows the login, anything else is said as text. */
  fail(error, target) {
    if (!error || error.name === "AbortError") return true;
    if (error.status === 401) {
      this.showLogin(error.message || this.t("ui.sessionEnded"));
      return true;
    }
    const message = error instanceof ApiError ? error.message : this.t("ui.somethingWrong");
    if (target) target.textContent = message;
    this.say(message, "error");
    if (!(error instanceof ApiError)) console.error(error);
    return false;
  },

  /**
   * A 422's `fields` next to their inputs, by the field's label and in words (never a
   * field path); what has no input goes in the form's error line, anything else too.
   */
  showFieldErrors(form, error, aliases) {
    const general = form.querySelector(".form-error");
    const slotFor = (name) => form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
    const known = (name) => Boolean(slotFor((aliases && aliases[name]) || name));
    const problems = error.fields && typeof error.fields === "object" ? fieldProblems(error.fields, known, (k, p) => this.t(k, p)) : [];
    const placed = new Map();
    const unplaced = [];
    for (const problem of problems) {
      if (!problem.field) {
        unplaced.push(problem);
        continue;
      }
      const key = (aliases && aliases[problem.field]) || problem.field;
      placed.set(key, [...(placed.get(key) || []), problem.message]);
    }
    for (const [key, messages] of placed) {
      slotFor(key).textContent = messages.join(" ");
      const input = form.querySelector('[name="' + CSS.escape(key) + '"]');
      if (input) input.setAttribute("aria-invalid", "true");
    }
    let summary;
    if (!problems.length) summary = error.message;
    else {
      const words = problems.map((p) => p.label + ": " + p.message);
      summary = this.t("ui.fixThese", { n: problems.length, problems: words.join(" · ") });
    }
    if (general) general.textContent = summary;
    const firstBad = form.querySelector('[aria-invalid="true"]');
    if (firstBad) firstBad.focus();
    this.say(summary, "error");
  },
};
