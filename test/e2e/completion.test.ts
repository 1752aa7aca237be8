/**
 * Shell completion end to end: the committed bash, zsh and fish scripts, sourced in the real
 * shells, calling a real `mcpkey` found on PATH, which answers through the `__complete` fast path.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InstallResult } from '../../src/commands/completion/install.js';
import { BASH_COMPLETION_LOADERS } from '../../src/completion/install-target.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mcpkey.js');
const SCRIPTS = {
  bash: join(ROOT, 'completions/mcpkey.bash'),
  zsh: join(ROOT, 'completions/_mcpkey'),
  fish: join(ROOT, 'completions/mcpkey.fish'),
} as const;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

function run(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; input?: string }): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // Generous: a shell that starts mcpkey on a loaded 2-core machine may take seconds.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const raw = Buffer.concat(out);
      resolvePromise({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
    // A process that exits without reading its stdin must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Single-quoted for sh, bash, zsh; fish has its own rules (see fishQuote). */
function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

const sorted = (values: string[]) => [...values].sort();

/** The directory on PATH that holds the `mcpkey` wrapper, shared by every test. */
let binDir: string;
/** A resolve hook that logs every module URL, for the "what does the fast path load" tests. */
let registerHooks: string;

beforeAll(async () => {
  binDir = await mkdtemp(join(tmpdir(), 'mcpkey-completion-bin-'));
  const wrapper = join(binDir, 'mcpkey');
  await writeFile(wrapper, `#!/bin/sh\nexec ${shQuote(process.execPath)} ${shQuote(BIN)} "$@"\n`);
  await chmod(wrapper, 0o755);
  await writeFile(
    join(binDir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`,
  );
  registerHooks = join(binDir, 'register.mjs');
  await writeFile(
    registerHooks,
    `import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.MCPKEY_TEST_MODULE_LOG;
register('./hooks.mjs', { parentURL: import.meta.url, data: { log } });
// CommonJS loads (createRequire) pass no ESM hook: record them too.
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { appendFileSync(log, Module._resolveFilename(request, parent, isMain) + '\\n'); } catch {}
  return load.apply(this, arguments);
};
`,
  );
});

/** Every top-level command, as the shells should offer them. */
const TOP_LEVEL = ['client', 'completion', 'doctor', 'gateway', 'idp', 'oauth', 'project', 'run', 'secret', 'server', 'tools'];

afterAll(async () => {
  if (binDir) await rm(binDir, { recursive: true, force: true });
});

/** One isolated user per test: own HOME, MCPKEY_HOME, keychain service and working directory. */
class Sandbox {
  readonly service = `mcpkey-completion-test-${randomBytes(6).toString('hex')}`;
  constructor(readonly dir: string) {}

  get home(): string {
    return join(this.dir, 'home');
  }
  get mcpkeyHome(): string {
    return join(this.dir, 'mcpkey-home');
  }
  get cwd(): string {
    return join(this.dir, 'work');
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: `${binDir}${delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: this.home,
      MCPKEY_HOME: this.mcpkeyHome,
      MCPKEY_KEYCHAIN_SERVICE: this.service,
      LANG: 'C.UTF-8',
      ...extra,
    };
    if (process.env.DBUS_SESSION_BUS_ADDRESS) env.DBUS_SESSION_BUS_ADDRESS = process.env.DBUS_SESSION_BUS_ADDRESS;
    return env;
  }

  /** The CLI itself, as the user would run it. */
  mcpkey(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
    return run(join(binDir, 'mcpkey'), args, { env: this.env(env), cwd: this.cwd, ...(input !== undefined ? { input } : {}) });
  }

  /** COMPREPLY after bash's _mcpkey, for the words typed so far (the last one is being completed). */
  async bash(words: string[]): Promise<string[]> {
    const script = [
      'source "$MCPKEY_COMPLETION_SCRIPT"',
      `COMP_WORDS=(mcpkey ${words.map(shQuote).join(' ')})`,
      `COMP_CWORD=${words.length}`,
      '_mcpkey',
      'status=$?',
      '(( ${#COMPREPLY[@]} )) && printf "%s\\n" "${COMPREPLY[@]}"',
      'exit $status',
    ].join('\n');
    const result = await run('bash', ['--norc', '--noprofile', '-c', script], {
      env: this.env({ MCPKEY_COMPLETION_SCRIPT: SCRIPTS.bash }),
      cwd: this.cwd,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return lines(result.stdout);
  }

  /**
   * What zsh's _mcpkey hands to _describe (as `value:description`, colons in values escaped),
   * with stubs for the completion system; _files prints FILES_MARKER.
   */
  async zsh(words: string[]): Promise<string[]> {
    const script = [
      'compdef() { :; }',
      '_describe() { print -rl -- "${(@P)4}"; }',
      `_files() { print -r -- ${shQuote(FILES_MARKER)}; }`,
      'source "$MCPKEY_COMPLETION_SCRIPT"',
      `words=(mcpkey ${words.map(shQuote).join(' ')})`,
      `CURRENT=${words.length + 1}`,
      '_mcpkey',
      'exit 0',
    ].join('\n');
    const result = await run('zsh', ['-f', '-c', script], { env: this.env({ MCPKEY_COMPLETION_SCRIPT: SCRIPTS.zsh }), cwd: this.cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return lines(result.stdout);
  }

  /** fish's own `complete -C`: `value<TAB>description` lines. */
  async fish(commandLine: string): Promise<string[]> {
    const script = `source ${fishQuote(SCRIPTS.fish)}; complete -C ${fishQuote(commandLine)}`;
    const result = await run('fish', ['--no-config', '-c', script], { env: this.env(), cwd: this.cwd });
    expect(result.code).toBe(0);
    return lines(result.stdout);
  }

  async cleanup(): Promise<void> {
    if (process.env.DBUS_SESSION_BUS_ADDRESS) {
      await run('secret-tool', ['clear', 'service', this.service], { env: process.env, cwd: tmpdir() }).catch(() => undefined);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

const FILES_MARKER = '<<_files>>';

/** zsh `_describe` entries are `value:description`; a `:` inside the value is escaped as `\:`. */
function zshValue(entry: string): string {
  const match = /^((?:[^\\:]|\\.)*)/.exec(entry)!;
  return match[1]!.replace(/\\(.)/g, '$1');
}

function fishValue(line: string): string {
  return line.split('\t')[0]!;
}

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = new Sandbox(await mkdtemp(join(tmpdir(), 'mcpkey-completion-')));
  await mkdir(sandbox.home, { recursive: true });
  await mkdir(sandbox.mcpkeyHome, { recursive: true });
  await mkdir(sandbox.cwd, { recursive: true });
});

afterEach(async () => {
  await sandbox.cleanup();
});

describe('bash', () => {
  it('completes server names from the catalog', async () => {
    expect(sorted(await sandbox.bash(['server', 'inspect', 'neo']))).toEqual(['neon', 'neon-remote']);
  });

  it('completes the top-level commands', async () => {
    expect(sorted(await sandbox.bash(['']))).toEqual(TOP_LEVEL);
    expect(await sandbox.bash(['se'])).toEqual(expect.arrayContaining(['server', 'secret']));
    expect(await sandbox.bash(['se'])).not.toContain('completion');
  });

  it('completes the secret subcommands', async () => {
    expect(sorted(await sandbox.bash(['secret', '']))).toEqual(['check', 'delete', 'get', 'list', 'set']);
  });

  it('completes flags, only flags', async () => {
    const flags = await sandbox.bash(['server', 'add', '--']);
    expect(flags).toEqual(expect.arrayContaining(['--url', '--secret', '--force', '--transport', '--help']));
    for (const flag of flags) expect(flag).toMatch(/^--[a-z]/);
    expect(sorted(await sandbox.bash(['server', 'add', '--f']))).toEqual(['--force']);
  });

  it('completes the choices of --transport', async () => {
    expect(sorted(await sandbox.bash(['server', 'add', 'x', '--url', 'https://mcp.example/mcp', '--transport', '']))).toEqual([
      'sse',
      'streamable-http',
    ]);
    expect(await sandbox.bash(['server', 'add', 'x', '--transport', 'st'])).toEqual(['streamable-http']);
  });

  it('completes `install` and the shells of `mcpkey completion`', async () => {
    expect(await sandbox.bash(['completion', ''])).toEqual(['install', 'bash', 'zsh', 'fish']);
    expect(await sandbox.bash(['completion', 'install', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('offers a server added by the user', async () => {
    expect(await sandbox.bash(['server', 'inspect', 'ac'])).not.toContain('acme');
    const added = await sandbox.mcpkey(['server', 'add', 'acme', '--', 'npx', '-y', 'acme']);
    expect(added.code, added.stderr).toBe(0);
    // The entry went to this sandbox's MCPKEY_HOME, where completion reads it.
    expect(JSON.parse(await readFile(join(sandbox.mcpkeyHome, 'config.json'), 'utf8')).servers).toHaveProperty('acme');
    expect(await sandbox.bash(['server', 'inspect', 'ac'])).toContain('acme');
    expect(await sandbox.bash(['server', 'remove', 'acm'])).toEqual(['acme']);
  });

  it('completes secret names the catalog declares', async () => {
    const names = await sandbox.bash(['secret', 'get', 'neon.']);
    expect(names).toContain('neon.api_key');
    for (const name of names) expect(name.startsWith('neon.')).toBe(true);
  });

  it('completes file names after --env-file', async () => {
    await writeFile(join(sandbox.cwd, 'envfile-probe.env'), 'NEON_API_KEY=x\n');
    await writeFile(join(sandbox.cwd, 'other.txt'), '');
    expect(await sandbox.bash(['--env-file', 'envfile-p'])).toEqual(['envfile-probe.env']);
    expect(sorted(await sandbox.bash(['--env-file', '']))).toEqual(['envfile-probe.env', 'other.txt']);
    // A global option after a subcommand, too.
    expect(await sandbox.bash(['secret', 'list', '--env-file', 'env'])).toEqual(['envfile-probe.env']);
  });

  it('completes nothing after "--" of server add', async () => {
    expect(await sandbox.bash(['server', 'add', 'x', '--', ''])).toEqual([]);
    expect(await sandbox.bash(['server', 'add', 'x', '--', 'npx', '--'])).toEqual([]);
  });
});

describe('mcpkey completion <shell>', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    it(`prints the committed ${shell} script byte for byte`, async () => {
      const result = await sandbox.mcpkey(['completion', shell]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      const committed = await readFile(SCRIPTS[shell]);
      expect(committed.length).toBeGreaterThan(0);
      expect(result.raw.equals(committed)).toBe(true);
    });
  }

  it('refuses an unknown shell', async () => {
    const result = await sandbox.mcpkey(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});

describe('zsh', () => {
  it('completes server names from the catalog', async () => {
    const entries = await sandbox.zsh(['server', 'inspect', 'neo']);
    expect(sorted(entries.map(zshValue))).toEqual(['neon', 'neon-remote']);
    expect(entries).toContain('neon:Neon');
  });

  it('completes commands, flags and choices', async () => {
    expect(sorted((await sandbox.zsh([''])).map(zshValue))).toEqual(TOP_LEVEL);
    expect((await sandbox.zsh(['completion', ''])).map(zshValue)).toEqual(['install', 'bash', 'zsh', 'fish']);
    expect((await sandbox.zsh(['server', 'add', '--'])).map(zshValue)).toEqual(expect.arrayContaining(['--url', '--secret', '--force']));
    expect((await sandbox.zsh(['secret', 'get', 'neon.'])).map(zshValue)).toContain('neon.api_key');
  });

  it('hands file names to _files after --env-file', async () => {
    expect(await sandbox.zsh(['--env-file', ''])).toEqual([FILES_MARKER]);
    expect(await sandbox.zsh(['--env-file', 'x'])).toEqual([FILES_MARKER]);
    // The marker is not printed for other completions.
    expect(await sandbox.zsh(['server', 'inspect', 'ne'])).not.toContain(FILES_MARKER);
  });

  it('completes nothing after "--" of server add', async () => {
    expect(await sandbox.zsh(['server', 'add', 'x', '--', ''])).toEqual([]);
  });
});

describe('fish', () => {
  it('completes server names from the catalog, with descriptions', async () => {
    const result = await sandbox.fish('mcpkey server inspect neo');
    expect(sorted(result.map(fishValue))).toEqual(['neon', 'neon-remote']);
    expect(result).toContain('neon\tNeon');
  });

  it('completes commands and choices', async () => {
    expect(sorted((await sandbox.fish('mcpkey ')).map(fishValue))).toEqual(TOP_LEVEL);
    expect(sorted((await sandbox.fish('mcpkey completion ')).map(fishValue))).toEqual(['bash', 'fish', 'install', 'zsh']);
    expect(sorted((await sandbox.fish('mcpkey server add x --transport ')).map(fishValue))).toEqual(['sse', 'streamable-http']);
  });

  it('completes file names after --env-file', async () => {
    await writeFile(join(sandbox.cwd, 'envfile-probe.env'), '');
    expect((await sandbox.fish('mcpkey --env-file envfile-p')).map(fishValue)).toEqual(['envfile-probe.env']);
  });
});

describe('mcpkey __complete', () => {
  it('prints nothing and succeeds for garbage', async () => {
    const garbage = [
      ['zzz', 'yyy', 'xxx'],
      ['frobnicate', ''],
      ['server', 'frobnicate', ''],
      ['server', 'inspect', 'no-such-server-zz'],
      ['--no-such-flag', 'qq'],
      ['secret', 'get', '"\'$(x)', ''],
      ['\u00e9\u00e9\u00e9', '\t', ''],
    ];
    for (const words of garbage) {
      const result = await sandbox.mcpkey(['__complete', ...words]);
      expect({ words, ...result, raw: undefined }).toEqual({ words, code: 0, stdout: '', stderr: '', raw: undefined });
    }
  });

  it('completes nothing after "--" of server add', async () => {
    for (const words of [
      ['server', 'add', 'x', '--', ''],
      ['server', 'add', 'x', '--', 'np'],
      ['server', 'add', 'x', '--', '--ur'],
      ['--', 'server', 'add', 'x', '--', ''],
    ]) {
      const result = await sandbox.mcpkey(['__complete', ...words]);
      expect({ words, code: result.code, stdout: result.stdout }).toEqual({ words, code: 0, stdout: '' });
    }
    // …while before "--" the same position does complete.
    expect(lines((await sandbox.mcpkey(['__complete', 'server', 'add', 'x', '--ur'])).stdout).map(fishValue)).toEqual(['--url']);
  });

  it('prints value<TAB>description lines, and :file for file names', async () => {
    expect(lines((await sandbox.mcpkey(['__complete', 'server', 'inspect', 'neon-r'])).stdout)).toEqual(['neon-remote\tNeon (remote)']);
    // The shell scripts put "--" first: node (v20) would otherwise check a typed --env-file's
    // file itself, and exit 9 before mcpkey runs when it is missing.
    expect((await sandbox.mcpkey(['__complete', '--', '--env-file', ''])).stdout).toBe(':file\n');
    expect((await sandbox.mcpkey(['__complete', '--', '--env-file', 'missing'])).stdout).toBe(':file\n');
    expect((await sandbox.mcpkey(['__complete', '--', 'server', 'inspect', 'neon-r'])).stdout).toBe('neon-remote\tNeon (remote)\n');
  });
});

describe('the completion fast path', () => {
  const HEAVY = ['@napi-rs/keyring', 'commander', '@inquirer', 'openid-client', '@modelcontextprotocol'];

  /** Every module URL that node resolved while running `mcpkey ARGS`. */
  async function modulesLoadedBy(args: string[]): Promise<string[]> {
    const log = join(sandbox.dir, `modules-${randomBytes(4).toString('hex')}.log`);
    await writeFile(log, '');
    const result = await run(process.execPath, ['--import', pathToFileURL(registerHooks).href, BIN, ...args], {
      env: sandbox.env({ MCPKEY_TEST_MODULE_LOG: log }),
      cwd: sandbox.cwd,
    });
    expect(result.code, result.stderr).toBe(0);
    const urls = lines(await readFile(log, 'utf8'));
    // The hook saw the CLI itself: an empty log would prove nothing.
    expect(urls.some((url) => url.endsWith('/bin/mcpkey.js'))).toBe(true);
    return urls;
  }

  // A package, or one named after it (the keychain library's native package for this machine, @napi-rs/keyring-linux-x64-gnu).
  const loadedPackages = (urls: string[]) => HEAVY.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`) || url.includes(`/node_modules/${name}-`)));

  it('loads neither commander nor the keychain for command, flag and server completion', async () => {
    for (const words of [
      ['server', 'inspect', 'ne'],
      [''],
      ['server', 'add', '--'],
      ['server', 'add', 'x', '--transport', ''],
      ['--env-file', ''],
      // The narrowed server sets too: OAuth servers come from classify.js, which loads nothing.
      ['oauth', 'token', ''],
      ['server', 'remove', ''],
      ['server', 'disable', ''],
    ]) {
      const urls = await modulesLoadedBy(['__complete', '--', ...words]);
      expect(urls.some((url) => url.endsWith('/dist/completion/complete.cjs'))).toBe(true);
      expect({ words, loaded: loadedPackages(urls) }).toEqual({ words, loaded: [] });
    }
  });

  it('loads nothing heavy for --version', async () => {
    expect(loadedPackages(await modulesLoadedBy(['--version']))).toEqual([]);
  });

  it('asks the Secret Service directly for secret-name completion: neither commander nor the keychain library', async () => {
    const urls = await modulesLoadedBy(['__complete', 'secret', 'get', '']);
    // The direct client (core/secrets/dbus/) is part of the core bundle (scripts/bundle.mjs).
    expect(urls.some((url) => url.endsWith('/dist/cli/core.cjs'))).toBe(true);
    expect(loadedPackages(urls)).toEqual([]);
  });

  it('loads nothing heavy, not even commander, for help', async () => {
    for (const args of [['--help'], ['server', '--help'], ['server', 'enable', '-h']]) expect({ args, loaded: loadedPackages(await modulesLoadedBy(args)) }).toEqual({ args, loaded: [] });
  });

  it('loads commander for help it has no page for, but not the keychain, prompts, OAuth client or MCP SDK', async () => {
    expect(loadedPackages(await modulesLoadedBy(['--no-color', '--help']))).toEqual(['commander']);
  });
});

describe('secret names from the keychain', () => {
  it('are completed in every shell', async () => {
    if (!process.env.MCPKEY_TEST_SECRET_SERVICE || !process.env.DBUS_SESSION_BUS_ADDRESS) {
      throw new Error('no test Secret Service: run the tests with `npm test` (scripts/test.sh starts D-Bus and gnome-keyring)');
    }
    expect(await sandbox.bash(['secret', 'get', 'zzcomp'])).toEqual([]);
    const value = `value-${randomBytes(8).toString('hex')}`;
    const stored = await sandbox.mcpkey(['secret', 'set', 'zzcomp.token'], value);
    expect(stored.code, stored.stderr).toBe(0);

    expect(await sandbox.bash(['secret', 'get', 'zzcomp'])).toEqual(['zzcomp.token']);
    expect((await sandbox.zsh(['secret', 'delete', 'zz'])).map(zshValue)).toEqual(['zzcomp.token']);
    expect(await sandbox.fish('mcpkey secret get zzc')).toEqual(['zzcomp.token\tin the keychain']);
    // Catalog names are still offered next to keychain ones, and a value never is.
    const direct = await sandbox.mcpkey(['__complete', 'secret', 'get', '']);
    expect(lines(direct.stdout).map(fishValue)).toEqual(expect.arrayContaining(['zzcomp.token', 'neon.api_key']));
    expect(direct.stdout).not.toContain(value);
    // Another service's secrets stay out.
    const other = await run(process.execPath, [BIN, '__complete', 'secret', 'get', 'zz'], {
      env: { ...sandbox.env(), MCPKEY_KEYCHAIN_SERVICE: `${sandbox.service}-other` },
      cwd: sandbox.cwd,
    });
    expect(other.stdout).toBe('');
  });
});

/** The values `mcpkey __complete WORDS…` offers, in order. */
async function offered(words: string[]): Promise<string[]> {
  const result = await sandbox.mcpkey(['__complete', '--', ...words]);
  expect(result.code, result.stderr).toBe(0);
  return lines(result.stdout).map(fishValue);
}

async function writeConfig(config: { enabled?: string[]; servers?: Record<string, unknown> }): Promise<void> {
  await writeFile(join(sandbox.mcpkeyHome, 'config.json'), JSON.stringify({ version: 1, enabled: [], servers: {}, ...config }));
}

describe('context-aware server names', () => {
  it('server remove offers only the servers the user added, never a built-in one', async () => {
    expect(await offered(['server', 'remove', ''])).toEqual([]);
    expect(await offered(['server', 'inspect', ''])).toContain('neon');
    for (const args of [['acme', '--', 'npx', '-y', 'acme'], ['neon', '--force', '--', 'npx', '-y', 'my-neon']]) {
      const added = await sandbox.mcpkey(['server', 'add', ...args]);
      expect(added.code, added.stderr).toBe(0);
    }
    // A user entry that replaces a built-in one is removable too (the built-in one comes back).
    expect(sorted(await offered(['server', 'remove', '']))).toEqual(['acme', 'neon']);
    expect(await sandbox.bash(['server', 'remove', 'a'])).toEqual(['acme']);
  });

  it('oauth authorize, token and revoke offer only servers that use OAuth', async () => {
    await writeConfig({
      servers: {
        'my-remote': { name: 'my-remote', title: 'Mine', description: 'x', transport: { type: 'remote', url: 'https://mcp.example/mcp', transport: 'streamable-http' }, secrets: [] },
        'my-local': { name: 'my-local', title: 'Local', description: 'x', transport: { type: 'stdio', command: 'npx', args: ['-y', 'x'] }, secrets: [] },
        // A user entry replacing an OAuth built-in with a local one is no OAuth server any more.
        linear: { name: 'linear', title: 'Linear, local', description: 'x', transport: { type: 'stdio', command: 'npx', args: ['-y', 'x'] }, secrets: [] },
      },
    });
    for (const verb of ['authorize', 'token', 'revoke']) {
      const names = await offered(['oauth', verb, '']);
      expect(names, verb).toEqual(expect.arrayContaining(['my-remote', 'neon-remote', 'notion-remote']));
      for (const name of ['my-local', 'linear', 'neon', 'memory', 'fetch']) expect(names, `${verb}: ${name}`).not.toContain(name);
    }
    expect(await offered(['oauth', 'token', 'my-'])).toEqual(['my-remote']);
    expect((await sandbox.zsh(['oauth', 'revoke', 'my-'])).map(zshValue)).toEqual(['my-remote']);
  });

  it('server disable offers the enabled servers (a stale name too), server enable the others', async () => {
    await writeConfig({ enabled: ['memory', 'gone-from-catalog'] });
    const disable = await sandbox.mcpkey(['__complete', 'server', 'disable', '']);
    expect(lines(disable.stdout)).toEqual(['memory\tMemory', 'gone-from-catalog\tnot in the catalog']);
    const enable = await offered(['server', 'enable', '']);
    expect(enable).toContain('neon');
    expect(enable).not.toContain('memory');
    expect(enable).not.toContain('gone-from-catalog');
    expect(sorted((await sandbox.fish('mcpkey server disable ')).map(fishValue))).toEqual(['gone-from-catalog', 'memory']);
  });

  it('a broken config.json means no user servers, never an error in the shell', async () => {
    await writeFile(join(sandbox.mcpkeyHome, 'config.json'), '{"version":1,"enabled":"memory","servers":[1,2]');
    expect(await offered(['server', 'disable', ''])).toEqual([]);
    expect(await offered(['server', 'remove', ''])).toEqual([]);
    expect(await offered(['oauth', 'token', 'neon-r'])).toEqual(['neon-remote']);
    await writeConfig({ enabled: 'memory' as unknown as string[], servers: { odd: { name: 'odd', transport: 7 } } });
    expect(await offered(['server', 'disable', ''])).toEqual([]);
    expect(await offered(['oauth', 'token', 'od'])).toEqual([]);
    expect(await offered(['server', 'remove', ''])).toEqual(['odd']);
  });
});

describe('mcpkey completion install', () => {
  /** `completion install ARGS --json` in the sandbox, as a fresh account: nothing under HOME yet. */
  async function install(args: string[], env: NodeJS.ProcessEnv = {}): Promise<InstallResult> {
    const result = await sandbox.mcpkey(['completion', 'install', ...args, '--json'], undefined, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as InstallResult;
  }

  const exists = (path: string) => access(path).then(() => true, () => false);

  it('bash: writes to bash-completion’s user directory, creating it; the script loads in a real bash', async () => {
    const result = await install(['bash']);
    const file = join(sandbox.home, '.local/share/bash-completion/completions/mcpkey');
    // Without bash-completion installed, the file is loaded from ~/.bashrc.
    const loader = (await Promise.all(BASH_COMPLETION_LOADERS.map(exists))).some(Boolean);
    expect(result).toEqual({
      shell: 'bash',
      file,
      written: true,
      rcFile: join(sandbox.home, '.bashrc'),
      rcLines: loader ? [] : ['source ~/.local/share/bash-completion/completions/mcpkey'],
      warnings: [],
    });
    expect(await readFile(file, 'utf8')).toBe(await readFile(SCRIPTS.bash, 'utf8'));
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    const loaded = await run('bash', ['--norc', '--noprofile', '-c', `source ${shQuote(file)} && complete -p mcpkey`], { env: sandbox.env(), cwd: sandbox.cwd });
    expect(loaded.stdout.trim()).toBe('complete -F _mcpkey mcpkey');
    // Said once: with the line in ~/.bashrc (as ~/…), there is nothing more to add.
    if (!loader) {
      await writeFile(join(sandbox.home, '.bashrc'), `# mine\n${result.rcLines[0]}\n`);
      expect((await install(['bash'])).rcLines).toEqual([]);
    }
  });

  it('bash: honours XDG_DATA_HOME', async () => {
    const data = join(sandbox.dir, 'xdg-data');
    const result = await install(['bash'], { XDG_DATA_HOME: data });
    expect(result.file).toBe(join(data, 'bash-completion/completions/mcpkey'));
    expect(await exists(result.file)).toBe(true);
  });

  it('zsh, from $SHELL: writes ~/.zfunc/_mcpkey and the lines that make a real zsh load it', async () => {
    const result = await install([], { SHELL: '/usr/bin/zsh' });
    const file = join(sandbox.home, '.zfunc/_mcpkey');
    expect(result).toEqual({
      shell: 'zsh',
      file,
      written: true,
      rcFile: join(sandbox.home, '.zshrc'),
      rcLines: ['fpath=(~/.zfunc $fpath)', 'autoload -Uz compinit && compinit'],
      warnings: [],
    });
    expect(await readFile(file, 'utf8')).toBe(await readFile(SCRIPTS.zsh, 'utf8'));
    await writeFile(join(sandbox.home, '.zshrc'), `${result.rcLines.join('\n')}\n`);
    // An interactive zsh with that ~/.zshrc knows _mcpkey as mcpkey's completion.
    const zsh = await run('zsh', ['-i', '-c', 'print -r -- ${_comps[mcpkey]}'], { env: sandbox.env({ ZDOTDIR: sandbox.home }), cwd: sandbox.cwd });
    expect(zsh.stdout.trim(), zsh.stderr).toBe('_mcpkey');
    // Now ~/.zshrc has everything: nothing more to add.
    expect((await install(['zsh'])).rcLines).toEqual([]);
  });

  it('zsh: a ~/.zshrc that runs compinit already needs only the fpath line, before it', async () => {
    await writeFile(join(sandbox.home, '.zshrc'), '# compinit is below\nautoload -U compinit\ncompinit -i\n');
    const result = await install(['zsh']);
    expect(result.rcLines).toEqual(['fpath=(~/.zfunc $fpath)']);
    expect(result.where).toBe('before the line that runs compinit');
    await writeFile(join(sandbox.home, '.zshrc'), 'fpath=($HOME/.zfunc $fpath)\nautoload -U compinit; compinit\n');
    expect((await install(['zsh'])).rcLines).toEqual([]);
  });

  it('fish: writes ~/.config/fish/completions/mcpkey.fish, which a real fish loads on its own', async () => {
    const result = await install(['fish']);
    const file = join(sandbox.home, '.config/fish/completions/mcpkey.fish');
    expect(result).toMatchObject({ shell: 'fish', file, written: true, rcLines: [], warnings: [] });
    // No --no-config and no `source`: fish finds it in its completions directory.
    const fish = await run('fish', ['-c', 'complete -C "mcpkey serv"'], { env: sandbox.env(), cwd: sandbox.cwd });
    expect(lines(fish.stdout).map(fishValue)).toEqual(['server']);
  });

  it('is idempotent: the same script is not written again', async () => {
    const first = await install(['fish']);
    const before = await stat(first.file);
    const again = await install(['fish']);
    expect(again).toMatchObject({ written: false, file: first.file });
    const after = await stat(first.file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    // A changed file is replaced with the script.
    await writeFile(first.file, '# old\n');
    expect((await install(['fish'])).written).toBe(true);
    expect(await readFile(first.file, 'utf8')).toBe(await readFile(SCRIPTS.fish, 'utf8'));
  });

  it('human output: where it went and what to add; a warning when mcpkey is not on PATH', async () => {
    const result = await sandbox.mcpkey(['completion', 'install', 'zsh'], undefined, { PATH: '/usr/bin:/bin' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Add to ~/.zshrc:\n  fpath=(~/.zfunc $fpath)\n  autoload -Uz compinit && compinit\n');
    expect(result.stderr).toMatch(/^warning: mcpkey is not on your PATH/m);
    const json = await install(['zsh'], { PATH: '/usr/bin:/bin' });
    expect(json.warnings).toEqual([expect.stringMatching(/not on your PATH/)]);
  });

  it('an unknown shell, named or from $SHELL, is a usage error naming the choices; nothing is written', async () => {
    const named = await sandbox.mcpkey(['completion', 'install', 'tcsh']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/bash, zsh, fish/);
    const fromShell = await sandbox.mcpkey(['completion', 'install', '--json'], undefined, { SHELL: '/bin/tcsh' });
    expect(fromShell.code).toBe(2);
    expect(JSON.parse(fromShell.stderr)).toEqual({
      error: { code: 'unknown_shell', message: 'no completion for your shell (/bin/tcsh)', hint: 'name one: mcpkey completion install bash|zsh|fish', exitCode: 2 },
    });
    const unset = await sandbox.mcpkey(['completion', 'install'], undefined, { SHELL: undefined });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/\$SHELL is not set/);
    expect(await exists(join(sandbox.home, '.zfunc'))).toBe(false);
    expect(await exists(join(sandbox.home, '.local'))).toBe(false);
    expect(await exists(join(sandbox.home, '.config'))).toBe(false);
  });
});
