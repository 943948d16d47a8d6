/*
 * The team (admins): who moderates and administers the site, people found by name to
 * give a role, and the admins named by the server's settings, shown but not editable here.
 */

import { h } from "@widget/core/dom.js";

import { cell, clearFormErrors, nameOf, personAvatar } from "./ui.js";

const FIND_DELAY_MS = 300;
const ENVIRONMENT = "environment";
// The roles a person can hold, as the badges of people found name them.
const ROLE_KEYS = Object.freeze({ moderator: "team.roleModerator", admin: "team.roleAdmin" });

export const team = {
  async loadRoles() {
    const body = this.pageBody("roles");
    body.replaceChildren(h("p", { class: "muted" }, this.t("team.loading")));
    let data;
    try {
      data = await this.api.roles(this.site.name);
    } catch (error) {
      if (!this.fail(error)) body.replaceChildren(h("p", { class: "form-error" }, error.message));
      return;
    }
    const people = (data && Array.isArray(data.roles)) ? data.roles : [];
    body.replaceChildren(
      people.length
        ? h("table", { class: "table table-cards team" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, this.t("team.person")),
            h("th", { scope: "col", class: "center" }, this.t("team.moderator")), h("th", { scope: "col", class: "center" }, this.t("team.admin")))),
          h("tbody", null, people.map((person) => this.roleRow(person))))
        : h("p", { class: "muted" }, this.t("team.nobody")),
      this.grantForm());
  },

  roleRow(person) {
    const who = nameOf({ name: person.user_name }, person.user_id);
    const fixed = person.source === ENVIRONMENT;
    const roles = new Set(Array.isArray(person.roles) ? person.roles : []);
    const boxes = ["moderator", "admin"].map((role) => {
      const box = h("input", {
        type: "checkbox", checked: roles.has(role), "data-role": role, disabled: fixed,
        "aria-label": this.t(role === "admin" ? "team.adminOf" : "team.moderatorOf", { name: who }),
      });
      if (!fixed) box.addEventListener("change", () => this.toggleRole(person, roles, role, box));
      return cell(this.t(role === "admin" ? "team.admin" : "team.moderator"), { class: "center" }, box);
    });
    return h("tr", { "data-user": person.user_id || "", "data-source": fixed ? ENVIRONMENT : null },
      cell(this.t("team.person"), null,
        h("span", { class: "strong" }, nameOf({ name: person.user_name }, "—")),
        fixed ? [" ", h("span", { class: "badge", title: this.t("team.fixedTitle") }, this.t("team.fixed"))] : null,
        h("br"), h("code", { class: "muted" }, person.user_id || "")),
      boxes);
  },

  async toggleRole(person, roles, role, box) {
    const who = nameOf({ name: person.user_name }, person.user_id);
    const next = new Set(roles);
    if (box.checked) next.add(role);
    else next.delete(role);
    box.disabled = true;
    try {
      await this.api.setRoles(this.site.name, person.user_id, [...next]);
      roles.clear();
      for (const r of next) roles.add(r);
      this.say(this.t("team.updated", { name: who }), "ok");
    } catch (error) {
      box.checked = !box.checked;
      this.fail(error);
    } finally {
      box.disabled = false;
    }
  },

  /** Find a person by name (or type their id), pick a role, save. */
  grantForm() {
    const findId = this.uid("find");
    const userId = this.uid("grant-user");
    const roleId = this.uid("grant-role");
    const find = h("input", {
      id: findId, type: "search", maxlength: 80, autocomplete: "off", spellcheck: "false",
      placeholder: this.t("team.findPlaceholder"), "aria-describedby": findId + "-help", "aria-controls": findId + "-results",
    });
    const results = h("ul", { id: findId + "-results", class: "people", "aria-label": this.t("team.found"), "aria-live": "polite" });
    const user = h("input", { id: userId, name: "user_id", type: "text", required: true, spellcheck: "false", autocomplete: "off", placeholder: "github:12345", class: "mono", maxlength: 300 });
    const role = h("select", { id: roleId, name: "role" },
      h("option", { value: "moderator" }, this.t("team.moderator")),
      h("option", { value: "admin" }, this.t("team.admin")),
      h("option", { value: "admin+moderator" }, this.t("team.adminAndModerator")),
      h("option", { value: "" }, this.t("team.noRole")));
    const errors = h("p", { class: "form-error", role: "alert" });
    const grant = h("form", { class: "grant", novalidate: true },
      h("h2", null, this.t("team.giveRole")),
      h("div", { class: "field" },
        h("label", { for: findId }, this.t("team.find")),
        h("p", { class: "hint", id: findId + "-help" }, this.t("team.findHint")),
        find, results),
      h("div", { class: "grant-row" },
        h("div", { class: "field" }, h("label", { for: userId }, this.t("team.userId")), user, h("p", { class: "field-error", "data-error-for": "user_id" })),
        h("div", { class: "field" }, h("label", { for: roleId }, this.t("team.role")), role, h("p", { class: "field-error", "data-error-for": "roles" })),
        h("div", { class: "field" }, h("button", { type: "submit", class: "btn btn-primary" }, this.t("team.save")))),
      errors);

    let timer = null;
    let seq = 0;
    const search = async () => {
      const q = find.value.trim();
      const mine = ++seq;
      if (!q) {
        results.replaceChildren();
        return;
      }
      let data;
      try {
        data = await this.api.findUsers(this.site.name, q);
      } catch (error) {
        if (mine === seq && !this.fail(error)) results.replaceChildren(h("li", { class: "form-error" }, error.message));
        return;
      }
      if (mine !== seq) return;
      const found = (data && Array.isArray(data.users)) ? data.users : [];
      if (!found.length) {
        results.replaceChildren(h("li", { class: "muted" }, this.t("team.nobodyFound")));
        return;
      }
      results.replaceChildren(...found.map((person) => h("li", null, h("button", {
        type: "button", class: "person", "data-user": person.id,
        onclick: () => {
          user.value = person.id;
          role.focus();
          this.say(this.t("team.chose", { name: nameOf(person, person.id) }));
        },
      }, personAvatar(person, 22),
      h("span", { class: "person-name" }, nameOf(person, person.id)),
      h("code", { class: "muted" }, person.id),
      Array.isArray(person.roles) && person.roles.length ? h("span", { class: "badge" }, person.roles.map((r) => (Object.hasOwn(ROLE_KEYS, r) ? this.t(ROLE_KEYS[r]) : String(r))).join(", ")) : null,
      person.banned ? h("span", { class: "badge badge-bad" }, this.t("team.banned")) : null))));
    };
    find.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, FIND_DELAY_MS);
    });
    find.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      clearTimeout(timer);
      search();
    });

    grant.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFormErrors(grant);
      const id = user.value.trim();
      if (!id) {
        grant.querySelector('[data-error-for="user_id"]').textContent = this.t("team.userNeeded");
        user.setAttribute("aria-invalid", "true");
        user.focus();
        return;
      }
      try {
        await this.api.setRoles(this.site.name, id, role.value ? role.value.split("+") : []);
      } catch (error) {
        if (error.status === 401) {
          this.fail(error);
          return;
        }
        this.showFieldErrors(grant, error);
        return;
      }
      this.say(this.t("team.saved", { id }), "ok");
      this.loadRoles();
    });
    return grant;
  },
};
