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

/**
 * `answered(method, sentAt)` hears of every answer in the 2xx range, with the moment
 * (performance.now) its request left: the widget clears the notices it no longer needs.
 */
export function createApi({ base, site, lang, token, signal, early = new Map(), answered = null, renew = null }) {
  const language = languageHeader(lang);
  const fetcher = (url, init) => {
    const sentAt = performance.now();
    const key = init.method === "GET" ? earlyKey(url, init.headers) : null;
    const answer = key && early.get(key);
    if (key && answer) early.delete(key);
    const sent = answer || fetch(url, init);
    if (!answered) return sent;
    return sent.then((response) => {
      if (response.ok) answered(init.method, sentAt);
      return response;
    });
  };
  const once = createRequest({
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
  // `renew(sent)` (main.js renewSession) answers whether a fresh login from the publisher
  // replaced the token `sent`, refused with 401: the request then goes once more with it.
  const request = !renew ? once : async (method, path, options) => {
    const sent = token();
    try {
      return await once(method, path, options);
    } catch (error) {
      if (!sent || error.status !== 401 || path.startsWith("/auth/") || !(await renew(sent))) throw error;
      return once(method, path, options);
    }
  };
  const sitePath = "/api/v1/sites/" + encodeURIComponent(site);
  const commentPath = (id) => "/api/v1/comments/" + encodeURIComponent(id);

  return Object.freeze({
    loginUrl: (provider, origin) =>
      base + "/auth/" + encodeURIComponent(provider) + "/login?site=" +
      encodeURIComponent(site) + "&origin=" + encodeURIComponent(origin),
    eventsUrl: (thread, after) =>
      base + sitePath + "/events?thread=" + encodeURIComponent(thread) +
      (after ? "&last_event_id=" + encodeURIComponent(after) : ""),
    // Any endpoint, for the modules that alone use theirs (staff.js, account-panel.js).
    call: request,
    providers: () => request("GET", "/auth/providers", { query: { site } }),
    me: () => request("GET", "/api/v1/me", { query: { site } }),
    logout: () => request("POST", "/auth/logout"),
    sso: (ssoToken) => request("POST", "/auth/sso", { body: { site, token: ssoToken } }),
    // `around`: a permalink's comment, whose conversation the first page then begins with.
    list: (thread, sort, cursor, around = null) =>
      request("GET", sitePath + "/comments", { query: { thread, sort, limit: PAGE_SIZE, cursor, around } }),
    replies: (thread, parent, cursor) =>
      request("GET", sitePath + "/comments", { query: { thread, parent, cursor } }),
    // `key`: the Idempotency-Key of this text, the same on a retry, so a post that arrived isn't doubled.
    post: (payload, key = null) =>
      request("POST", sitePath + "/comments", { body: payload, headers: key ? { "Idempotency-Key": key } : undefined }),
    preview: (text) => request("POST", sitePath + "/preview", { body: { body: text } }),
    originCheck: () => request("GET", sitePath + "/origin-check"),
    edit: (id, text) => request("PATCH", commentPath(id), { body: { body: text } }),
    remove: (id) => request("DELETE", commentPath(id)),
    vote: (id, value) => request("PUT", commentPath(id) + "/vote", { body: { value } }),
    report: (id, reason, note) =>
      request("POST", commentPath(id) + "/reports", { body: note ? { reason, note } : { reason } }),
  });
}
