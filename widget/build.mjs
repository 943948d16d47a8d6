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
 * what the first screen's own code uses they take from app/main.js, which exports it for
 * them under short names (one copy, one instance of each class, as without the bundle);
 * what it doesn't, they bundle themselves (see keptByFirstScreen). With esbuild's own splitting across all of them, the first screen
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
 * Each file but the loaders also gets its packed forms beside it: `<file>.br`, brotli at
 * its best (listed under "brotli" in the manifest), for the browsers that take it (every
 * current one: about 9 % under the gzip below), and `<file>.gz` (under "gzip"), made with
 * zopfli: gzip that any browser reads, 3 % smaller than zlib's best (about 560 B of the
 * first screen), at a cost of seconds that only the build pays. The service sends them in
 * place of its own once it has checked that they unpack to the file; the loaders it fills
 * as it serves them, so it packs those itself.
 *
 * The output is the same for the same sources, byte for byte; it is written into a
 * folder beside dist/ and swapped in, so a service starting meanwhile sees the old
 * bundle whole, or none.
 */

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { brotliCompressSync, constants as zlib } from "node:zlib";
import { gzipAsync } from "@gfx/zopfli";
import * as esbuild from "esbuild";
import { minify as terse } from "terser";

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
 * spacing gone, about 190 B of the first screen's gzip'd bytes); the modules keep them as
 * written. The sheet is the module's own value (its `${…}` filled in), read by importing it.
 */
const STYLESHEETS = /[\\/]app[\\/][a-z-]*styles\.js$/;

/** A source file as the bundle takes it: a stylesheet module with its sheets minified. */
async function sourceOf(path) {
  let source = readFileSync(path, "utf8");
  if (!STYLESHEETS.test(path)) return source;
  const sheets = await import(pathToFileURL(path).href);
  for (const [name, value] of Object.entries(sheets)) {
    if (typeof value !== "string") continue;
    const declaration = new RegExp("export const " + name + " = `[^`]*`;");
    if (!declaration.test(source)) throw new Error(`${path}: ${name} is not one template string`);
    const minified = (await esbuild.transform(value, { loader: "css", minify: true })).code.trim();
    // esbuild keeps a custom property's value as written; its spaces after ":" and "," mean nothing.
    const css = minified.replace(/(--[\w-]+):\s*([^;}]*)/g, (_, property, v) => property + ":" + v.replace(/,\s+/g, ",").trim());
    source = source.replace(declaration, () => "export const " + name + " = " + JSON.stringify(css) + ";");
  }
  return source;
}

const minifiedStyles = {
  name: "minified-styles",
  setup(build) {
    build.onLoad({ filter: STYLESHEETS }, async (args) => ({ contents: await sourceOf(args.path), loader: "js" }));
  },
};

/**
 * The names of the widget's own properties (its elements, state and methods), which the
 * bundle writes short (esbuild's mangleProps, one mapping for all its files: about 280 B
 * of the first screen's gzip'd bytes). A name is the widget's own when, in every source
 * file, each of its occurrences is `this.<name>` or `w.<name>` (the widget, as every
 * module calls it) or a method's definition; any other, in an object key, a string, a
 * publisher's option, another object or a loader, keeps it as written. NOT_OURS are
 * the names a browser itself reads from objects handed to it.
 */
const NOT_OURS = new Set(["constructor", "handleEvent", "then", "toJSON", "toString", "valueOf", "prototype", "length", "name"]);

export async function widgetOwnNames(sources = widgetSources()) {
  const access = new Set();
  const other = new Set();
  for (const text of sources) {
    // Comments gone, names as written.
    const code = (await esbuild.transform(text, { loader: "js", minifyWhitespace: true })).code;
    for (const token of code.matchAll(/(?<![\w$])[A-Za-z_$][\w$]*(?![\w$])/g)) {
      const name = token[0];
      const before = code.slice(Math.max(0, token.index - 6), token.index);
      if (/(?<![\w$])(?:this|w)\.$/.test(before)) access.add(name);
      else if (/(?:^|[{};]|async )$/.test(before) && code[token.index + name.length] === "(") continue; // a method
      else other.add(name);
    }
  }
  return [...access].filter((name) => !other.has(name) && !NOT_OURS.has(name) && name.length > 2).sort();
}

/** The text of every script among the sources (the loaders' too). */
function widgetSources() {
  return sourceFiles().filter((path) => path.endsWith(".js")).map((path) => readFileSync(join(ROOT, path), "utf8"));
}

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
 * Which exports of the first screen's modules its own code keeps, by module: app/main.js
 * holds those anyway, so a module asked for later takes them from it (one copy, and one
 * instance of a class, for `instanceof`); an export it alone uses it bundles itself, and
 * the first screen doesn't carry it (about 150 B gzip'd). Each export is tried by
 * building the first screen plainly with that export added: it was kept if nothing but
 * the export line changed. A module exporting a class is shared whole, so a copy never
 * makes a second class.
 */
async function keptByFirstScreen(common, shared) {
  const plain = { ...common, minify: false, bundle: true, write: false, format: "esm", outdir: "scan", plugins: [laterImports(new Set())] };
  const own = `export { ${(await exportsOf(common, FIRST)).join(", ")} } from "./${FIRST}";\n`;
  const body = async (extra) => {
    const out = await esbuild.build({ ...plain, stdin: { contents: own + extra, resolveDir: ROOT, sourcefile: "kept.js", loader: "js" } });
    return out.outputFiles[0].text.replace(/\nexport \{[^}]*\};\n$/, "");
  };
  const base = await body("");
  const kept = new Map();
  await Promise.all(
    [...shared].map(async ([file, { names }]) => {
      const path = "./" + posix(relative(ROOT, file));
      if (/^export class /m.test(readFileSync(file, "utf8"))) return kept.set(file, new Set(names));
      const found = await Promise.all(names.map(async (name) => ((await body(`export { ${name} as __kept } from "${path}";`)) === base ? name : null)));
      kept.set(file, new Set(found.filter(Boolean)));
    })
  );
  return kept;
}

/**
 * In the modules asked for on demand, each first-screen module they import is a module
 * that takes from app/main.js, under their shared names, the exports the first screen
 * keeps (the same state, classes and listeners), and the rest from its own copy of the
 * source ("own-copy"), bundled with them.
 */
function fromFirstScreen(shared, kept, nameOf = sharedName) {
  return {
    name: "from-first-screen",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === "first-screen" && args.path.startsWith("own-copy:")) return { path: args.path.slice(9), namespace: "own-copy" };
        if (args.namespace === "first-screen") return { path: "../" + FIRST, external: true };
        if (args.kind !== "import-statement" || !args.path.startsWith(".")) return undefined;
        const target = join(args.resolveDir, args.path);
        return shared.has(target) ? { path: target, namespace: "first-screen" } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "own-copy" }, async (args) => ({ contents: await sourceOf(args.path), loader: "js", resolveDir: dirname(args.path) }));
      build.onLoad({ filter: /.*/, namespace: "first-screen" }, (args) => {
        const { index, names } = shared.get(args.path);
        const fromMain = names.filter((n) => kept.get(args.path).has(n));
        const copied = names.filter((n) => !kept.get(args.path).has(n));
        const local = (name, i) => (name === "default" ? `d${i}` : name);
        const lines = [];
        if (fromMain.length) {
          lines.push(`import { ${fromMain.map((n, i) => `${nameOf(index, n)} as ${local(n, i)}`).join(", ")} } from "../${FIRST}";`);
          lines.push(`export { ${fromMain.map((n, i) => (n === "default" ? `${local(n, i)} as default` : n)).join(", ")} };`);
        }
        if (copied.length) lines.push(`export { ${copied.join(", ")} } from "own-copy:${args.path}";`);
        return { contents: lines.join("\n"), loader: "js", resolveDir: ROOT };
      });
    },
  };
}

/**
 * terser over esbuild's output, each module file but the loaders: its passes over the
 * whole file find what esbuild's one pass leaves (about 420 B of the first screen's
 * gzip'd bytes). Safe transforms only; the exports keep their names. The loaders stay
 * esbuild's: their placeholders must reach the service as written, not folded away.
 */
async function terseAll(folder, names) {
  await Promise.all(
    names.map(async (name) => {
      const file = join(folder, ...name.split("/"));
      const out = await terse(readFileSync(file, "utf8"), { module: true, ecma: 2020, compress: { passes: 3 }, mangle: true, format: { comments: false } });
      writeFileSync(file, out.code);
    })
  );
}

/**
 * The chunks renamed by their order ("chunks/chunk-5DBKZ2QY.js" → "chunks/0.js"), in the
 * files and in `outputs`: the whole folder is versioned, so a hash in a chunk's name buys
 * no caching, and the loader's map of the bundle, on the first screen, names chunks.
 */
function shortChunks(folder, outputs) {
  const chunks = Object.keys(outputs).filter((path) => !outputs[path].entryPoint).sort();
  const names = new Map(chunks.map((path, i) => [path.split("/").pop(), i + ".js"]));
  const renamed = (path) => path.replace(/[^/]+$/, (base) => names.get(base) || base);
  const pattern = new RegExp([...names.keys()].map((base) => base.replace(/[.$]/g, "\\$&")).join("|"), "g");
  for (const path of Object.keys(outputs)) {
    const file = join(ROOT, path);
    if (names.size) writeFileSync(file, readFileSync(file, "utf8").replace(pattern, (base) => names.get(base)));
    if (names.has(path.split("/").pop())) renameSync(file, join(ROOT, renamed(path)));
  }
  return Object.fromEntries(
    Object.entries(outputs).map(([path, output]) => [
      renamed(path),
      { ...output, imports: output.imports.map((im) => (im.external ? im : { ...im, path: renamed(im.path) })) },
    ])
  );
}

/** Writes `<name>.br` (brotli) and `<name>.gz` (zopfli) beside each of `names` in `folder`; answers the names packed. */
async function packAll(folder, names) {
  await Promise.all(
    names.map(async (name) => {
      const file = join(folder, ...name.split("/"));
      const bytes = readFileSync(file);
      const best = { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length };
      writeFileSync(file + ".br", brotliCompressSync(bytes, { params: best }));
      writeFileSync(file + ".gz", await gzipAsync(bytes, { numiterations: ZOPFLI_ITERATIONS }));
    })
  );
  return names;
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
    const own = await widgetOwnNames();
    const common = {
      absWorkingDir: ROOT, minify: true, target: TARGET, charset: "utf8", logLevel: "silent",
      mangleProps: new RegExp("^(?:" + own.join("|") + ")$"),
    };
    // One mapping of the short names for every file of the bundle, carried from build to build.
    const mangleCache = {};
    const carried = (result) => Object.assign(mangleCache, result.mangleCache) && result;
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
    const kept = await keptByFirstScreen(common, shared);
    // Built once unwritten, to learn which of the first screen's exports it uses.
    const used = new Map();
    const trial = await esbuild.build({ ...onDemandBuild, write: false, plugins: [minifiedStyles, fromFirstScreen(shared, kept)] });
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
    const first = carried(await esbuild.build({
      ...common,
      mangleCache,
      stdin: { contents: entry.join("\n"), resolveDir: ROOT, sourcefile: "first-screen.js", loader: "js" },
      bundle: true,
      format: "esm",
      outfile: join(folder, FIRST),
      metafile: true,
      plugins: [minifiedStyles, laterImports(new Set())],
    }));
    for (const [path, output] of Object.entries(first.metafile.outputs)) outputs[path] = { ...output, entryPoint: FIRST };
    const rest = carried(await esbuild.build({ ...onDemandBuild, mangleCache, plugins: [minifiedStyles, fromFirstScreen(shared, kept, shortName)] }));
    Object.assign(outputs, rest.metafile.outputs);
    const alone = await esbuild.build({ ...common, mangleCache, entryPoints: STANDALONE, bundle: true, format: "esm", outdir: folder, outbase: ".", metafile: true, plugins: [minifiedStyles] });
    Object.assign(outputs, alone.metafile.outputs);
    // core/where.js finds the service from its own URL, one folder below the widget's
    // (`new URL("../", import.meta.url)`): so must every file its code may land in.
    const deep = Object.keys(outputs).filter((p) => relative(folder, join(ROOT, p)).split(sep).length !== 2);
    if (deep.length) throw new Error("bundle files not one folder deep: " + deep.join(", "));
    await esbuild.build({ ...common, mangleProps: undefined, entryPoints: LOADERS, bundle: false, outdir: folder, outbase: "." });
    const named = shortChunks(folder, outputs);
    const modules = modulesOf(named, folder);
    const files = [...LOADERS, ...Object.keys(named).map((p) => posix(relative(folder, join(ROOT, p))))].sort();
    await terseAll(folder, files.filter((name) => name.endsWith(".js") && !LOADERS.includes(name)));
    const packed = await packAll(folder, files.filter((name) => !LOADERS.includes(name)));
    const manifest = { sources, esbuild: esbuild.version, loaders: LOADERS, entries: ENTRIES, modules, files, gzip: packed, brotli: packed };
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
