/*
 * "My e-mail alerts": a moderator's own choice to be mailed when comments wait for review
 * or are reported on the site in view. Shown only where the service sends mail and the
 * answer has an alerts choice for this account; otherwise it stays out of the way.
 */

export const alerts = {
  bindAlerts() {
    this.el.alertsBox.addEventListener("change", () => this.setAlerts(this.el.alertsBox.checked));
  },

  async loadAlerts() {
    const seq = ++this.alertsSeq;
    this.el.alerts.hidden = true;
    let data;
    try {
      data = await this.api.myNotifications(this.site.name);
    } catch {
      return; // the control is a convenience: without an answer it is not offered
    }
    if (seq !== this.alertsSeq) return;
    this.showAlerts(data);
  },

  showAlerts(data) {
    const offered = Boolean(data && data.enabled) && typeof data.alerts === "boolean";
    this.el.alerts.hidden = !offered;
    if (offered) this.el.alertsBox.checked = data.alerts;
  },

  async setAlerts(on) {
    const box = this.el.alertsBox;
    const site = this.site.name;
    const seq = ++this.alertsSeq;
    box.disabled = true;
    let data;
    try {
      data = await this.api.setMyNotifications(site, { alerts: on });
    } catch (error) {
      if (seq !== this.alertsSeq) return;
      box.disabled = false;
      box.checked = !on;
      if (error.name !== "AbortError") this.say(error.message, "error");
      return;
    }
    if (seq !== this.alertsSeq) return;
    box.disabled = false;
    this.showAlerts(data);
    const now = data && typeof data.alerts === "boolean" ? data.alerts : on;
    if (!now) this.say(this.t("alerts.off", { site }), "ok");
    else if (data && data.verified === false) this.say(this.t("alerts.onUnverified", { site }), "error");
    else this.say(this.t("alerts.on", { site }), "ok");
  },
};
