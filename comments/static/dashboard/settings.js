/*
 * The site's settings (admins): every policy field with its help and range beside it,
 * choices as selects, empty for unset; problems said next to the field, by its label,
 * whether found here or by the server. Beside the form, "test this text".
 */

import { fill, h } from "@widget/core/dom.js";

import { ApiError } from "./api.js";
import { POLICY_FIELDS, POLICY_GROUPS } from "./policy.js";
import { clearFormErrors, highlighted } from "./ui.js";
import { rangeText } from "./words.js";

const SKIP = Symbol("not sent");

/** The kind of input for a field: its spec's, else guessed from the value's type. */
function kindOf(spec, value) {
  if (spec.kind) return spec.kind;
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "number";
  if (typeof value === "string") return "text";
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return "lines";
  return "json";
}

function readNumber(input, spec, kind) {
  const raw = input.value.trim();
  if (raw === "") {
    if (spec.nullable) return null;
    throw new Error("Enter a number.");
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error("Enter a number.");
  if (kind === "int" && !Number.isInteger(n)) throw new Error("A whole number.");
  if (typeof spec.min === "number" && n < spec.min) throw new Error("At least " + spec.min + ".");
  if (typeof spec.max === "number" && n > spec.max) throw new Error("At most " + spec.max + ".");
  return n;
}

function readLines(input, spec) {
  const lines = input.value.split("\n").map((s) => s.trim()).filter(Boolean);
  if (typeof spec.maxItems === "number" && lines.length > spec.maxItems) {
    throw new Error("At most " + spec.maxItems + " entries.");
  }
  const long = typeof spec.maxLength === "number" ? lines.findIndex((line) => line.length > spec.maxLength) : -1;
  if (long !== -1) throw new Error("Line " + (long + 1) + ": at most " + spec.maxLength + " characters.");
  return lines;
}

export const settings = {
  async loadSettings() {
    const body = this.pageBody("settings");
    body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    let data;
    try {
      data = await this.api.settings(this.site.name);
    } catch (error) {
      if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    this.renderSettings(body, data || {});
  },

  renderSettings(body, data) {
    const policy = data.policy && typeof data.policy === "object" ? data.policy : {};
    const origins = Array.isArray(data.origins) ? data.origins : [];
    const readers = []; // [name, () => value or SKIP]
    const groups = new Map(POLICY_GROUPS.map(([key, label]) => [key, { label, fields: [] }]));
    const names = [
      ...Object.keys(POLICY_FIELDS).filter((name) => name in policy || POLICY_FIELDS[name].kind === "secret"),
      ...Object.keys(policy).filter((name) => !(name in POLICY_FIELDS)),
    ];
    for (const name of names) {
      const spec = POLICY_FIELDS[name] || {};
      const field = this.policyField(name, spec, policy[name], readers, data);
      (groups.get(spec.group) || groups.get("other")).fields.push(field);
    }

    const originsBox = h("textarea", { name: "origins", rows: Math.max(3, origins.length + 1), spellcheck: "false", class: "mono" });
    originsBox.value = origins.join("\n");
    const secret = h("input", {
      name: "sso_secret", type: "password", autocomplete: "new-password", spellcheck: "false",
      placeholder: data.sso_secret_set ? "Set; type to replace" : "Not set",
    });
    const errors = h("p", { class: "form-error", role: "alert" });
    const save = h("button", { type: "submit", class: "btn btn-primary" }, "Save settings");
    const saved = h("span", { class: "muted", "aria-live": "polite" });
    const form = h("form", { class: "settings", novalidate: true },
      [...groups.values()].filter((g) => g.fields.length).map((g) => h("fieldset", null, h("legend", null, g.label), g.fields)),
      h("fieldset", null, h("legend", null, "Embedding and single sign-on"),
        this.fieldBox("origins", "Allowed origins", originsBox, "One a line, like https://news.example. Article pages there may embed the comments.", ""),
        this.fieldBox("sso_secret", "SSO secret", secret,
          "Write-only: it is never shown. At least 32 characters. Leave empty to keep the current one.",
          "", h("span", { class: "badge" + (data.sso_secret_set ? " badge-ok" : "") }, data.sso_secret_set ? "Set" : "Not set"))),
      errors,
      h("div", { class: "form-actions" }, save, saved)
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      saved.textContent = "";
      const nextPolicy = {};
      const bad = [];
      for (const [name, read] of readers) {
        try {
          const value = read();
          if (value !== SKIP) nextPolicy[name] = value;
        } catch (problem) {
          bad.push(["policy." + name, problem.message]);
        }
      }
      if (bad.length) {
        this.showFieldErrors(form, new ApiError(422, "invalid", "Some settings need fixing.", Object.fromEntries(bad)));
        return;
      }
      const payload = {
        policy: nextPolicy,
        origins: originsBox.value.split("\n").map((s) => s.trim()).filter(Boolean),
      };
      if (secret.value) payload.sso_secret = secret.value;
      save.disabled = true;
      let result;
      try {
        result = await this.api.saveSettings(this.site.name, payload);
      } catch (error) {
        save.disabled = false;
        if (error.name === "AbortError" || error.status === 401) {
          this.fail(error);
          return;
        }
        this.showFieldErrors(form, error);
        return;
      }
      this.renderSettings(body, result || {});
      this.say("Settings saved.", "ok");
      const note = body.querySelector("form.settings .form-actions .muted");
      if (note) note.textContent = "Saved.";
      const again = body.querySelector('form.settings button[type="submit"]');
      if (again) again.focus({ preventScroll: true });
    });

    body.replaceChildren(h("div", { class: "settings-layout" }, form, this.checkBox()));
  },

  /** A labelled field: label, help, the input with its range beside it, the error slot. */
  fieldBox(name, label, input, help, range, badge) {
    const id = input.id || this.uid("f");
    input.id = id;
    const helpEl = help ? h("p", { class: "hint", id: id + "-help" }, help) : null;
    const rangeEl = range ? h("span", { class: "range", id: id + "-range" }, range) : null;
    const error = h("p", { class: "field-error", id: id + "-error", "data-error-for": name });
    const described = [helpEl && helpEl.id, rangeEl && rangeEl.id, error.id].filter(Boolean).join(" ");
    input.setAttribute("aria-describedby", described);
    if (input.type === "checkbox") {
      return h("div", { class: "field field-check" }, input, h("label", { for: id }, label), helpEl, error);
    }
    return h("div", { class: "field" },
      h("label", { for: id }, label, badge ? " " : null, badge || null),
      helpEl,
      rangeEl ? h("div", { class: "with-range" }, input, rangeEl) : input,
      error);
  },

  /** One policy input, chosen by the field's known spec or else by its value's type. */
  policyField(name, spec, value, readers, data) {
    const label = spec.label || name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    let kind = kindOf(spec, value);
    if (kind === "choice" && !(typeof value === "string" || value === null)) kind = kindOf({}, value);
    if ((kind === "int" || kind === "number") && value !== null && value !== undefined && typeof value !== "number") kind = "json";
    if (kind === "lines" && value !== null && value !== undefined && !Array.isArray(value)) kind = "json";

    let input;
    if (kind === "bool") {
      input = h("input", { name, type: "checkbox", checked: Boolean(value) });
      readers.push([name, () => input.checked]);
    } else if (kind === "choice") {
      const choices = spec.choices.some(([v]) => v === value) || value === null ? spec.choices : [...spec.choices, [value, value]];
      input = h("select", { name },
        spec.nullable ? h("option", { value: "", selected: value === null }, "Not set") : null,
        choices.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
      readers.push([name, () => (spec.nullable && input.value === "" ? null : input.value)]);
    } else if (kind === "int" || kind === "number") {
      input = h("input", {
        name, type: "number", inputmode: kind === "int" ? "numeric" : "decimal", class: "num-input",
        step: kind === "int" ? 1 : spec.step || "any",
        min: typeof spec.min === "number" ? spec.min : null,
        max: typeof spec.max === "number" ? spec.max : null,
        placeholder: spec.nullable ? "Not set" : null,
      });
      input.value = value === null || value === undefined ? "" : String(value);
      readers.push([name, () => readNumber(input, spec, kind)]);
    } else if (kind === "lines") {
      const list = Array.isArray(value) ? value : [];
      input = h("textarea", { name, rows: Math.min(10, Math.max(3, list.length + 1)), spellcheck: "false", class: "mono" });
      input.value = list.join("\n");
      readers.push([name, () => readLines(input, spec)]);
    } else if (kind === "secret") {
      const isSet = Boolean(data[name + "_set"]);
      input = h("input", {
        name, type: "password", autocomplete: "new-password", spellcheck: "false",
        placeholder: isSet ? "Set; type to replace" : "Not set",
      });
      readers.push([name, () => {
        const text = input.value;
        if (!text) return SKIP; // the server keeps the current one
        if (typeof spec.minLength === "number" && text.length < spec.minLength) throw new Error("At least " + spec.minLength + " characters.");
        if (typeof spec.maxLength === "number" && text.length > spec.maxLength) throw new Error("At most " + spec.maxLength + " characters.");
        return text;
      }]);
    } else if (kind === "text") {
      input = h("input", { name, type: "text", spellcheck: "false", maxlength: spec.maxLength || null });
      input.value = value === null || value === undefined ? "" : String(value);
      readers.push([name, () => {
        const text = input.value.trim();
        if (text === "" && (spec.nullable || value === null)) return null;
        return text;
      }]);
    } else {
      // unknown shape: shown, sent back unchanged
      input = h("pre", { class: "json", tabindex: "0", "aria-label": label + " (read-only)" }, JSON.stringify(value, null, 2));
      readers.push([name, () => value]);
      return h("div", { class: "field" }, h("span", { class: "label" }, label, " ", h("span", { class: "hint" }, "(read-only)")),
        spec.help ? h("p", { class: "hint" }, spec.help) : null, input, h("p", { class: "field-error", "data-error-for": name }));
    }
    const range = kind === "int" || kind === "number" ? rangeText(spec) : "";
    return this.fieldBox(name, label, input, spec.help || "", range);
  },

  /** "Test this text": the site's saved filters run on some text; matches highlighted. */
  checkBox() {
    const id = this.uid("check");
    const text = h("textarea", { id, name: "check-body", rows: 6, placeholder: "Paste or type a comment…" });
    const run = h("button", { type: "submit", class: "btn btn-primary" }, "Test");
    const result = h("div", { class: "check-result", "aria-live": "polite" });
    const form = h("form", { class: "check", novalidate: true },
      h("h2", { id: id + "-title" }, h("label", { for: id }, "Test this text")),
      h("p", { class: "hint" }, "Runs the site's saved filters on this text as if a regular reader posted it. Nothing is stored."),
      text, h("div", { class: "form-actions" }, run), result);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = text.value;
      if (!body.trim()) {
        result.replaceChildren(h("p", { class: "muted" }, "Type some text first."));
        return;
      }
      run.disabled = true;
      let data;
      try {
        data = await this.api.check(this.site.name, body);
      } catch (error) {
        run.disabled = false;
        if (!this.fail(error)) result.replaceChildren(h("p", { class: "form-error" }, error.message));
        return;
      }
      run.disabled = false;
      const action = (data && data.action) || "allow";
      const reasons = (data && Array.isArray(data.reasons)) ? data.reasons : [];
      const verdicts = { allow: "Would be published", hold: "Would be held for review", reject: "Would be rejected" };
      const marked = highlighted(body, reasons.filter((r) => Array.isArray(r.span)).map((r) => ({ span: r.span, label: r.message || r.code })));
      fill(result,
        h("p", { class: "verdict verdict-" + String(action).replace(/[^a-z]/g, "") }, verdicts[action] || String(action),
          data && data.masked ? h("span", { class: "muted" }, " (masked)") : null),
        reasons.length ? h("ul", { class: "reasons" }, reasons.map((r) => h("li", { class: "reason" },
          h("span", { class: "reason-message" }, r.message || r.code || ""),
          r.code ? h("code", { class: "reason-code" }, r.code) : null))) : null,
        h("pre", { class: "source-text" }, marked.node));
    });
    return h("aside", { class: "check-panel", "aria-labelledby": id + "-title" }, form);
  },
};
