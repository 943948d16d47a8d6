/*
 * Every request the dashboard makes, over the shared core's HTTP: the same-origin cookie
 * session, and the CSRF token on each state-changing request. An error the service did
 * not word gets the dashboard's own words, so a caller can always show `message`.
 */

import { ApiError, createRequest } from "@widget/core/http.js";

export { ApiError };

/**
 * The dashboard's API on `base`; `getCsrf()`, `getSignal()` and `getLanguage()` give the
 * moment's values, `t` the dashboard's words (language.js).
 */
export function createApi(base, { getCsrf, getSignal, getLanguage = () => "en", t = (key) => key }) {
  const send = createRequest({
    base,
    credentials: "same-origin",
    signal: getSignal,
    headers: (method) => {
      const csrf = method !== "GET" && getCsrf();
      const words = { "Accept-Language": getLanguage() }; // the service's messages in it
      return csrf ? { ...words, "X-CSRF-Token": csrf } : words;
    },
  });

  async function request(method, path, options) {
    try {
      return await send(method, path, options);
    } catch (error) {
      if (error instanceof ApiError && !error.message) {
        error.message = error.status === 0 ? t("error.network") : t("error.status", { status: String(error.status) });
      }
      throw error;
    }
  }

  const sitePath = (site) => "/api/v1/sites/" + encodeURIComponent(site);
  const commentPath = (id) => "/api/v1/moderation/comments/" + encodeURIComponent(id);

  return Object.freeze({
    loginUrl: (provider) => base + "/moderate/login/" + encodeURIComponent(provider),
    session: () => request("GET", "/moderate/session"),
    providers: () => request("GET", "/moderate/providers"),
    logout: () => request("POST", "/moderate/logout"),
    queue: (site, params) => request("GET", sitePath(site) + "/moderation/queue", { query: params }),
    decide: (id, action, fromStatus, reason) =>
      request("POST", commentPath(id) + "/decision", {
        body: reason ? { action, from_status: fromStatus, reason } : { action, from_status: fromStatus },
      }),
    claim: (id) => request("POST", commentPath(id) + "/claim"),
    bulk: (site, ids, action, fromStatus) =>
      request("POST", sitePath(site) + "/moderation/bulk", { body: { ids, action, from_status: fromStatus } }),
    bans: (site) => request("GET", sitePath(site) + "/bans"),
    ban: (site, payload) => request("POST", sitePath(site) + "/bans", { body: payload }),
    liftBan: (site, userId) => request("DELETE", sitePath(site) + "/bans/" + encodeURIComponent(userId)),
    settings: (site) => request("GET", sitePath(site) + "/settings"),
    saveSettings: (site, payload) => request("PUT", sitePath(site) + "/settings", { body: payload }),
    check: (site, text) => request("POST", sitePath(site) + "/moderation/check", { body: { body: text } }),
    allowWord: (site, word, commentId) =>
      request("POST", sitePath(site) + "/moderation/allowed-words", { body: { word, comment_id: commentId } }),
    roles: (site) => request("GET", sitePath(site) + "/roles"),
    setRoles: (site, userId, roles) =>
      request("PUT", sitePath(site) + "/roles/" + encodeURIComponent(userId), { body: { roles } }),
    findUsers: (site, q) => request("GET", sitePath(site) + "/users", { query: { q } }),
    log: (site, cursor) => request("GET", sitePath(site) + "/moderation/log", { query: { cursor } }),
    stats: (site, days) => request("GET", sitePath(site) + "/moderation/stats", { query: { days } }),
    setThreadOpen: (site, thread, open) =>
      request("POST", sitePath(site) + "/threads/" + (open ? "open" : "close"), { body: { thread } }),
    webhooks: (site) => request("GET", sitePath(site) + "/webhooks"),
    addWebhook: (site, url, events) => request("POST", sitePath(site) + "/webhooks", { body: { url, events } }),
    deleteWebhook: (site, id) => request("DELETE", sitePath(site) + "/webhooks/" + encodeURIComponent(id)),
    rotateWebhook: (site, id) => request("POST", sitePath(site) + "/webhooks/" + encodeURIComponent(id) + "/rotate"),
    enableWebhook: (site, id) => request("POST", sitePath(site) + "/webhooks/" + encodeURIComponent(id) + "/enable"),
    testWebhook: (site, id) => request("POST", sitePath(site) + "/webhooks/" + encodeURIComponent(id) + "/test"),
    deliveries: (site, id) => request("GET", sitePath(site) + "/webhooks/" + encodeURIComponent(id) + "/deliveries"),
    redeliver: (site, id, deliveryId) =>
      request("POST", sitePath(site) + "/webhooks/" + encodeURIComponent(id) + "/deliveries/" + encodeURIComponent(deliveryId) + "/redeliver"),
    failed: (site) => request("GET", sitePath(site) + "/outbox/failed"),
    retryFailed: (site, id) =>
      request("POST", sitePath(site) + "/outbox/failed/" + encodeURIComponent(id) + "/retry"),
    myNotifications: (site) => request("GET", "/api/v1/me/notifications", { query: { site } }),
    setMyNotifications: (site, choices) =>
      request("PUT", "/api/v1/me/notifications", { query: { site }, body: choices }),
    /** The live queue feed; same-origin, so the session cookie goes along. */
    events: (site) => new EventSource(base + sitePath(site) + "/moderation/events"),
  });
}
