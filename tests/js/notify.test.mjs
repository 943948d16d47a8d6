// The reader's e-mail choices as the widget reads them (widget/app/notify-choices.js):
// what the composer offers for an answer of GET /api/v1/me/notifications, which boxes the
// account panel shows, and which failures it words itself. Run with `node --test tests/js/`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { errorKey, listsOf, offerOf } from "../../widget/app/notify-choices.js";

const CHOICES = { enabled: true, email: "alice@news.example", verified: true, replies: false, decisions: true, alerts: null, interval_seconds: 60 };

describe("the composer's offer", () => {
  test("a verified address that gets no reply mail yet: the box to tick", () => {
    assert.equal(offerOf(CHOICES), "tick");
  });

  test("replies to every comment mailed already: a note, no box", () => {
    assert.equal(offerOf({ ...CHOICES, replies: true }), "all");
  });

  test("no verified address: the way to the account panel", () => {
    assert.equal(offerOf({ ...CHOICES, email: null, verified: false }), "setup");
    assert.equal(offerOf({ ...CHOICES, verified: false }), "setup");
  });

  test("a service that sends no mail, or an answer not understood: nothing", () => {
    assert.equal(offerOf({ ...CHOICES, enabled: false }), "none");
    assert.equal(offerOf({ ...CHOICES, enabled: "yes" }), "none");
    assert.equal(offerOf(null), "none");
    assert.equal(offerOf("enabled"), "none");
  });
});

describe("the account panel's boxes", () => {
  test("a reader: replies and decisions; staff: alerts too", () => {
    assert.deepEqual(listsOf(CHOICES), ["replies", "decisions"]);
    assert.deepEqual(listsOf({ ...CHOICES, alerts: false }), ["replies", "decisions", "alerts"]);
  });

  test("a list the answer leaves out or gives as no boolean shows no box", () => {
    assert.deepEqual(listsOf({ enabled: true, replies: true, decisions: "no" }), ["replies"]);
  });
});

describe("failures worded by the widget", () => {
  const failure = (status, fields = null, code = "invalid") => ({ status, code, fields });

  test("an address the service can't send to, and too many links asked for", () => {
    assert.equal(errorKey(failure(422, { email: "invalid" })), "notify.invalid");
    assert.equal(errorKey(failure(422, { email: "String should have at most 254 characters" })), "notify.invalid");
    assert.equal(errorKey(failure(429, null, "rate_limited")), "notify.tooMany");
  });

  test("the rest in the service's words", () => {
    assert.equal(errorKey(failure(422, { email: "unavailable" })), null);
    assert.equal(errorKey(failure(422, { replies: "not a boolean" })), null);
    assert.equal(errorKey(failure(500)), null);
    assert.equal(errorKey(new Error("network")), null);
  });
});
