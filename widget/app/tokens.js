/*
 * The reader's token, per service origin and site: localStorage when the browser allows
 * it (it throws in some embedded contexts), memory otherwise. Never a cookie.
 */

/** The storage key the widget keeps a site's token under (the loader reads it too). */
export const tokenKey = (origin, site) => "comments:token:" + origin + ":" + site;

export function createTokenStore(key) {
  let memory = null;
  let memoryOnly = false;
  return Object.freeze({
    key,
    get() {
      if (memoryOnly) return memory;
      try {
        return window.localStorage.getItem(key);
      } catch {
        memoryOnly = true;
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        window.localStorage.setItem(key, token);
      } catch {
        memoryOnly = true;
      }
    },
    clear() {
      memory = null;
      try {
        window.localStorage.removeItem(key);
      } catch {
        /* nothing stored there */
      }
    },
  });
}
