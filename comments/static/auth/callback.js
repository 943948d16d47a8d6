/*
 * The end of a login popup: hands the token to the article page that opened it.
 *
 * The callback page carries the result as data, never as code:
 *   <script type="application/json" id="login-result">
 *     {"origin": "https://news.example", "message": {"type": "comments:login", ...}}
 *   </script>
 * or {"error": {"code", "message"}}. The message goes to `window.opener` aimed
 * at exactly that origin (never "*"), so no other page can read the token.
 */
(() => {
  "use strict";

  const status = document.getElementById("status");

  function show(text) {
    if (status) status.textContent = text;
  }

  function readResult() {
    const el = document.getElementById("login-result");
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch {
      return null;
    }
  }

  const result = readResult();
  if (!result || typeof result !== "object") {
    show("The login could not be completed. Close this window and try again.");
    return;
  }
  if (result.error) {
    show(result.error.message || "The login could not be completed. Close this window and try again.");
    return;
  }
  const origin = result.origin;
  if (typeof origin !== "string" || !origin || origin === "*" || !result.message) {
    show("The login could not be completed. Close this window and try again.");
    return;
  }
  if (!window.opener) {
    show(
      "This login window lost its connection to the article page " +
      "(the page blocks pop-up communication). Close this window and try again."
    );
    return;
  }
  try {
    window.opener.postMessage(result.message, origin);
  } catch {
    show("The login could not be completed. Close this window and try again.");
    return;
  }
  show("You are logged in. You can close this window.");
  window.close();
})();
