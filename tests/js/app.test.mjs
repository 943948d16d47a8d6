// The widget's pure parts besides the thread: its settings from a host page's hostile
// data-* values (widget/app/config.js), the login window's answer (app/login.js), and the
// loader's early answers (app/api.js). Run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";

import { createApi, earlyKey } from "../../widget/app/api.js";
import { readConfig } from "../../widget/app/config.js";
import { loginAnswer } from "../../widget/app/login.js";

const PAGE = { href: "https://news.example/a#top", canonical: "", title: " An article ", lang: "ru-RU", languages: ["uk", "en"] };
const SERVICE = "https://comments.example";
const config = (data, options = {}, page = PAGE) => readConfig(data, options, page, SERVICE);

describe("settings from the host page", () => {
  test("the plain case: data-* read, defaults filled from the page", () => {
    const c = config({ site: " demo ", thread: "a/b c" });
    assert.equal(c.site, "demo");
    assert.equal(c.thread, "a/b c");
    assert.equal(c.base, SERVICE);
    assert.equal(c.origin, SERVICE);
    assert.equal(c.threadUrl, "https://news.example/a");
    assert.equal(c.threadTitle, "An article");
    assert.equal(c.sort, "oldest");
    assert.equal(c.theme, "page");
    assert.equal(c.lang, "ru-RU");
    assert.deepEqual(c.language, { explicit: "", page: "ru-RU", browser: ["uk", "en"] });
    assert.equal(c.ssoToken, null);
  });

  test("options win over data-*", () => {
    const c = config({ site: "a", thread: "t", sort: "top" }, { site: "b", sort: "newest", lang: "be", base: "https://other.example/c/" });
    assert.equal(c.site, "b");
    assert.equal(c.sort, "newest");
    assert.equal(c.lang, "be");
    assert.equal(c.base, "https://other.example/c");
  });

  test("what the widget cannot run without is an error", () => {
    assert.throws(() => config({ site: "demo" }), /data-thread/);
    assert.throws(() => config({ site: "  ", thread: "t" }), /required/);
    assert.throws(() => config({ site: "demo", thread: "x".repeat(513) }), /too long/);
    assert.throws(() => config({ site: "s".repeat(65), thread: "t" }), /too long/);
    assert.throws(() => readConfig({ site: "demo", thread: "t" }, {}, PAGE, null), /service URL/);
    assert.throws(() => config({ site: "demo", thread: "t", base: "javascript:alert(1)" }), /service URL/);
  });

  test("choices outside their lists fall back; text is bounded", () => {
    const c = config({
      site: "demo", thread: "t", sort: "__proto__", theme: "url(javascript:x)",
      threadUrl: "javascript:alert(1)", threadTitle: "т".repeat(400), lang: "x".repeat(100),
    });
    assert.equal(c.sort, "oldest");
    assert.equal(c.theme, "page");
    assert.equal(c.threadUrl, "https://news.example/a"); // not a web URL: the page's own
    assert.equal(Array.from(c.threadTitle).length, 300);
    assert.equal(c.lang.length, 35);
  });

  test("values that are not text are ignored, never stringified into requests", () => {
    const hostile = { toString() { throw new Error("no"); } };
    const c = config({ site: "demo", thread: "t" }, { sort: hostile, theme: ["dark"], lang: { en: 1 }, threadUrl: 5 });
    assert.equal(c.sort, "oldest");
    assert.equal(c.theme, "page");
    assert.equal(c.lang, "ru-RU");
    assert.equal(c.threadUrl, "https://news.example/a");
    const n = config({ site: "demo", thread: 42 });
    assert.equal(n.thread, "42");
  });

  test("a publisher's SSO token is taken only in a JWT's shape", () => {
    const good = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
    assert.equal(config({ site: "demo", thread: "t", ssoToken: ` ${good} ` }).ssoToken, good);
    for (const bad of ["", "not a token", "a.b", "<img>.x.y", good + ".extra"]) {
      assert.equal(config({ site: "demo", thread: "t", ssoToken: bad }).ssoToken, null, bad);
    }
  });

  test("a canonical link names the thread's URL; a page that is no web page names none", () => {
    const canonical = config({ site: "demo", thread: "t" }, {}, { ...PAGE, canonical: "https://news.example/canon" });
    assert.equal(canonical.threadUrl, "https://news.example/canon");
    const file = config({ site: "demo", thread: "t" }, {}, { href: "file:///tmp/a.html", languages: "en" });
    assert.equal(file.threadUrl, "");
    assert.deepEqual(file.language.browser, []);
  });

  test("overly long data-strings are dropped; objects pass to the translator, which checks them", () => {
    assert.equal(config({ site: "demo", thread: "t", strings: "{" + " ".repeat(70000) + "}" }).strings, null);
    const words = { heading: "Talk" };
    assert.equal(config({ site: "demo", thread: "t" }, { strings: words }).strings, words);
  });
});

describe("the login window's answer", () => {
  const popup = {};
  const message = (data, extra = {}) => ({ origin: SERVICE, source: popup, data, ...extra });
  const expected = { origin: SERVICE, popup, site: "demo" };
  const login = { type: "comments:login", site: "demo", token: "cmt_x", user: { id: "dev:a", name: "A", avatar_url: null, extra: 1 } };

  test("the window's own message for this site is taken, with only the user's known fields", () => {
    assert.deepEqual(loginAnswer(message(login), expected), {
      token: "cmt_x",
      user: { id: "dev:a", name: "A", avatar_url: null, roles: [], banned: false },
    });
  });

  test("anything else is ignored", () => {
    const cases = [
      message(login, { origin: "https://evil.example" }),
      message(login, { source: {} }),
      message({ ...login, site: "other" }),
      message({ ...login, type: "other" }),
      message({ ...login, token: "" }),
      message({ ...login, token: 5 }),
      message("comments:login"),
      message(null),
    ];
    for (const event of cases) assert.equal(loginAnswer(event, expected), null);
    assert.equal(loginAnswer(message(login), { ...expected, popup: null }), null);
  });
});

describe("the loader's early answers", () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  test("an early answer serves the very same request once; others go to the network", async () => {
    const asked = [];
    globalThis.fetch = async (url, init) => {
      asked.push([url, init.headers.Authorization || ""]);
      return new Response(JSON.stringify({ from: "network" }), { headers: { "Content-Type": "application/json" } });
    };
    const early = new Map();
    const url = SERVICE + "/auth/providers?site=demo";
    early.set(earlyKey(url, { "Accept-Language": "ru" }), Promise.resolve(new Response('{"from": "early"}')));
    let token = null;
    const api = createApi({ base: SERVICE, site: "demo", lang: "ru", token: () => token, early });
    assert.deepEqual(await api.providers(), { from: "early" });
    assert.deepEqual(await api.providers(), { from: "network" }); // used once
    early.set(earlyKey(url, { "Accept-Language": "ru" }), Promise.resolve(new Response('{"from": "early"}')));
    token = "cmt_new"; // asked with another token: not the same request
    assert.deepEqual(await api.providers(), { from: "network" });
    assert.deepEqual(asked, [[url, ""], [url, "Bearer cmt_new"]]);
  });

  test("an answer the loader has read already (status, ok, json) serves as a fetch Response does", async () => {
    globalThis.fetch = async () => assert.fail("the early answer should have served");
    const early = new Map();
    const read = (status, data) => Promise.resolve({ status, ok: status < 300, json: () => data });
    const pageUrl = SERVICE + "/api/v1/sites/demo/comments?thread=t1&sort=oldest&limit=20";
    early.set(earlyKey(pageUrl, {}), read(200, { comments: [{ id: "c1" }] }));
    const api = createApi({ base: SERVICE, site: "demo", lang: "", token: () => null, early });
    assert.deepEqual(await api.list("t1", "oldest"), { comments: [{ id: "c1" }] });
    // A refusal read the same way: the service's own words reach the reader.
    early.set(earlyKey(pageUrl, {}), read(503, { error: { code: "unavailable", message: "Busy." } }));
    await assert.rejects(api.list("t1", "oldest"), (error) => error.status === 503 && error.message === "Busy.");
    // An answer whose body was no JSON reads as none: the status alone is worded.
    early.set(earlyKey(pageUrl, {}), read(500, null));
    await assert.rejects(api.list("t1", "oldest"), (error) => error.status === 500 && error.key === "error.status");
  });
});
