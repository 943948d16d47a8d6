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

// Limits are written as the field's own numbers are, so as strings (no grouping).
function readNumber(input, spec, kind, t) {
  const raw = input.value.trim();
  if (raw === "") {
    if (spec.nullable) return null;
    throw new Error(t("settings.enterNumber"));
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(t("settings.enterNumber"));
  if (kind === "int" && !Number.isInteger(n)) throw new Error(t("settings.wholeNumber"));
  if (typeof spec.min === "number" && n < spec.min) throw new Error(t("settings.atLeast", { min: String(spec.min) }));
  if (typeof spec.max === "number" && n > spec.max) throw new Error(t("settings.atMost", { max: String(spec.max) }));
  return n;
}

function readLines(input, spec, t) {
  const lines = input.value.split("\n").map((s) => s.trim()).filter(Boolean);
  if (typeof spec.maxItems === "number" && lines.length > spec.maxItems) {
    throw new Error(t("settings.atMostEntries", { n: spec.maxItems, count: String(spec.maxItems) }));
  }
  const long = typeof spec.maxLength === "number" ? lines.findIndex((line) => line.length > spec.maxLength) : -1;
  if (long !== -1) {
    throw new Error(t("settings.lineTooLong", { line: String(long + 1), n: spec.maxLength, count: String(spec.maxLength) }));
  }
  return lines;
}

export const settings = {
  async loadSettings() {
    const body = this.pageBody("settings");
    body.replaceChildren(h("p", { class: "muted" }, this.t("settings.loading")));
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
    const groups = new Map(POLICY_GROUPS.map(([key, , labelKey]) => [key, { label: this.t(labelKey), fields: [] }]));
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
      placeholder: data.sso_secret_set ? this.t("settings.secretSet") : this.t("settings.notSet"),
    });
    const errors = h("p", { class: "form-error", role: "alert" });
    const save = h("button", { type: "submit", class: "btn btn-primary" }, this.t("settings.save"));
    const saved = h("span", { class: "muted", "aria-live": "polite" });
    const form = h("form", { class: "settings", novalidate: true },
      [...groups.values()].filter((g) => g.fields.length).map((g) => h("fieldset", null, h("legend", null, g.label), g.fields)),
      h("fieldset", null, h("legend", null, this.t("settings.embedding")),
        this.fieldBox("origins", this.t("settings.origins"), originsBox, this.t("settings.originsHelp"), ""),
        this.fieldBox("sso_secret", this.t("settings.ssoSecret"), secret, this.t("settings.ssoSecretHelp"), "",
          h("span", { class: "badge" + (data.sso_secret_set ? " badge-ok" : "") },
            data.sso_secret_set ? this.t("settings.set") : this.t("settings.notSet")))),
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
        this.showFieldErrors(form, new ApiError(422, "invalid", this.t("settings.needFixing"), Object.fromEntries(bad)));
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
      this.say(this.t("settings.savedSay"), "ok");
      const note = body.querySelector("form.settings .form-actions .muted");
      if (note) note.textContent = this.t("settings.saved");
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
    const t = (key, params) => this.t(key, params);
    const label = spec.labelKey ? t(spec.labelKey) : name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    const help = spec.helpKey ? t(spec.helpKey) : "";
    let kind = kindOf(spec, value);
    if (kind === "choice" && !(typeof value === "string" || value === null)) kind = kindOf({}, value);
    if ((kind === "int" || kind === "number") && value !== null && value !== undefined && typeof value !== "number") kind = "json";
    if (kind === "lines" && value !== null && value !== undefined && !Array.isArray(value)) kind = "json";

    let input;
    if (kind === "bool") {
      input = h("input", { name, type: "checkbox", checked: Boolean(value) });
      readers.push([name, () => input.checked]);
    } else if (kind === "choice") {
      const known = Object.entries(spec.choiceKeys).map(([v, key]) => [v, t(key)]);
      const choices = known.some(([v]) => v === value) || value === null ? known : [...known, [value, value]];
      input = h("select", { name },
        spec.nullable ? h("option", { value: "", selected: value === null }, t("settings.notSet")) : null,
        choices.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
      readers.push([name, () => (spec.nullable && input.value === "" ? null : input.value)]);
    } else if (kind === "int" || kind === "number") {
      input = h("input", {
        name, type: "number", inputmode: kind === "int" ? "numeric" : "decimal", class: "num-input",
        step: kind === "int" ? 1 : spec.step || "any",
        min: typeof spec.min === "number" ? spec.min : null,
        max: typeof spec.max === "number" ? spec.max : null,
        placeholder: spec.nullable ? t("settings.notSet") : null,
      });
      input.value = value === null || value === undefined ? "" : String(value);
      readers.push([name, () => readNumber(input, spec, kind, t)]);
    } else if (kind === "lines") {
      const list = Array.isArray(value) ? value : [];
      input = h("textarea", { name, rows: Math.min(10, Math.max(3, list.length + 1)), spellcheck: "false", class: "mono" });
      input.value = list.join("\n");
      readers.push([name, () => readLines(input, spec, t)]);
    } else if (kind === "secret") {
      const isSet = Boolean(data[name + "_set"]);
      input = h("input", {
        name, type: "password", autocomplete: "new-password", spellcheck: "false",
        placeholder: isSet ? t("settings.secretSet") : t("settings.notSet"),
      });
      readers.push([name, () => {
        const text = input.value;
        if (!text) return SKIP; // the server keeps the current one
        if (typeof spec.minLength === "number" && text.length < spec.minLength) {
          throw new Error(t("settings.atLeastCharacters", { n: spec.minLength, count: String(spec.minLength) }));
        }
        if (typeof spec.maxLength === "number" && text.length > spec.maxLength) {
          throw new Error(t("settings.atMostCharacters", { n: spec.maxLength, count: String(spec.maxLength) }));
        }
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
      input = h("pre", { class: "json", tabindex: "0", "aria-label": t("settings.readOnlyLabel", { label }) },
        JSON.stringify(value, null, 2));
      readers.push([name, () => value]);
      return h("div", { class: "field" }, h("span", { class: "label" }, label, " ", h("span", { class: "hint" }, t("settings.readOnly"))),
        help ? h("p", { class: "hint" }, help) : null, input, h("p", { class: "field-error", "data-error-for": name }));
    }
    const range = kind === "int" || kind === "number" ? rangeText(spec, t) : "";
    return this.fieldBox(name, label, input, help, range);
  },

  /** "Test this text": the site's saved filters run on some text; matches highlighted. */
  checkBox() {
    const id = this.uid("check");
    const text = h("textarea", { id, name: "check-body", rows: 6, placeholder: this.t("settings.checkPlaceholder") });
    const run = h("button", { type: "submit", class: "btn btn-primary" }, this.t("settings.test"));
    const result = h("div", { class: "check-result", "aria-live": "polite" });
    const form = h("form", { class: "check", novalidate: true },
      h("h2", { id: id + "-title" }, h("label", { for: id }, this.t("settings.checkTitle"))),
      h("p", { class: "hint" }, this.t("settings.checkHint")),
      text, h("div", { class: "form-actions" }, run), result);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = text.value;
      if (!body.trim()) {
        result.replaceChildren(h("p", { class: "muted" }, this.t("settings.typeFirst")));
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
      const verdicts = {
        allow: this.t("settings.verdictAllow"), hold: this.t("settings.verdictHold"), reject: this.t("settings.verdictReject"),
      };
      const marked = highlighted(body, reasons.filter((r) => Array.isArray(r.span)).map((r) => ({ span: r.span, label: r.message || r.code })));
      fill(result,
        h("p", { class: "verdict verdict-" + String(action).replace(/[^a-z]/g, "") }, verdicts[action] || String(action),
          data && data.masked ? h("span", { class: "muted" }, this.t("settings.masked")) : null),
        reasons.length ? h("ul", { class: "reasons" }, reasons.map((r) => h("li", { class: "reason" },
          h("span", { class: "reason-message" }, r.message || r.code || ""),
          r.code ? h("code", { class: "reason-code" }, r.code) : null))) : null,
        h("pre", { class: "source-text" }, marked.node));
    });
    return h("aside", { class: "check-panel", "aria-labelledby": id + "-title" }, form);
  },
};
