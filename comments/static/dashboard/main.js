/*
 * The moderators' dashboard, served at `{base}/moderate`: boot, wiring and routing.
 *
 * Plain ES modules, no build step. Each module holds the methods of one concept and
 * they are mixed into the one `Dashboard` (state.js), so `this` is the dashboard
 * everywhere. The shared core (HTTP, DOM, times, avatars, where the service is) comes
 * from the widget's versioned folder through the page's import map. Text always goes
 * in as text; the only HTML is a comment's `html` field, sanitised by the server.
 */

import { formatNumber } from "@widget/core/time.js";
import { serviceBaseOf } from "@widget/core/where.js";

import { alerts } from "./alerts.js";
import { bans } from "./bans.js";
import { decisions } from "./decisions.js";
import { failed } from "./failed.js";
import { focus } from "./focus.js";
import { item } from "./item.js";
import { keyboard } from "./keyboard.js";
import { language } from "./language.js";
import { link } from "./link.js";
import { live } from "./live.js";
import { log } from "./log.js";
import { queue } from "./queue.js";
import { session } from "./session.js";
import { settings } from "./settings.js";
import { ADMIN_PAGES, Dashboard, PAGES, QUEUES } from "./state.js";
import { stats } from "./stats.js";
import { team } from "./team.js";
import { feedback } from "./ui.js";
import { webhooks } from "./webhooks.js";

const LOADERS = Object.freeze({
  bans: (app) => app.loadBans(),
  log: (app) => app.loadLog(true),
  stats: (app) => app.loadStats(),
  settings: (app) => app.loadSettings(),
  roles: (app) => app.loadRoles(),
  webhooks: (app) => app.loadWebhooks(),
  failed: (app) => app.loadFailed(),
});

const views = {
  /** Wires the static page once: every button, the list's delegated clicks, keys. */
  bindStatic() {
    const el = this.el;
    const action = (name) => document.querySelector('button[data-action="' + name + '"]');
    document.addEventListener("keydown", (event) => this.onKey(event));
    window.addEventListener("hashchange", () => this.route());
    action("logout").addEventListener("click", () => this.logout());
    el.sitePicker.addEventListener("change", () => {
      this.linked = null;
      this.chooseSite(el.sitePicker.value);
    });
    for (const tab of el.tabs) tab.addEventListener("click", () => this.go("#/" + tab.dataset.queue));
    el.searchForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.search(el.search.value, true);
    });
    el.search.addEventListener("input", () => this.searchSoon());
    el.search.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      if (el.search.value) {
        el.search.value = "";
        this.search("", false);
      }
      this.focusList();
    });
    el.more.addEventListener("click", () => this.loadMore());
    action("help").addEventListener("click", () => this.showHelp());
    action("select-all").addEventListener("click", () => this.selectAll());
    action("clear-selection").addEventListener("click", () => this.clearSelection());
    action("bulk-approve").addEventListener("click", () => this.bulk("approve"));
    action("bulk-reject").addEventListener("click", () => this.bulk("reject"));
    el.density.addEventListener("click", () => this.setDensity(!el.app.classList.contains("is-compact")));
    el.undo.addEventListener("click", () => this.undo());

    el.list.addEventListener("click", (event) => this.onListClick(event));
    el.list.addEventListener("focusin", (event) => {
      const article = event.target.closest("article.mod-item");
      if (article && article.dataset.id !== this.focusedId) {
        this.setFocus(article.dataset.id, { scroll: false, domFocus: false });
      }
    });
    if ("IntersectionObserver" in window) {
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) this.loadMore();
      }, { rootMargin: "600px 0px" });
      this.observer.observe(el.sentinel);
    }
    this.bindAlerts();
    this.renderHelp();
    this.bindBanDialog();
    this.restoreDensity();
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.view === "queue") this.renderOldest();
    });
  },

  go(hash) {
    if (location.hash === hash) this.route();
    else location.hash = hash;
  },

  route(force) {
    if (!this.site) return;
    const name = decodeURIComponent(location.hash.replace(/^#\/?/, "")) || "pending";
    let view = "queue";
    let status = this.queue.status;
    if (QUEUES.includes(name)) status = name;
    else if (PAGES.includes(name)) view = name;
    if (ADMIN_PAGES.includes(view) && !this.isAdmin()) {
      this.showMessage(this.t("page.adminsOnly"), this.t("page.adminsOnlyText"));
      return;
    }
    const changed = force || view !== this.view || (view === "queue" && status !== this.queue.status);
    this.showView(view);
    if (!changed) return;
    if (view === "queue") {
      this.queue.status = status;
      this.renderTabs();
      this.loadQueue();
    } else {
      this.linked = null;
      this.releaseClaim();
      LOADERS[view](this);
    }
  },

  showView(view) {
    this.view = view;
    for (const [name, section] of Object.entries(this.el.views)) section.hidden = name !== view;
    for (const link of document.querySelectorAll(".views a[data-view]")) {
      if (link.dataset.view === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    this.updateTitle();
  },

  showMessage(title, text) {
    this.showView("message");
    const section = this.el.views.message;
    section.querySelector(".message-title").textContent = title;
    section.querySelector(".message-text").textContent = text;
  },

  updateTitle() {
    const pending = this.counts.pending;
    const prefix = typeof pending === "number" && pending > 0 ? "(" + formatNumber(pending) + ") " : "";
    const site = this.site ? " · " + this.site.name : "";
    document.title = prefix + this.t("page.title") + site;
  },
};

for (const methods of [language, feedback, views, session, link, keyboard, queue, focus, item, decisions, bans, log, stats, settings, team, webhooks, failed, alerts, live]) {
  for (const [name, fn] of Object.entries(methods)) {
    if (Object.hasOwn(Dashboard.prototype, name)) throw new Error("two modules define " + name);
    Dashboard.prototype[name] = fn;
  }
}

const base = serviceBaseOf() || location.origin + location.pathname.replace(/\/moderate\/?$/, "");
const app = new Dashboard(base);
// The words first: everything the dashboard writes, from the first screen on, is in its language.
app.loadLanguage().then(() => {
  app.bindLanguagePicker();
  app.bindStatic();
  app.start();
});
