/*
 * HTTP for the widget, count.js and the dashboard: one request function that builds the
 * URL, sends JSON, and turns every failure into an ApiError a caller can word.
 *
 * An ApiError's `message` is the service's own (already in the reader's language, from
 * the error shape of the contract); when the service said nothing, `key` and `params`
 * name the words to show instead (`error.network`, `error.status`).
 */

export class ApiError extends Error {
  constructor(status, code, message, fields, key = "error.generic", params = null) {
    super(message || "");
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields || null;
    this.key = key;
    this.params = params;
  }
}

// A language tag only (no list, no q-values): the header then stays CORS-safelisted.
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** `lang` when it is a single language tag, else "" (never sent). */
export function languageHeader(lang) {
  return LANGUAGE_TAG.test(lang || "") ? lang : "";
}

/** `base + path` with `query`'s values appended (arrays repeat the key; empties skipped). */
export function buildUrl(base, path, query) {
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(key, String(item));
    }
  }
  return url.href;
}

function isAbort(error) {
  return Boolean(error) && error.name === "AbortError";
}

/**
 * A `request(method, path, {query, body, headers})` bound to one service.
 *
 * `headers(method)` adds the caller's own headers (a bearer token, a CSRF token, the
 * language); `credentials` is "omit" for the widget (it runs on other people's pages
 * and never sends cookies) and "same-origin" for the dashboard; `signal()` gives the
 * AbortSignal of the moment, whose abort is passed through as is.
 */
export function createRequest({ base, headers = () => ({}), credentials = "omit", signal = () => undefined, fetcher }) {
  const send = fetcher || ((...args) => fetch(...args));
  return async function request(method, path, { query, body, headers: extra } = {}) {
    const sent = Object.assign({ Accept: "application/json" }, headers(method) || {}, extra || {});
    if (body !== undefined) sent["Content-Type"] = "application/json";
    let response;
    try {
      response = await send(buildUrl(base, path, query), {
        method,
        headers: sent,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials,
        mode: credentials === "omit" ? "cors" : "same-origin",
        cache: "no-store",
        signal: signal(),
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(0, "network", "", null, "error.network");
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      if (isAbort(error)) throw error;
      data = null;
    }
    if (!response.ok) {
      const detail = (data && data.error) || {};
      throw new ApiError(
        response.status,
        detail.code || "http_" + response.status,
        typeof detail.message === "string" ? detail.message : "",
        detail.fields,
        "error.status",
        { status: response.status }
      );
    }
    return data;
  };
}
