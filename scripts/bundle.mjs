#!/usr/bin/env node
/**
 * Bundles the built modules the bin loads (node scripts/bundle.mjs BUILD_DIR, run by build.sh).
 *
 * Loading dozens of small ES modules costs more than the code in them, and starting node's ES module
 * loader at all costs about a fifth of a bare Node start. So:
 * 1. The "core": every module the constantly run invocations need (the gateway's quick start, the
 *    commands direct.ts serves, the CLI context, error reports, the D-Bus listing) and everything they
 *    import statically, as one CommonJS file, BUILD_DIR/bundle/core.cjs, which the bin loads (through
 *    src/cli/core.cts): those invocations never start the ES loader. What the core imports dynamically
 *    (a secret store, commander's commands, chalk) stays outside it and loads when used; a few such
 *    modules (LAZY_ROOTS) are inside it, evaluated when first imported. Built-ins that cost milliseconds
 *    to load are loaded on first use.
 * 2. Its V8 code cache, BUILD_DIR/bundle/core.cjs.v8-cache, made by this Node after a warm-up run.
 * 3. Each core module's built file is replaced by a shim re-exporting its part of core.cjs, so that ES
 *    code (commander's commands, tests importing dist/) gets the very same instances: one CliError class,
 *    one module state, whichever side loads first.
 * Files are found relative to a module (`../completion-spec.json`) from bundle/, one folder below
 * BUILD_DIR as cli/ is, so they resolve the same. CommonJS files that locate files through __dirname
 * stay where tsc put them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { minifySync } from 'rolldown/utils';

const BUILD = resolve(process.argv[2] ?? 'dist');
const OUT = resolve(BUILD, 'bundle');
const CORE = resolve(OUT, 'core.cjs');
/** Where the hot paths start (modules imported dynamically there, yet always used, are listed too). */
const CORE_ROOTS = [
  'cli/main.js',
  'commands/gateway/quick.js',
  'cli/io.js',
  'cli/direct.js',
  'cli/action.js',
  'cli/context.js',
  'cli/output.js',
  'cli/report.js',
  'commands/secret/get.js',
  'commands/secret/list.js',
  'commands/run/index.js',
  'commands/server/list.js',
  'commands/oauth/ls.js',
  // The listings' Secret Service client.
  'core/secrets/dbus/listing.js',
];
/**
 * Imported dynamically by the core, and worth having in it: each is evaluated (and loads its costly
 * built-ins) only when the core imports it. Not shared with ES callers, which import their own copy from
 * where tsc put it: these modules keep no state.
 */
const LAZY_ROOTS = ['core/run/launch.js', 'core/secrets/dbus/transfer.js'];

const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/g;
const staticImports = (file) => [...readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].map((match) => match[1]);

/** Every ES module statically reachable from the roots; a package imported statically on the way is an error. */
function closure(roots) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !file.endsWith('.js')) return;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) throw new Error(`${relative(BUILD, file)} imports ${specifier} statically: the core loads packages only when used (import())`);
    }
  };
  roots.forEach((root) => visit(resolve(BUILD, root)));
  return seen;
}

/** The key a core module's exports have in core.cjs: its path in BUILD_DIR, e.g. cli__context. */
const keyOf = (file) => relative(BUILD, file).replace(/\.js$/, '').replace(/[/-]/g, '__');
/** CommonJS files that find files next to them must stay where they are. */
const staysPut = (file) => file.endsWith('.cjs') && /__dirname|__filename/.test(readFileSync(file, 'utf8'));
/** The specifier a bundle file in OUT uses for a file of BUILD_DIR. */
const fromOut = (file) => `./${relative(OUT, file)}`;

const core = closure(CORE_ROOTS);
const keys = new Map([...core].map((file) => [keyOf(file), file]));
if (keys.size !== core.size) throw new Error('two core modules have the same key in core.cjs: rename one (keyOf)');
const lazy = new Set([...closure(LAZY_ROOTS)].filter((file) => !core.has(file)));

// 1. The core as one CommonJS file. Its entry exports each module's namespace under its key.
const ENTRY = '\0mcpkey-core';
const coreBuild = await rolldown({
  input: ENTRY,
  platform: 'node',
  logLevel: 'silent',
  plugins: [
    {
      name: 'mcpkey-core-entry',
      resolveId: (id) => (id === ENTRY ? id : undefined),
      load: (id) => (id === ENTRY ? [...core].map((file) => `export * as ${keyOf(file)} from ${JSON.stringify(file)};`).join('\n') : undefined),
    },
  ],
  external: (id, importer) => {
    if (id === ENTRY || !importer) return false;
    if (!id.startsWith('.') && !id.startsWith('/')) return true; // packages and built-ins, loaded as the code says
    const file = id.startsWith('/') ? id : resolve(dirname(importer), id);
    if (file.endsWith('.js')) return !core.has(file) && !lazy.has(file); // outside the core: imported dynamically, from where tsc put it
    return file.endsWith('.json') || (existsSync(file) && staysPut(file));
  },
});
await coreBuild.write({
  file: CORE,
  format: 'cjs',
  codeSplitting: false,
  paths: (id) => (id.startsWith('/') ? fromOut(id) : id),
});
await coreBuild.close();

// The bundler hoists every built-in a core module imports to the top of core.cjs. Those that cost
// milliseconds to load (most invocations never use them) become objects that load them on first use.
const COSTLY_BUILTIN = /^let (\w+) = require\("(node:(?:child_process|crypto|fs\/promises|net|readline|dgram|http|https|tls|zlib|worker_threads))"\);$/gm;
const LAZY_BUILTIN = '/** A built-in loaded on first use (scripts/bundle.mjs). */\nfunction lazyBuiltin(id) {\n\tlet loaded;\n\treturn new Proxy({}, { get: (_, key) => (loaded ??= require(id))[key] });\n}\n';
// The core is compiled through vm.Script with a code cache (src/cli/core.cts), and on Node 20 an import()
// in code from a code cache finds no loader. Its import()s (all of a literal specifier) go through a
// function that loader passes in; required plainly, the core uses its own import().
const DYNAMIC_IMPORT = /\bimport\((?=")/g;
let coreText = readFileSync(CORE, 'utf8').replace(COSTLY_BUILTIN, 'const $1 = lazyBuiltin("$2");').replace(DYNAMIC_IMPORT, '__coreImport(');
const stray = /\bimport\((?!")/.exec(coreText.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ''));
if (stray) throw new Error(`bundle/core.cjs has an import() without a literal specifier: ${coreText.slice(stray.index, stray.index + 60)}`);
const CORE_IMPORT = '/** import(): the loader\'s (src/cli/core.cts), or where there is none, this file\'s own. */\nconst __coreImport = typeof __mcpkeyImport === \'function\' ? __mcpkeyImport : (specifier) => import(specifier);\n';
// `createRequire(import.meta.url)` became a second require made from this file's URL; the file's own
// require finds the same packages (all its specifiers are package names, which resolve alike from bundle/).
const OWN_REQUIRE = /\(0, node_module\.createRequire\)\(require\("url"\)\.pathToFileURL\(__filename\)\.href\)/g;
coreText = coreText.replace(OWN_REQUIRE, 'require');
coreText = lazyNamespaces(coreText);
// Strict, as the ES modules it is made of were.
coreText = `'use strict';\n${LAZY_BUILTIN}${CORE_IMPORT}${coreText.replace(/^(["']use strict["'];\n)/, '')}`;
// Without comments and indentation, a quarter smaller: less to read, and to parse for the functions
// the code cache does not hold. Names and code are left as they are.
const compact = minifySync('core.cjs', coreText, { compress: false, mangle: false, codegen: { removeWhitespace: true } });
if (compact.errors.length > 0) throw new Error(`bundle/core.cjs could not be compacted: ${compact.errors[0].message}`);
writeFileSync(CORE, compact.code);

/**
 * The entry evaluates every core module up front; most invocations use a few. Instead, a module is
 * evaluated when its namespace is first asked for (the bin asks for main and io; the shims, for their
 * own): the bundler already wraps each module in an init function that first runs those of its imports.
 */
function lazyNamespaces(text) {
  const entryAt = text.indexOf('// \\0mcpkey-core\n');
  if (entryAt < 0) throw new Error('bundle/core.cjs: the entry section was not found');
  // Each module's section: its namespace object and, for modules the bundler wrapped, its init function.
  const initOf = new Map();
  for (const section of text.slice(0, entryAt).split(/\n(?=\/\/ \S+\.js\n)/)) {
    const namespace = /^var (\w+(?:\$\d+)?) = \/\* @__PURE__ \*\/ __exportAll\(/m.exec(section)?.[1];
    const init = /^var (init_\w+(?:\$\d+)?) = __esmMin\(/m.exec(section)?.[1];
    if (namespace && init) initOf.set(namespace, init);
  }
  let entry = text.slice(entryAt);
  const calls = entry.match(/^init_\w+(?:\$\d+)?\(\);\n/gm) ?? [];
  if (calls.length === 0) throw new Error('bundle/core.cjs: the entry evaluates no module; the bundler changed its output');
  entry = entry.replace(/^init_\w+(?:\$\d+)?\(\);\n/gm, '');
  let getters = 0;
  entry = entry.replace(/(get: function\(\) \{\n\t\treturn )(\w+(?:\$\d+)?);/g, (all, head, namespace) => {
    getters += 1;
    const init = initOf.get(namespace);
    return init ? `${head}(${init}(), ${namespace});` : all;
  });
  // Every module the entry evaluated must be evaluated by some getter now.
  const inits = new Set(initOf.values());
  const unreached = calls.map((call) => call.slice(0, -4)).filter((init) => !inits.has(init));
  if (getters === 0 || unreached.length > 0) throw new Error(`bundle/core.cjs: no namespace getter evaluates ${unreached.join(', ') || 'any module'}`);
  return text.slice(0, entryAt) + entry;
}

// 2. Its V8 code cache, made by this Node as the bin will load it (src/cli/core.cts).
const cached = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(resolve(BUILD, 'cli/core.cjs'))}).writeCoreCache().catch((error) => { console.error(error); process.exitCode = 1; })`], { stdio: 'inherit' });
if (cached.status !== 0) throw new Error('could not write the code cache of bundle/core.cjs');

// 3. Each core module becomes a shim of its part of the core. Its export names are read from the module
// as tsc built it (loaded here once, before it is replaced).
const exportNames = new Map();
for (const file of core) exportNames.set(file, Object.keys(await import(pathToFileURL(file).href)));
for (const file of core) {
  const names = exportNames.get(file);
  const named = names.filter((name) => name !== 'default');
  const lines = [
    '// Built by scripts/bundle.mjs: this module lives in bundle/core.cjs, shared with the bin\'s CommonJS paths.',
    // require, not import: node's ES loader would scan all of core.cjs for export names first.
    "import { createRequire } from 'node:module';",
    `const core = createRequire(import.meta.url)(${JSON.stringify(relative(dirname(file), CORE).replace(/^(?!\.)/, './'))});`,
    `const part = core.${keyOf(file)};`,
    ...(named.length ? [`export const { ${named.join(', ')} } = part;`] : []),
    ...(names.includes('default') ? ['export default part.default;'] : []),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
}
