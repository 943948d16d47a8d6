/*
 * The widget's endpoints, on core/http.js: a bearer token when the reader has one, the
 * reader's language, never cookies. `early` holds the answers the loader asked for
 * before the modules arrived (by `earlyKey`); each is used once, and only for the very
 * request it stands for (same URL, token and language).
 */

import { createRequest, languageHeader } from "../core/http.js";

export const PAGE_SIZE = 20;

/** What an early answer is filed under; comments.js files its own the same way. */
export const earlyKey = (url, headers) =>
  [url, headers.Authorization || "", headers["Accept-Language"] || ""].join(" ");

export function createApi({ base, site, lang, token, signal, early = new Map() }) {
  const language = languageHeader(lang);
  const fetcher = (url, init) => {
    const key = init.method === "GET" ? earlyKey(url, init.headers) : null;
    const answer = key && early.get(key);
    if (!answer) return fetch(url, init);
    early.delete(key);
    return answer;
  };
  const request = createRequest({
    base,
    fetcher,
    signal: () => signal,
    headers() {
      const headers = {};
      if (language) headers["Accept-Language"] = language; // reasons come back in it
      const t = token();
      if (t) headers.Authorization = "Bearer " + t;
      return headers;
    },
  });
  const sitePath = "/api/v1/sites/" + encodeURIComponent(site);
  const commentPath = (id) => "/api/v1/comments/" + encodeURIComponent(id);

  return Object.freeze({
    loginUrl: (provider, origin) =>
      base + "/auth/" + encodeURIComponent(provider) + "/login?site=" +
      encodeURIComponent(site) + "&origin=" + encodeURIComponent(origin),
    eventsUrl: (thread, after) =>
      base + sitePath + "/events?thread=" + encodeURIComponent(thread) +
      (after ? "&last_event_id=" + encodeURIComponent(after) : ""),
    providers: () => request("GET", "/auth/providers", { query: { site } }),
    me: () => request("GET", "/api/v1/me", { query: { site } }),
    logout: () => request("POST", "/auth/logout"),
    sso: (ssoToken) => request("POST", "/auth/sso", { body: { site, token: ssoToken } }),
    list: (thread, sort, cursor) =>
      request("GET", sitePath + "/comments", { query: { thread, sort, limit: PAGE_SIZE, cursor } }),
    replies: (thread, parent, cursor) =>
      request("GET", sitePath + "/comments", { query: { thread, parent, cursor } }),
    post: (payload) => request("POST", sitePath + "/comments", { body: payload }),
    edit: (id, text) => request("PATCH", commentPath(id), { body: { body: text } }),
    remove: (id) => request("DELETE", commentPath(id)),
    vote: (id, value) => request("PUT", commentPath(id) + "/vote", { body: { value } }),
    report: (id, reason, note) =>
      request("POST", commentPath(id) + "/reports", { body: note ? { reason, note } : { reason } }),
  });
}
