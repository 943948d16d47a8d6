/*
 * The widget's bundle, for readers' browsers: `node widget/build.mjs` (esbuild, pinned in
 * package.json) writes widget/dist/, which the service serves under /widget/v/<version>/
 * in place of the modules (comments/http/widget_files.py).
 *
 * Split into modules, the first screen was 17 requests, each found only once the one
 * importing it had arrived; bundled, it is two: app/main.js with everything it imports,
 * in one file, and the language file. The modules asked for on demand (logging in,
 * writing, the live stream, rare actions) keep their paths (app/<name>.js, so the first
 * screen's `import("./login.js")` works as written) and share chunks/ among themselves;
 * what they share with the first screen they take from app/main.js, which exports for
 * them what they use of its modules, under short names (one instance of each module, as
 * without the bundle). With esbuild's own splitting across all of them, the first screen
 * was seven chunks beside the entry: each request waited its turn on the page's six
 * connections, and gzip saw each file alone (1.8 KB more). app/count.js (the counts) and core/i18n.js
 * (the modules' loader asks it for the language) stand alone; the language files are
 * their own files. The two loaders are minified as they are, still classic scripts,
 * placeholders kept for the service to fill.
 *
 * dist/manifest.json names, for each entry and each module imported on demand, the file
 * it became and the chunks it imports, followed through (what the loader asks for at
 * once); and the hash of the sources it was built from: the service serves the bundle
 * only while the sources still hash to it, and the modules otherwise. The hash is
 * comments/http/widget_bundle.py's `sources_hash`: every file of widget/ except dist/ and
 * node_modules/, sorted by path, as `path \0 bytes \0`, in SHA-256.
 *
 * Each file but the loaders also gets its gzip form beside it (`<file>.gz`, listed under
 * "gzip" in the manifest), made with zopfli: gzip that any browser reads, 3 % smaller than
 * zlib's best (about 560 B of the first screen), at a cost of seconds that only the build
 * pays. The service sends it in place of its own gzip -9 once it has checked that it
 * unpacks to the file; the loaders it fills as it serves them, so it packs those itself.
 *
 * The output is the same for the same sources, byte for byte; it is written into a
 * folder beside dist/ and swapped in, so a service starting meanwhile sees the old
 * bundle whole, or none.
 */

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipAsync } from "@gfx/zopfli";
import * as esbuild from "esbuild";

const ROOT = dirname(fileURLToPath(import.meta.url));
const OUT = "dist";
// Not sources: the bundle itself, its build folders (".dist-…") and the tools.
const NOT_SOURCES = (name) => name === OUT || name === "node_modules" || name.startsWith(".dist-");
// The language files are entries too, so each keeps its name (i18n/<code>.js) in the bundle.
const LANGUAGES = readdirSync(join(ROOT, "i18n")).filter((name) => name.endsWith(".js")).sort();
const LATER_LANGUAGES = readdirSync(join(ROOT, "i18n-later")).filter((name) => name.endsWith(".js")).sort();
// The scripts that stand alone, each one file: count.js's, and the language chooser.
const STANDALONE = ["app/count.js", "core/i18n.js"];
const ENTRIES = ["app/main.js", ...STANDALONE, ...LANGUAGES.map((name) => "i18n/" + name)];
const LOADERS = ["comments.js", "count.js"];
// The syntax the widget is written in; esbuild rewrites anything newer down to it.
const TARGET = "es2020";
// zopfli's default: more iterations found no byte more on these files.
const ZOPFLI_ITERATIONS = 15;

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
        if (im.kind === "import-statement" && !im.external && !seen.includes(im.path)) seen.push(im.path);
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

const FIRST = "app/main.js";
// The name app/main.js exports a first-screen module's export under, for the modules asked
// for later ("__s3_h": module 3's h); only the names they use are exported.
const sharedName = (index, name) => `__s${index}_${name}`;
const SHARED_NAME = /__s(\d+)_([A-Za-z_$][\w$]*)/g;

/**
 * The first screen's modules (app/main.js and what it imports) and the modules imported
 * on demand anywhere among them (absolute paths, sorted): their own import() is left to
 * the browser, relative to the importing file as in the sources.
 */
async function firstScreen(common) {
  const later = new Set();
  const scan = await esbuild.build({
    ...common,
    entryPoints: [FIRST],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    outdir: "scan",
    plugins: [laterImports(later)],
  });
  const modules = Object.keys(scan.metafile.inputs).map((p) => join(ROOT, p)).sort();
  return { modules, later: [...later].sort() };
}

/** A plugin leaving every import() as it is written, and noting what it names in `later`. */
function laterImports(later) {
  return {
    name: "later-imports",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        const target = join(args.resolveDir, args.path);
        later.add(target);
        // Written relative to app/main.js, the file the first screen becomes.
        const path = posix(relative(join(ROOT, "app"), target));
        return { path: path.startsWith(".") ? path : "./" + path, external: true };
      });
    },
  };
}

/** What a module exports, by name (esbuild reads it; nothing is run). */
async function exportsOf(common, file) {
  const one = await esbuild.build({ ...common, entryPoints: [file], bundle: false, write: false, metafile: true, format: "esm", outdir: "scan" });
  return Object.values(one.metafile.outputs)[0].exports;
}

/**
 * In the modules asked for on demand, each first-screen module they import is app/main.js's
 * copy of it (one instance: the same state, classes and listeners): a module that takes
 * each of its exports from app/main.js under its shared name.
 */
function fromFirstScreen(shared, nameOf = sharedName) {
  return {
    name: "from-first-screen",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === "first-screen") return { path: "../" + FIRST, external: true };
        if (args.kind !== "import-statement" || !args.path.startsWith(".")) return undefined;
        const target = join(args.resolveDir, args.path);
        return shared.has(target) ? { path: target, namespace: "first-screen" } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "first-screen" }, (args) => {
        const { index, names } = shared.get(args.path);
        const local = (name, i) => (name === "default" ? `d${i}` : name);
        const lines = [
          `import { ${names.map((n, i) => `${nameOf(index, n)} as ${local(n, i)}`).join(", ")} } from "../${FIRST}";`,
          `export { ${names.map((n, i) => (n === "default" ? `${local(n, i)} as default` : n)).join(", ")} };`,
        ];
        return { contents: lines.join("\n"), loader: "js", resolveDir: ROOT };
      });
    },
  };
}

/** dist/ replaced by `folder` at once; another build swapping meanwhile is tried around. */
/** Writes `<name>.gz` (zopfli) beside each of `names` in `folder`; answers the names packed. */
async function packAll(folder, names) {
  await Promise.all(
    names.map(async (name) => {
      const file = join(folder, ...name.split("/"));
      writeFileSync(file + ".gz", await gzipAsync(readFileSync(file), { numiterations: ZOPFLI_ITERATIONS }));
    })
  );
  return names;
}

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

/**
 * Three builds. The first screen: app/main.js and every module it imports, one file, which
 * also exports what the modules asked for later use of them (under their shared names,
 * learnt by building those first unwritten). The modules asked for on demand (and the
 * language files), split among themselves, taking the first screen's modules from
 * app/main.js. The scripts that stand alone (app/count.js for count.js, core/i18n.js),
 * each one file. Every module imported on demand is an entry, so it keeps its path (the
 * first screen's import() calls are left as written); every other file is a chunk.
 */
async function build() {
  const sources = sourcesHash();
  const folder = join(ROOT, `.dist-${process.pid}`);
  rmSync(folder, { recursive: true, force: true });
  try {
    const common = { absWorkingDir: ROOT, minify: true, target: TARGET, charset: "utf8", logLevel: "silent" };
    const { modules: firstModules, later } = await firstScreen(common);
    const shared = new Map();
    for (const [index, file] of firstModules.entries()) shared.set(file, { index, names: await exportsOf(common, file) });
    const onDemand = [...new Set([...later.map((p) => posix(relative(ROOT, p))), ...LANGUAGES.map((n) => "i18n/" + n), ...LATER_LANGUAGES.map((n) => "i18n-later/" + n)])].sort();
    const onDemandBuild = {
      ...common,
      entryPoints: onDemand,
      bundle: true,
      splitting: true,
      format: "esm",
      outdir: folder,
      outbase: ".",
      entryNames: "[dir]/[name]",
      chunkNames: "chunks/[name]-[hash]",
      metafile: true,
    };
    // Built once unwritten, to learn which of the first screen's exports it uses.
    const used = new Map();
    const trial = await esbuild.build({ ...onDemandBuild, write: false, plugins: [minifiedStyles, fromFirstScreen(shared)] });
    for (const file of trial.outputFiles) {
      for (const [, index, name] of file.text.matchAll(SHARED_NAME)) {
        if (!used.has(index)) used.set(index, new Set());
        used.get(index).add(name);
      }
    }
    // The names shipped are short ("_1a"): the first screen carries each once.
    const short = new Map();
    const shortName = (index, name) => short.get(sharedName(index, name)) || sharedName(index, name);
    const entry = [`export { ${(await exportsOf(common, FIRST)).join(", ")} } from "./${FIRST}";`];
    for (const [file, { index }] of shared) {
      const names = [...(used.get(String(index)) || [])].sort();
      for (const name of names) short.set(sharedName(index, name), "_" + short.size.toString(36));
      if (names.length) entry.push(`export { ${names.map((n) => `${n} as ${shortName(index, n)}`).join(", ")} } from "./${posix(relative(ROOT, file))}";`);
    }
    const outputs = {};
    const first = await esbuild.build({
      ...common,
      stdin: { contents: entry.join("\n"), resolveDir: ROOT, sourcefile: "first-screen.js", loader: "js" },
      bundle: true,
      format: "esm",
      outfile: join(folder, FIRST),
      metafile: true,
      plugins: [minifiedStyles, laterImports(new Set())],
    });
    for (const [path, output] of Object.entries(first.metafile.outputs)) outputs[path] = { ...output, entryPoint: FIRST };
    const rest = await esbuild.build({ ...onDemandBuild, plugins: [minifiedStyles, fromFirstScreen(shared, shortName)] });
    Object.assign(outputs, rest.metafile.outputs);
    const alone = await esbuild.build({ ...common, entryPoints: STANDALONE, bundle: true, format: "esm", outdir: folder, outbase: ".", metafile: true, plugins: [minifiedStyles] });
    Object.assign(outputs, alone.metafile.outputs);
    // core/where.js finds the service from its own URL, one folder below the widget's
    // (`new URL("../", import.meta.url)`): so must every file its code may land in.
    const deep = Object.keys(outputs).filter((p) => relative(folder, join(ROOT, p)).split(sep).length !== 2);
    if (deep.length) throw new Error("bundle files not one folder deep: " + deep.join(", "));
    await esbuild.build({ ...common, entryPoints: LOADERS, bundle: false, outdir: folder, outbase: "." });
    const modules = modulesOf(outputs, folder);
    const files = [...LOADERS, ...Object.keys(outputs).map((p) => posix(relative(folder, join(ROOT, p))))].sort();
    const gzip = await packAll(folder, files.filter((name) => !LOADERS.includes(name)));
    const manifest = { sources, esbuild: esbuild.version, loaders: LOADERS, entries: ENTRIES, modules, files, gzip };
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
