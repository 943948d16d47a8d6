/*
 * The publisher's own login (data-sso-token): its signed token traded for one of ours at
 * start. Asked for by pages that carry such a token, and when a login the publisher's
 * made must be renewed.
 *
 * A publisher's token lives minutes. When the service refuses it as expired (the trade
 * answers 401 with `fields.token: "expired"`), or refuses a session the trade made
 * (any 401, main.js renewSession), the widget calls the publisher's `onSsoExpired()`
 * (createInstance's option), which may answer a fresh token or a promise of one; that is
 * traded in turn and the widget carries on. Without the option, or without an answer,
 * the reader sees the login offer. The publisher is asked once per refusal, so a token
 * refused again for good reason never loops.
 */

import { renderAccount } from "./account.js";

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/; // config.js SSO_TOKEN
const MAX_TOKEN = 8192;
const ASK_MS = 30 * 1000; // a publisher's answer that never comes must not hold the thread back

/** Whether the current reader is the one the publisher's token names. */
export function signedOnAs(w, ssoToken) {
  if (!w.user) return false;
  try {
    const part = ssoToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return w.user.id === "sso:" + w.config.site + ":" + JSON.parse(atob(part)).sub;
  } catch {
    return false;
  }
}

/** The service refused a publisher's token because its time is up. */
const expired = (error) => Boolean(error && error.status === 401 && error.fields && error.fields.token === "expired");

/** A fresh token from the publisher's `onSsoExpired`, or null (no option, no answer, not a token). */
export async function freshToken(w) {
  const ask = w.onSsoExpired;
  if (typeof ask !== "function") return null;
  let timer = null;
  try {
    const late = new Promise((resolve) => (timer = setTimeout(resolve, ASK_MS, null)));
    const token = await Promise.race([Promise.resolve().then(() => ask()), late]);
    const text = typeof token === "string" ? token.trim() : "";
    return text.length <= MAX_TOKEN && JWT.test(text) ? text : null;
  } catch (error) {
    console.warn("Comments: onSsoExpired failed.", error);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Trades `ssoToken` for a session and confirms the reader; throws what the service said. */
async function trade(w, ssoToken) {
  const data = await w.api.sso(ssoToken);
  if (!data || typeof data.token !== "string") return false;
  w.tokens.set(data.token);
  await w.confirmUser();
  return w.loggedIn();
}

/** Logs the reader in with the publisher's token, unless they already are that reader. */
export async function signOn(w, ssoToken) {
  if (signedOnAs(w, ssoToken)) return;
  try {
    await trade(w, ssoToken);
  } catch (error) {
    if (w.ignorable(error)) return;
    const fresh = expired(error) ? await freshToken(w) : null;
    if (!fresh) return w.say(w.explain(error), "error");
    try {
      await trade(w, fresh);
    } catch (again) {
      if (!w.ignorable(again)) w.say(w.explain(again), "error");
    }
  }
}

/**
 * The service refused token `sent` (main.js renewSession): a fresh login, unless one is
 * under way (concurrent refusals share it) or the token changed meanwhile. Answers
 * whether a token good to try again is in place.
 */
export function renewSession(w, sent) {
  if (w.renewal) return w.renewal.from === sent && w.renewal.done;
  if (w.tokens.get() !== sent) return Boolean(w.tokens.get()); // renewed meanwhile
  const done = renew(w).catch(() => false);
  w.renewal = { from: sent, done };
  return done.finally(() => (w.renewal = null));
}

/** A session the publisher's login made was refused: a fresh one from them, if they give it. */
export async function renew(w) {
  const fresh = await freshToken(w);
  if (!fresh || w.destroyed) return false;
  try {
    const renewed = await trade(w, fresh);
    if (renewed) renderAccount(w);
    return renewed;
  } catch (error) {
    if (!w.ignorable(error) && w.shell) w.say(w.explain(error), "error");
    return false;
  }
}
