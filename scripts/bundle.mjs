#!/usr/bin/env node
/**
 * Bundles the built ES modules the bin loads (node scripts/bundle.mjs BUILD_DIR, run by build.sh) into
 * BUILD_DIR/bundle/, with code splitting: each dynamically imported module keeps its own chunk, so a
 * command loads only what it uses. Loading dozens of small ES modules costs more than the code in them
 * (resolve, read, link each), so the modules the hot paths always need are put in two chunks:
 * - `start`: what `mcpkey gateway` loads before its first answer (and much of every other path needs);
 * - `direct`: what the constantly run commands (direct.ts) load besides, minus modules that statically
 *   load a costly built-in (child_process, crypto, …): those stay in their own chunks, loaded when used.
 * The sets are worked out from the built files' static imports, so they follow the code as it changes.
 *
 * The bundle sits one folder below BUILD_DIR, as cli/ does: files found relative to a module
 * (`../completion-spec.json`) resolve the same. CommonJS files that locate files through __dirname stay
 * where tsc put them and are loaded from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { rolldown } from 'rolldown';

const BUILD = resolve(process.argv[2] ?? 'dist');
const OUT = resolve(BUILD, 'bundle');
const ENTRIES = { main: 'cli/main.js', io: 'cli/io.js', quick: 'commands/gateway/quick.js' };
/** Where the hot paths start: the direct commands' handlers (direct.ts) and the context they run in (imported dynamically, always used). */
const DIRECT_ROOTS = ['cli/direct.js', 'cli/action.js', 'cli/context.js', 'cli/output.js', 'cli/report.js', 'commands/secret/get.js', 'commands/secret/list.js', 'commands/run/index.js', 'commands/server/list.js', 'commands/oauth/ls.js'];
/** Built-ins that cost milliseconds to load: a module importing one statically is not put in a hot chunk. */
const COSTLY_BUILTINS = /^node:(child_process|crypto|net|http|https|tls|readline|dgram|zlib|worker_threads)$/;

const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/g;
const importsCache = new Map();
/** A built module's static import specifiers. */
function staticImports(file) {
  let found = importsCache.get(file);
  if (!found) {
    found = [...readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].map((match) => match[1]);
    importsCache.set(file, found);
  }
  return found;
}

/** Every ES module statically reachable from the roots (CommonJS files are not followed). */
function closure(roots) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !file.endsWith('.js')) return;
    seen.add(file);
    for (const specifier of staticImports(file)) if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
  };
  roots.forEach((root) => visit(resolve(BUILD, root)));
  return seen;
}

const loadsCostly = (file) => staticImports(file).some((specifier) => COSTLY_BUILTINS.test(specifier));
const start = closure([ENTRIES.quick]);
const direct = new Set([...closure(DIRECT_ROOTS)].filter((file) => !start.has(file) && !loadsCostly(file)));
for (const file of start) if (loadsCostly(file)) start.delete(file);

/** CommonJS files that find files next to them must stay where they are. */
const staysPut = (file) => file.endsWith('.cjs') && /__dirname|__filename/.test(readFileSync(file, 'utf8'));

const bundle = await rolldown({
  input: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, resolve(BUILD, file)])),
  platform: 'node',
  logLevel: 'silent',
  external: (id, importer) => {
    if (!id.startsWith('.') && !id.startsWith('/')) return true; // packages and built-ins
    const file = importer && !id.startsWith('/') ? resolve(dirname(importer), id) : id;
    return id.endsWith('.json') || (existsSync(file) && staysPut(file));
  },
});
await bundle.write({
  dir: OUT,
  format: 'esm',
  // An external file is imported from the bundle by its path relative to the chunk (all chunks sit in OUT).
  paths: (id) => (id.startsWith('/') ? `./${relative(OUT, id)}` : id),
  chunkFileNames: '[name]-[hash].js',
  codeSplitting: {
    groups: [
      { name: 'start', test: (id) => start.has(id), priority: 2 },
      { name: 'direct', test: (id) => direct.has(id), priority: 1 },
    ],
  },
});
await bundle.close();
