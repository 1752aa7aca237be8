// CommonJS, as is all it loads: a shell runs this at every press of Tab (the bin's fast path, src/cli/fast.cts).
import fs = require('node:fs');
import path = require('node:path');
import files = require('../core/files.cjs');
import text = require('../core/text.cjs');
import paths = require('../core/config/paths.cjs');
import type { CatalogEntry } from '../core/catalog/types.js';
import type { Runtime } from '../cli/io.js';
import type { CatalogIndexEntry, SpecCommand, SpecOption } from './spec.js';

/** The line that tells the shell scripts to complete file names instead. */
const FILE_DIRECTIVE = ':file';

interface Candidate {
  value: string;
  description?: string;
}

// The build's files are read synchronously: a read on libuv's thread pool first starts the pool, which costs more.
function loadSpec(): SpecCommand {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../completion-spec.json'), 'utf8')) as SpecCommand;
}

let catalogIndex: CatalogIndexEntry[] | undefined;
function builtinIndex(): CatalogIndexEntry[] {
  catalogIndex ??= JSON.parse(fs.readFileSync(path.join(__dirname, '../completion-catalog.json'), 'utf8')) as CatalogIndexEntry[];
  return catalogIndex;
}

interface UserEntry {
  title?: string;
  secrets?: Array<{ name: string; description?: string }>;
}

interface UserConfig {
  enabled: string[];
  servers: Record<string, UserEntry>;
}

/** The user's config, read directly: completion must never fail or prompt, so any problem means "nothing of the user's". */
async function userConfig(runtime: Pick<Runtime, 'env'>): Promise<UserConfig> {
  try {
    // A regular file of at most 10 MiB: a FIFO in its place must not hang the shell's completion.
    const data = JSON.parse(files.readBoundedFileSync(paths.configFile(runtime.env)).toString('utf8')) as Partial<UserConfig>;
    const servers = typeof data.servers === 'object' && data.servers !== null && !Array.isArray(data.servers) ? data.servers : {};
    const enabled = Array.isArray(data.enabled) ? data.enabled.filter((name): name is string => typeof name === 'string') : [];
    return { enabled, servers };
  } catch {
    return { enabled: [], servers: {} };
  }
}

type UsesOAuth = (typeof import('../core/auth/classify.js'))['usesOAuth'];

/** Built-in entries, replaced by the user's own of the same name, as the commands see them. */
interface Server {
  title: string;
  oauth: (usesOAuth: UsesOAuth) => boolean;
}

async function mergedEntries(config: UserConfig): Promise<Map<string, Server>> {
  const byName = new Map<string, Server>(builtinIndex().map((entry) => [entry.name, { title: entry.title, oauth: () => entry.oauth }]));
  for (const [name, entry] of Object.entries(config.servers)) byName.set(name, { title: entry?.title ?? 'user entry', oauth: (usesOAuth: UsesOAuth) => oauthCapable(entry, usesOAuth) });
  return byName;
}

/** usesOAuth on an entry read without validation: one it cannot judge is not offered. */
function oauthCapable(entry: unknown, usesOAuth: UsesOAuth): boolean {
  try {
    return usesOAuth({ source: 'user', ...(entry as CatalogEntry) });
  } catch {
    return false;
  }
}

/** Server names: all of them, or only those the command accepts (`server remove`: the user's own; `oauth …`: OAuth ones). */
async function serverCandidates(runtime: Pick<Runtime, 'env'>, kind: string): Promise<Candidate[]> {
  const config = await userConfig(runtime);
  const merged = await mergedEntries(config);
  const enabled = new Set(config.enabled);
  const title = (name: string) => merged.get(name)?.title ?? 'not in the catalog';
  let names: string[];
  switch (kind) {
    case 'user-server':
      names = Object.keys(config.servers);
      break;
    case 'enabled-server':
      // Also a stale name the catalog no longer has: disabling it is how it goes away.
      names = config.enabled;
      break;
    case 'disabled-server':
      names = [...merged.keys()].filter((name) => !enabled.has(name));
      break;
    case 'oauth-server': {
      // The build judged the built-in entries; classify.js (an ES module) judges the user's own, for these commands only.
      const { usesOAuth } = await import('../core/auth/classify.js');
      names = [...merged].filter(([, { oauth }]) => oauth(usesOAuth)).map(([name]) => name);
      break;
    }
    default:
      names = [...merged.keys()];
  }
  return names.map((value) => ({ value, description: title(value) }));
}

/**
 * The ES modules completion needs, from the built core (src/cli/core.cts): no ES module loader, and
 * compiled from the code cache. Imported as modules where there is no build (tests run the sources).
 */
async function coreModules() {
  let core: import('../cli/core-types.js').Core;
  try {
    core = (require('../cli/core.cjs') as typeof import('../cli/core.cjs')).loadCore();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    const [keychain, names, classify] = await Promise.all([import('../core/secrets/keychain.js'), import('../core/names.js'), import('../core/auth/classify.js')]);
    return { keychain, names, classify };
  }
  return { keychain: core.core__secrets__keychain, names: core.core__names, classify: core.core__auth__classify };
}

/** Secret names: those the catalog declares, plus those in the keychain (the only completion that asks it). */
async function secretCandidates(runtime: Pick<Runtime, 'env'>): Promise<Candidate[]> {
  const byName = new Map<string, string>();
  for (const entry of builtinIndex()) for (const secret of entry.secrets) byName.set(secret.name, secret.description);
  for (const entry of Object.values((await userConfig(runtime)).servers)) for (const secret of Array.isArray(entry?.secrets) ? entry.secrets : []) byName.set(secret.name, secret.description ?? '');
  try {
    const { keychain: { createOsKeychain, keychainService }, names: { tryParseSecretName } } = await coreModules();
    // A shell waits for this: a keychain that does not answer gets seconds, not the usual half minute.
    for (const account of await createOsKeychain(keychainService(runtime.env), { patienceMs: 3_000 }).accounts()) {
      if (tryParseSecretName(account)) byName.set(account, byName.get(account) ?? 'in the keychain');
    }
  } catch {
    // No keychain: complete what the catalog knows.
  }
  return [...byName].map(([value, description]) => ({ value, description }));
}

function findOption(options: SpecOption[], word: string): SpecOption | undefined {
  const flag = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
  return options.find((option) => option.flags.includes(flag));
}

async function valuesFor(
  target: { choices?: string[]; kind?: string } | undefined,
  runtime: Pick<Runtime, 'env'>,
): Promise<Candidate[] | typeof FILE_DIRECTIVE> {
  if (!target) return [];
  if (target.choices) return target.choices.map((value) => ({ value }));
  switch (target.kind) {
    case 'server':
    case 'user-server':
    case 'enabled-server':
    case 'disabled-server':
    case 'oauth-server':
      return serverCandidates(runtime, target.kind);
    case 'secret':
      return secretCandidates(runtime);
    case 'file':
      return FILE_DIRECTIVE;
    default:
      return [];
  }
}

/**
 * `mcpkey __complete [--] WORD... CURRENT` prints the candidates for CURRENT, one per line as
 * `value<TAB>description`, or `:file` when the shell should complete file names.
 */
async function resolveCompletion(words: string[], runtime: Pick<Runtime, 'env'>): Promise<Candidate[] | typeof FILE_DIRECTIVE> {
  const spec = loadSpec();
  const current = words.length > 0 ? words[words.length - 1]! : '';
  const before = words.slice(0, -1);
  const globalOptions = spec.options;
  let node = spec;
  let positional = 0;
  let pendingOption: SpecOption | undefined;
  for (const word of before) {
    if (pendingOption) {
      pendingOption = undefined;
      continue;
    }
    if (word === '--') return []; // the rest belongs to the server's own command line
    if (word.startsWith('-')) {
      const option = findOption([...node.options, ...globalOptions], word);
      if (option?.takesValue && !word.includes('=')) pendingOption = option;
      continue;
    }
    const sub = node.commands.find((command) => command.name === word || command.aliases.includes(word));
    if (sub && positional === 0) node = sub;
    else positional += 1;
  }
  let candidates: Candidate[] | typeof FILE_DIRECTIVE;
  if (pendingOption) {
    candidates = await valuesFor(pendingOption, runtime);
  } else if (current.startsWith('-')) {
    candidates = [...node.options, ...(node === spec ? [] : globalOptions)]
      .flatMap((option) => option.flags.filter((flag) => flag.startsWith('--')).map((flag) => ({ value: flag, description: option.description })))
      .concat({ value: '--help', description: 'show help' });
  } else if (node.commands.length > 0 && positional === 0) {
    // (A group followed by a word that is none of its commands: nothing valid comes next.) A command
    // with both subcommands and an argument (`completion install` | `completion bash`) offers both.
    const first = node.arguments[0];
    const values = first ? await valuesFor(first, runtime) : [];
    candidates = node.commands.map((command): Candidate => ({ value: command.name, description: command.description })).concat(values === FILE_DIRECTIVE ? [] : values);
  } else {
    const args = node.arguments;
    const last = args[args.length - 1];
    const argument = args[positional] ?? (last?.variadic ? last : undefined);
    candidates = await valuesFor(argument, runtime);
  }
  if (candidates === FILE_DIRECTIVE) return candidates;
  const seen = new Set<string>();
  return candidates.filter((candidate) => candidate.value.startsWith(current) && !seen.has(candidate.value) && seen.add(candidate.value));
}

async function complete(words: string[], runtime: Pick<Runtime, 'env' | 'stdout'>): Promise<number> {
  try {
    // The shell scripts pass "--" first, so that node (v20 at least) does not itself act on a
    // typed --env-file: it checks that file before any of mcpkey runs, and exits 9 when it is missing.
    const result = await resolveCompletion(words[0] === '--' ? words.slice(1) : words, runtime);
    if (result === FILE_DIRECTIVE) runtime.stdout.write(`${FILE_DIRECTIVE}\n`);
    // Titles come from config.json: no control character reaches the shell's completion menu.
    else for (const { value, description } of result) runtime.stdout.write(description ? `${value}\t${text.escapeControls(description.replace(/\s+/g, ' '))}\n` : `${value}\n`);
  } catch {
    // A broken completion must never print errors into the user's command line.
  }
  return 0;
}

export = { complete };
