/*
 * Who is here and for which site: start-up, the login screen, logging out, and choosing
 * a site (which tears down everything tied to the previous one).
 */

import { h } from "@widget/core/dom.js";

import { SITE_KEY, TICK_MS, memory } from "./state.js";
import { nameOf, personAvatar } from "./ui.js";

export const session = {
  async start() {
    let found;
    try {
      found = await this.api.session();
    } catch (error) {
      if (error.status === 401) {
        this.showLogin();
      } else if (error.name !== "AbortError") {
        this.showFatal(this.t("session.couldNotStart"), error.message);
      }
      return;
    }
    const wanted = this.takeLink();
    this.csrf = (found && found.csrf_token) || null;
    this.user = (found && found.user) || null;
    this.sites = (found && Array.isArray(found.sites) ? found.sites : [])
      .filter((s) => s && typeof s.name === "string");
    this.showApp();
    if (!this.sites.length) {
      this.showMessage(this.t("session.noSites"), this.t("session.noSitesText"));
      return;
    }
    const remembered = memory.get(SITE_KEY);
    const site = this.sites.find((s) => s.name === remembered) || this.sites[0];
    this.renderSitePicker();
    this.followLink(wanted, site);
  },

  showFatal(title, text) {
    this.el.boot.hidden = false;
    this.el.boot.replaceChildren(h("strong", null, title), " ", text);
    this.el.boot.classList.add("is-error");
  },

  async showLogin(message) {
    this.keepLink();
    this.teardown();
    this.csrf = null;
    this.user = null;
    this.el.boot.hidden = true;
    this.el.app.hidden = true;
    this.el.login.hidden = false;
    document.title = this.t("session.loginTitle");
    this.el.loginError.textContent = message || "";
    this.el.providers.replaceChildren(h("li", { class: "muted" }, this.t("session.loading")));
    try {
      const data = await this.api.providers();
      const providers = (data && Array.isArray(data.providers)) ? data.providers : [];
      if (!providers.length) {
        this.el.providers.replaceChildren(h("li", { class: "muted" }, this.t("session.noProviders")));
        return;
      }
      this.el.providers.replaceChildren(...providers.map((p) =>
        h("li", null, h("a", {
          class: "btn btn-provider",
          href: this.api.loginUrl(p.id),
          "data-provider": p.id,
        }, this.t("session.continueWith", { name: p.name || p.id })))
      ));
      const first = this.el.providers.querySelector("a");
      if (first) first.focus();
    } catch (error) {
      if (error.name === "AbortError") return;
      this.el.providers.replaceChildren();
      this.el.loginError.textContent = error.message;
    }
  },

  showApp() {
    this.el.boot.hidden = true;
    this.el.login.hidden = true;
    this.el.app.hidden = false;
    const who = this.el.who;
    who.replaceChildren();
    if (this.user) who.append(personAvatar(this.user, 24), h("span", { class: "who-name" }, nameOf(this.user, "")));
  },

  async logout() {
    try {
      await this.api.logout();
    } catch (error) {
      if (error.status !== 401 && error.name !== "AbortError") {
        this.say(error.message, "error");
        return;
      }
    }
    this.showLogin(this.t("session.loggedOut"));
  },

  /** Stops everything tied to the current session or site. */
  teardown() {
    this.aborter.abort();
    this.aborter = new AbortController();
    this.disconnectLive();
    this.releaseClaim();
    clearInterval(this.tick);
    this.tick = null;
    clearTimeout(this.searchTimer);
    this.dropUndo();
    this.alertsSeq += 1; // an answer for the site being left is not shown
    this.el.alerts.hidden = true;
    for (const dialog of [this.el.banDialog, this.el.helpDialog]) if (dialog.open) dialog.close();
  },

  renderSitePicker() {
    const picker = this.el.sitePicker;
    picker.replaceChildren(...this.sites.map((s) => h("option", { value: s.name }, s.name)));
    this.el.sitePickerLabel.hidden = this.sites.length < 2;
  },

  chooseSite(name) {
    const site = this.sites.find((s) => s.name === name);
    if (!site) return;
    this.teardown();
    this.site = site;
    memory.set(SITE_KEY, site.name);
    this.el.sitePicker.value = site.name;
    this.el.siteName.textContent = this.sites.length < 2 ? site.name : "";
    const admin = this.isAdmin();
    for (const link of document.querySelectorAll(".views a[data-admin]")) link.hidden = !admin;
    this.counts = {};
    this.oldestPendingAt = null;
    this.surges.clear();
    this.taken.clear();
    this.view = null;
    this.connectLive();
    this.tick = setInterval(() => this.onTick(), TICK_MS);
    this.loadAlerts();
    this.route(true);
  },
};
