/*
 * The widget's bundle, for readers' browsers: `node widget/build.mjs` (esbuild, pinned in
 * package.json) writes widget/dist/, which the service serves under /widget/v/<version>/
 * in place of the modules (comments/http/widget_files.py).
 *
 * Split into modules, the first screen was 17 requests, each found only once the one
 * importing it had arrived; bundled, it is the entry, the few chunks it shares with the
 * modules asked for later, and the language file. The entries are app/main.js (the
 * widget), app/count.js (the counts), core/i18n.js (the loader asks it which language
 * file to fetch before the widget has arrived) and the language files. Every
 * `import("…")` stays a separate download: the modules asked for on demand (logging in,
 * writing, the live stream, rare actions; chunks/) and each language file. The two
 * loaders are minified as they are, still classic scripts, placeholders kept for the
 * service to fill.
 *
 * dist/manifest.json names, for each entry and each module imported on demand, the file
 * it became and the chunks it imports, followed through (what the loader asks for at
 * once); and the hash of the sources it was built from: the service serves the bundle
 * only while the sources still hash to it, and the modules otherwise. The hash is
 * comments/http/widget_bundle.py's `sources_hash`: every file of widget/ except dist/ and
 * node_modules/, sorted by path, as `path \0 bytes \0`, in SHA-256.
 *
 * The output is the same for the same sources, byte for byte; it is written into a
 * folder beside dist/ and swapped in, so a service starting meanwhile sees the old
 * bundle whole, or none.
 */

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const ROOT = dirname(fileURLToPath(import.meta.url));
const OUT = "dist";
// Not sources: the bundle itself, its build folders (".dist-…") and the tools.
const NOT_SOURCES = (name) => name === OUT || name === "node_modules" || name.startsWith(".dist-");
// The language files are entries too, so each keeps its name (i18n/<code>.js) in the bundle.
const LANGUAGES = readdirSync(join(ROOT, "i18n")).filter((name) => name.endsWith(".js")).sort();
const ENTRIES = ["app/main.js", "app/count.js", "core/i18n.js", ...LANGUAGES.map((name) => "i18n/" + name)];
const LOADERS = ["comments.js", "count.js"];
// The syntax the widget is written in; esbuild rewrites anything newer down to it.
const TARGET = "es2020";

const posix = (path) => path.split(sep).join("/");

/**
 * The stylesheets (app/*styles.js) are CSS in template strings, which esbuild leaves as
 * written: in the bundle each exported sheet is the string minified as CSS (comments and
 * spacing gone, about 160 B of the first screen's gzip'd bytes); the modules keep them as
 * written. The sheet is the module's own value (its `${…}` filled in), read by importing it.
 */
const minifiedStyles = {
  name: "minified-styles",
  setup(build) {
    build.onLoad({ filter: /[\\/]app[\\/][a-z-]*styles\.js$/ }, async (args) => {
      let source = readFileSync(args.path, "utf8");
      const sheets = await import(pathToFileURL(args.path).href);
      for (const [name, value] of Object.entries(sheets)) {
        if (typeof value !== "string") continue;
        const declaration = new RegExp("export const " + name + " = `[^`]*`;");
        if (!declaration.test(source)) throw new Error(`${args.path}: ${name} is not one template string`);
        const css = (await esbuild.transform(value, { loader: "css", minify: true })).code.trim();
        source = source.replace(declaration, () => "export const " + name + " = " + JSON.stringify(css) + ";");
      }
      return { contents: source, loader: "js" };
    });
  },
};

/** Every source file's path under ROOT, sorted as the service sorts them. */
function sourceFiles(dir = ROOT) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (dir === ROOT && NOT_SOURCES(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.isFile()) found.push(posix(relative(ROOT, path)));
  }
  return dir === ROOT ? found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : found;
}

/** The sources' hash, as comments/http/widget_bundle.py computes it (symlinks skipped). */
export function sourcesHash() {
  const digest = createHash("sha256");
  for (const path of sourceFiles()) {
    digest.update(path + "\0");
    digest.update(readFileSync(join(ROOT, path)));
    digest.update("\0");
  }
  return digest.digest("hex");
}

/** For each output with an entry point: the file and its static imports, followed through. */
function modulesOf(outputs, folder) {
  const name = (path) => posix(relative(folder, join(ROOT, path)));
  const closure = (file) => {
    const seen = [file];
    for (let i = 0; i < seen.length; i++) {
      for (const im of outputs[seen[i]].imports) {
        if (im.kind === "import-statement" && !seen.includes(im.path)) seen.push(im.path);
      }
    }
    return seen.map(name);
  };
  const modules = {};
  for (const [file, output] of Object.entries(outputs)) {
    if (output.entryPoint) modules[output.entryPoint] = closure(file);
  }
  return Object.fromEntries(Object.entries(modules).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** dist/ replaced by `folder` at once; another build swapping meanwhile is tried around. */
function swapIn(folder) {
  const dist = join(ROOT, OUT);
  for (let attempt = 0; ; attempt++) {
    const old = join(ROOT, `.dist-old-${process.pid}-${attempt}`);
    try {
      renameSync(dist, old);
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
    try {
      renameSync(folder, dist);
      return;
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes(error.code) || attempt > 10) throw error;
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  }
}

async function build() {
  const sources = sourcesHash();
  const folder = join(ROOT, `.dist-${process.pid}`);
  rmSync(folder, { recursive: true, force: true });
  try {
    const common = { absWorkingDir: ROOT, minify: true, target: TARGET, charset: "utf8", logLevel: "silent" };
    const bundle = await esbuild.build({
      ...common,
      entryPoints: ENTRIES,
      bundle: true,
      splitting: true,
      format: "esm",
      outdir: folder,
      outbase: ".",
      entryNames: "[dir]/[name]",
      chunkNames: "chunks/[name]-[hash]",
      metafile: true,
      plugins: [minifiedStyles],
    });
    // core/where.js finds the service from its own URL, one folder below the widget's
    // (`new URL("../", import.meta.url)`): so must every file its code may land in.
    const deep = Object.keys(bundle.metafile.outputs).filter((p) => relative(folder, join(ROOT, p)).split(sep).length !== 2);
    if (deep.length) throw new Error("bundle files not one folder deep: " + deep.join(", "));
    await esbuild.build({ ...common, entryPoints: LOADERS, bundle: false, outdir: folder, outbase: "." });
    const modules = modulesOf(bundle.metafile.outputs, folder);
    const outputs = Object.keys(bundle.metafile.outputs).map((p) => posix(relative(folder, join(ROOT, p))));
    const files = [...LOADERS, ...outputs].sort();
    const manifest = { sources, esbuild: esbuild.version, loaders: LOADERS, entries: ENTRIES, modules, files };
    writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
    if (sourcesHash() !== sources) throw new Error("the sources changed during the build: build again");
    swapIn(folder);
    return manifest;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  build().then(
    (manifest) => {
      const ms = Math.round(performance.now() - started);
      if (!process.argv.includes("--quiet")) {
        console.log(`widget/dist: ${manifest.files.length} files from sources ${manifest.sources.slice(0, 12)} in ${ms} ms`);
      }
    },
    (error) => {
      console.error("widget/build.mjs: " + (error.errors ? esbuild.formatMessagesSync(error.errors, { kind: "error" }).join("") : error.stack));
      process.exit(1);
    }
  );
}
