/**
 * Loads bundle/core.cjs, the one CommonJS file the build makes of what the constantly run invocations
 * need (scripts/bundle.mjs), with the V8 code cache the build made next to it. Compiling the core is
 * most of its cost; with the cache V8 skips that. A cache another Node made is rejected by V8, which
 * then compiles as usual; without the cache the core is required plainly. Either way the module lands
 * in require's cache, so the ES shims that re-export it (and anything requiring it) get this instance.
 */
import fs = require('node:fs');
import Module = require('node:module');
import path = require('node:path');
import url = require('node:url');
import vm = require('node:vm');

import type { Core } from './core-types.js';

/** Where the core and its code cache are, relative to this file once built (dist/cli/). */
const CORE_FILE = path.join(__dirname, '../bundle/core.cjs');
const CACHE_FILE = `${CORE_FILE}.v8-cache`;

// As require wraps a module, plus the core's import() (scripts/bundle.mjs routes its import()s here).
const WRAPPER = ['(function (exports, require, module, __filename, __dirname, __mcpkeyImport) { ', '\n});'] as const;

/** The core compiled as require would, but with `cachedData`. */
function compile(source: string, cachedData: Buffer | undefined): vm.Script {
  return new vm.Script(`${WRAPPER[0]}${source}${WRAPPER[1]}`, { filename: CORE_FILE, cachedData });
}

/**
 * import() for the core: code V8 took from a code cache has no dynamic-import loader on Node 20, so the
 * core's import()s run here, its relative specifiers resolved from its own folder.
 */
function coreImport(specifier: string): Promise<unknown> {
  return import(specifier.startsWith('.') ? url.pathToFileURL(path.resolve(path.dirname(CORE_FILE), specifier)).href : specifier);
}

/** Runs the compiled core as the module require would have made, registered in require's cache. */
function evaluate(script: vm.Script): Core {
  const module = new Module(CORE_FILE);
  module.filename = CORE_FILE;
  require.cache[CORE_FILE] = module;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, Module.createRequire(CORE_FILE), module, CORE_FILE, path.dirname(CORE_FILE), coreImport);
  } catch (error) {
    delete require.cache[CORE_FILE];
    throw error;
  }
  module.loaded = true;
  return module.exports as Core;
}

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(CACHE_FILE);
  } catch {
    return undefined;
  }
}

/** How the core was loaded, for tests and the bench: from the code cache, compiled (cache rejected), or required (no cache). */
let loadedAs: 'cache' | 'rejected' | 'required' | undefined;

function loadCore(): Core {
  const loaded = require.cache[CORE_FILE];
  if (loaded?.loaded) return loaded.exports as Core;
  const cachedData = readCache();
  if (!cachedData) {
    loadedAs = 'required';
    return require(CORE_FILE) as Core;
  }
  const script = compile(fs.readFileSync(CORE_FILE, 'utf8'), cachedData);
  loadedAs = script.cachedDataRejected === true ? 'rejected' : 'cache';
  return evaluate(script);
}

const coreLoadedAs = (): typeof loadedAs => loadedAs;

/**
 * The Secret Service client's encoding and decoding, for the cache (there is no bus at build time): each
 * message shape a listing sends or reads, written and read back.
 */
function warmSecretServiceWire(core: Core): void {
  const { encodeCall, decodeMessage } = core.core__secrets__dbus__bus;
  const { Writer } = core.core__secrets__dbus__wire;
  const key = Buffer.alloc(128);
  const bodies: Array<[string, unknown[]]> = [
    ['a{ss}', [[['service', 'mcpkey']]]],
    ['ss', ['org.freedesktop.Secret.Item', 'Attributes']],
    ['aoao', [['/item/1'], []]],
    ['v', [['a{ss}', [['username', 'server.key']]]]],
    ['sv', ['dh-ietf1024-sha256-aes128-cbc-pkcs7', ['ay', key]]],
    ['vo', [['ay', key], '/session/1']],
    ['aoo', [['/item/1'], '/session/1']],
    ['a{o(oayays)}', [[['/item/1', ['/session/1', Buffer.alloc(16), Buffer.alloc(32), 'text/plain']]]]],
  ];
  for (const [signature, body] of bodies) {
    const writer = new Writer();
    encodeCall(writer, { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'SearchItems', signature, body }, 1);
    decodeMessage(Buffer.from(writer.bytes()));
  }
}

/**
 * For the build: writes the code cache of the core as this Node compiles it, after running the start of
 * the most common invocation, `secret get`, and the Secret Service client's message code, so that the
 * functions they call are in the cache too. `secret get` runs in an empty home and finds the value in
 * the environment: no keychain, no file written, nothing printed.
 */
async function writeCoreCache(): Promise<void> {
  const script = compile(fs.readFileSync(CORE_FILE, 'utf8'), undefined);
  const core = evaluate(script);
  const home = fs.mkdtempSync(path.join((require('node:os') as typeof import('node:os')).tmpdir(), 'mcpkey-build-'));
  try {
    const sink = { write: () => true, isTTY: false };
    const env = { HOME: home, MCPKEY_HOME: path.join(home, 'mcpkey'), NEON_API_KEY: 'build-warm-up' };
    const stdin = (require('node:stream') as typeof import('node:stream')).Readable.from([]);
    const runtime = { argv: ['secret', 'get', 'neon.api_key'], env, cwd: home, stdin, stdout: sink, stderr: sink, printTo: sink };
    const code = await core.cli__main.main(runtime, { fastPathsAsked: true });
    if (code !== 0) throw new Error(`the warm-up run of the core ended with exit code ${code}`);
    warmSecretServiceWire(core);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  fs.writeFileSync(CACHE_FILE, script.createCachedData());
}

export = { loadCore, coreLoadedAs, writeCoreCache };
