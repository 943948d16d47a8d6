// Exits 0 when widget/node_modules holds every build tool widget/package.json pins, at
// its version; 1 otherwise (then the scripts run `npm ci --prefix widget`).
const { join } = require("node:path");
const widget = join(__dirname, "..", "widget");
const wanted = require(join(widget, "package.json")).devDependencies || {};
for (const [name, version] of Object.entries(wanted)) {
  let installed = null;
  try {
    installed = require(join(widget, "node_modules", name, "package.json")).version;
  } catch {
    // not installed
  }
  if (installed !== version) process.exit(1);
}
