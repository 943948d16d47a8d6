/*
 * The publisher's own login (data-sso-token): its signed token traded for one of ours at
 * start. Asked for only by pages that carry such a token.
 */

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

/** Logs the reader in with the publisher's token, unless they already are that reader. */
export async function signOn(w, ssoToken) {
  if (signedOnAs(w, ssoToken)) return;
  try {
    const data = await w.api.sso(ssoToken);
    if (!data || typeof data.token !== "string") return;
    w.tokens.set(data.token);
    await w.confirmUser();
  } catch (error) {
    if (!w.ignorable(error)) w.say(w.explain(error), "error");
  }
}
