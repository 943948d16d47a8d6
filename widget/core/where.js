/*
 * Where the service and the widget's files are, read from this module's own URL.
 *
 * The embed scripts are classic scripts that find themselves once (document.currentScript)
 * and import everything else; from then on every module knows its place by import.meta.url,
 * which names the versioned folder (`/widget/v/<version>/`) when the loader used it. The
 * dashboard imports this same file from the widget's folder, so one rule finds the service
 * for the widget, count.js and the dashboard.
 */

const WIDGET_DIR = new URL("../", import.meta.url).href;
// `/widget/` or `/widget/v/<hex>/` at the end of the folder; what comes before it is the service.
const TAIL = /\/widget\/(?:v\/[0-9a-f]+\/)?$/;

/** The folder of the widget's files (ends with "/"): where i18n/, app/ and core/ are. */
export function widgetDir() {
  return WIDGET_DIR;
}

/** The service's base URL (no trailing "/") for a widget folder, or null when it isn't one. */
export function serviceBaseOf(dir = WIDGET_DIR) {
  let url;
  try {
    url = new URL(dir);
  } catch {
    return null;
  }
  if (!TAIL.test(url.pathname)) return null;
  return url.origin + url.pathname.replace(TAIL, "");
}

/** The widget's folder, versioned (`v/<version>/`) when the version is a real one. */
export function versionedDir(dir, version) {
  const versioned = "v/" + version + "/";
  if (!/^[0-9a-f]+$/.test(String(version || "")) || dir.endsWith("/" + versioned)) return dir;
  return new URL(versioned, dir).href;
}
