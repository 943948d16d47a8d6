// The shared core the widget, count.js and the dashboard import: where the service is,
// HTTP errors (against a real loopback HTTP server), times and avatar choices.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";

import { initials, hue, webUrl } from "../../widget/core/avatar.js";
import { ApiError, buildUrl, createRequest, languageHeader } from "../../widget/core/http.js";
import { absoluteTime, formatNumber, relativeTime } from "../../widget/core/time.js";
import { serviceBaseOf, versionedDir, widgetDir } from "../../widget/core/where.js";

describe("where the service is", () => {
  test("the widget's folder is the one holding core/", () => {
    assert.ok(widgetDir().endsWith("/widget/"));
  });
  test("the service is what comes before /widget/, versioned or not", () => {
    assert.equal(serviceBaseOf("https://c.example/widget/"), "https://c.example");
    assert.equal(serviceBaseOf("https://c.example/comments/widget/v/ab12/"), "https://c.example/comments");
    assert.equal(serviceBaseOf("https://c.example/static/"), null);
    assert.equal(serviceBaseOf("not a url"), null);
  });
  test("a real version gives the versioned folder once; the placeholder leaves it alone", () => {
    assert.equal(versionedDir("https://c.example/widget/", "ab12"), "https://c.example/widget/v/ab12/");
    assert.equal(versionedDir("https://c.example/widget/v/ab12/", "ab12"), "https://c.example/widget/v/ab12/");
    assert.equal(versionedDir("https://c.example/widget/", "__WIDGET_VERSION__"), "https://c.example/widget/");
  });
});

describe("HTTP", () => {
  let server;
  let base;
  const seen = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url.startsWith("/ok")) {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
        } else if (req.url.startsWith("/none")) {
          res.writeHead(204);
          res.end();
        } else if (req.url.startsWith("/bad")) {
          res.writeHead(422, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ error: { code: "invalid", message: "Слишком длинно.", fields: { body: "too long" } } }));
        } else {
          res.writeHead(502, { "Content-Type": "text/html" });
          res.end("<h1>Bad gateway</h1>");
        }
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = "http://127.0.0.1:" + server.address().port;
  });
  after(() => server.close());

  test("query values are appended, arrays repeated, empties left out", () => {
    assert.equal(
      buildUrl("https://c.example", "/x", { thread: ["a b", "c"], cursor: "", n: 0, gone: null }),
      "https://c.example/x?thread=a+b&thread=c&n=0"
    );
  });
  test("only a single language tag is sent as Accept-Language", () => {
    assert.equal(languageHeader("ru-RU"), "ru-RU");
    assert.equal(languageHeader("ru, en;q=0.5"), "");
    assert.equal(languageHeader(undefined), "");
  });
  test("JSON goes out with the caller's headers and comes back parsed", async () => {
    const request = createRequest({ base, headers: (method) => ({ "X-Method": method }) });
    const data = await request("POST", "/ok", { body: { text: "привет" }, query: { site: "demo" } });
    assert.deepEqual(data, { echo: { text: "привет" } });
    const last = seen.at(-1);
    assert.equal(last.url, "/ok?site=demo");
    assert.equal(last.headers["x-method"], "POST");
    assert.equal(last.headers["content-type"], "application/json");
  });
  test("204 is null", async () => {
    assert.equal(await createRequest({ base })("DELETE", "/none"), null);
  });
  test("the service's error shape becomes an ApiError with its own words", async () => {
    const error = await createRequest({ base })("GET", "/bad").catch((e) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 422);
    assert.equal(error.code, "invalid");
    assert.equal(error.message, "Слишком длинно.");
    assert.deepEqual(error.fields, { body: "too long" });
  });
  test("an answer that isn't the error shape still says its status", async () => {
    const error = await createRequest({ base })("GET", "/proxy").catch((e) => e);
    assert.equal(error.status, 502);
    assert.equal(error.code, "http_502");
    assert.equal(error.message, "");
    assert.equal(error.key, "error.status");
    assert.deepEqual(error.params, { status: 502 });
  });
  test("an unreachable service is a network error, an abort stays an abort", async () => {
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = closed.address().port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await createRequest({ base: "http://127.0.0.1:" + port })("GET", "/ok").catch((e) => e);
    assert.equal(error.code, "network");
    assert.equal(error.key, "error.network");
    const controller = new AbortController();
    controller.abort();
    const aborted = await createRequest({ base, signal: () => controller.signal })("GET", "/ok").catch((e) => e);
    assert.equal(aborted.name, "AbortError");
  });
});

describe("times and numbers", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  test("recent times are relative, in the reader's language", () => {
    assert.equal(relativeTime("2026-12-01T11:57:00Z", "en", { now }), "3 minutes ago");
    assert.equal(relativeTime("2026-12-01T11:57:00Z", "ru", { now }), "3 минуты назад");
    assert.equal(relativeTime("2026-12-01T11:59:50Z", "en", { now }), "now");
    assert.equal(relativeTime("2026-11-30T12:00:00Z", "en", { now }), "yesterday");
  });
  test("old times are dates; nonsense is empty", () => {
    assert.match(relativeTime("2025-01-05T12:00:00Z", "en", { now }), /2025/);
    assert.equal(relativeTime("yesterday-ish", "en", { now }), "");
    assert.equal(absoluteTime("nope", "en"), "");
  });
  test("a bad locale doesn't throw", () => {
    assert.equal(formatNumber(1234, "not a locale!"), "1234");
    assert.equal(formatNumber(1234, "ru").replace(/\s/g, " "), "1 234");
  });
});

describe("avatars", () => {
  test("initials take the first letter of two words, whole characters", () => {
    assert.equal(initials("ada lovelace byron"), "AL");
    assert.equal(initials("  "), "?");
    assert.equal(initials("𝒜nna"), "𝒜");
    assert.equal(initials("Алесь"), "А");
  });
  test("one name keeps one colour", () => {
    assert.equal(hue("Ada"), hue("Ada"));
    assert.ok(hue("Ada") >= 0 && hue("Ada") < 8);
  });
  test("only web URLs are pictures", () => {
    assert.equal(webUrl("javascript:alert(1)"), null);
    assert.equal(webUrl("data:image/png;base64,AAAA"), null);
    assert.equal(webUrl("http://x.example/a.png", undefined, { httpsOnly: true }), null);
    assert.equal(webUrl("/me.png", "https://c.example/widget/"), "https://c.example/me.png");
  });
});
