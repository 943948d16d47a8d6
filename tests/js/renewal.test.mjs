// A login the publisher's sign-on made, renewed when it runs out: the request refused
// with 401 goes once more after `renew` (widget/app/api.js), and what the page's
// `onSsoExpired` answers is taken only when it is a token (widget/app/sso.js).
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";

import { createApi } from "../../widget/app/api.js";
import { freshToken } from "../../widget/app/sso.js";

const SERVICE = "https://comments.example";
const refused = () =>
  new Response(JSON.stringify({ error: { code: "login_required", message: "Log in again." } }), {
    status: 401, headers: { "Content-Type": "application/json" },
  });
const fine = (data) => new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } });

describe("a request refused with 401", () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  test("goes once more with the token a renewal put in place", async () => {
    let token = "cmt_old";
    const sent = [];
    globalThis.fetch = async (url, init) => {
      sent.push(init.headers.Authorization);
      return init.headers.Authorization === "Bearer cmt_new" ? fine({ ok: true }) : refused();
    };
    const renewals = [];
    const renew = async (from) => {
      renewals.push(from);
      token = "cmt_new";
      return true;
    };
    const api = createApi({ base: SERVICE, site: "demo", lang: "en", token: () => token, renew });
    assert.deepEqual(await api.vote("01J", 1), { ok: true });
    assert.deepEqual(renewals, ["cmt_old"]);
    assert.deepEqual(sent, ["Bearer cmt_old", "Bearer cmt_new"]);
  });

  test("stays refused when nothing renews it, and the login paths are never retried", async () => {
    const token = "cmt_old";
    let calls = 0;
    globalThis.fetch = async () => {
      calls += 1;
      return refused();
    };
    const renewals = [];
    const api = createApi({
      base: SERVICE, site: "demo", lang: "en", token: () => token,
      renew: async (from) => renewals.push(from) && false,
    });
    await assert.rejects(api.me(), (error) => error.status === 401);
    assert.equal(calls, 1);
    await assert.rejects(api.sso("a.b.c"), (error) => error.status === 401);
    await assert.rejects(api.logout(), (error) => error.status === 401);
    assert.equal(calls, 3);
    assert.deepEqual(renewals, ["cmt_old"]); // only for /api/v1/me
  });

  test("without a token, a 401 is not a session to renew", async () => {
    globalThis.fetch = async () => refused();
    let renewed = false;
    const api = createApi({ base: SERVICE, site: "demo", lang: "en", token: () => null, renew: async () => (renewed = true) });
    await assert.rejects(api.vote("01J", 1), (error) => error.status === 401);
    assert.equal(renewed, false);
  });
});

describe("what onSsoExpired answers", () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI4In0.c2lnbmF0dXJl";
  const quiet = console.warn;
  afterEach(() => {
    console.warn = quiet;
  });

  test("a token, or the promise of one, is taken (trimmed)", async () => {
    assert.equal(await freshToken({ onSsoExpired: () => token }), token);
    assert.equal(await freshToken({ onSsoExpired: async () => " " + token + "\n" }), token);
  });

  test("anything else is no token: nothing, not a JWT, too long, or a failing callback", async () => {
    console.warn = () => {};
    const answers = [
      () => null, () => undefined, () => "", () => 42, () => ({ token }), () => "not a token",
      () => token + "<script>", () => "a.b." + "c".repeat(9000),
      () => { throw new Error("the publisher's server is down"); },
      async () => { throw new Error("rejected"); },
    ];
    for (const answer of answers) assert.equal(await freshToken({ onSsoExpired: answer }), null, String(answer));
    assert.equal(await freshToken({ onSsoExpired: null }), null);
  });
});
