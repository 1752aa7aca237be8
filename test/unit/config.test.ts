import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../src/core/catalog/types.js';
import { configFile, configHome } from '../../src/core/config/paths.js';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { emptyConfig, loadConfig, parseConfig, updateConfig } from '../../src/core/config/store.js';
import { CliError, ConfigError, ExitCode } from '../../src/core/errors.js';
import { withLock } from '../../src/core/lock.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry: CatalogEntry = {
  name: 'acme',
  title: 'Acme',
  description: 'Acme server',
  transport: { type: 'stdio', command: 'npx', args: ['-y', '@acme/mcp'] },
  secrets: [{ name: 'acme.api_key', env: 'ACME_API_KEY', description: 'key' }],
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('paths', () => {
  it('MCPKEY_HOME wins; otherwise XDG_CONFIG_HOME or ~/.config on Linux', () => {
    expect(configHome({ MCPKEY_HOME: '/x/y', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/x/y');
    expect(configHome({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' }, 'linux')).toBe('/xdg/mcpkey');
    expect(configHome({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/mcpkey');
    expect(configHome({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Application Support/mcpkey');
    expect(configFile({ MCPKEY_HOME: '/x' }, 'linux')).toBe('/x/config.json');
  });
});

describe('parseConfig', () => {
  const file = '/home/u/.config/mcpkey/config.json';

  it('accepts a minimal config and fills defaults', () => {
    expect(parseConfig('{"version":1}', file)).toEqual(emptyConfig());
  });

  it('accepts enabled servers and user entries, dropping duplicate enabled names', () => {
    const parsed = parseConfig(JSON.stringify({ version: 1, enabled: ['neon', 'acme', 'neon'], servers: { acme: entry } }), file);
    expect(parsed).toEqual({ version: 1, enabled: ['neon', 'acme'], servers: { acme: entry } });
  });

  it.each([
    ['non-JSON', '{not json', /not a valid mcpkey config/],
    ['empty text', '', /not a valid mcpkey config/],
    ['a JSON array', '[]', /expected a JSON object/],
    ['JSON null', 'null', /expected a JSON object/],
    ['a JSON string', '"x"', /expected a JSON object/],
    ['no version', '{}', /"version" must be 1/],
    ['version 2', '{"version":2}', /"version" must be 1/],
    ['version "1"', '{"version":"1"}', /"version" must be 1/],
    ['enabled not a list', '{"version":1,"enabled":"neon"}', /"enabled" must be a list/],
    ['enabled with a number', '{"version":1,"enabled":["neon",3]}', /"enabled" must be a list/],
    ['servers as a list', '{"version":1,"servers":[]}', /"servers" must be an object/],
    ['servers a string', '{"version":1,"servers":"acme"}', /"servers" must be an object/],
    ['a server entry that is not an object', '{"version":1,"servers":{"acme":1}}', /servers\.acme: expected an object/],
    [
      'a server entry whose name differs from its key',
      JSON.stringify({ version: 1, servers: { acme: { ...entry, name: 'other' } } }),
      /servers\.acme: "name" must be "acme"/,
    ],
    [
      'a server entry with an invalid key',
      JSON.stringify({ version: 1, servers: { 'Bad Name': { ...entry, name: 'Bad Name' } } }),
      /invalid server name/,
    ],
    [
      'a server entry without a transport',
      JSON.stringify({ version: 1, servers: { acme: { ...entry, transport: null } } }),
      /servers\.acme: "transport" is missing/,
    ],
    [
      'a server entry with a bad secret',
      JSON.stringify({ version: 1, servers: { acme: { ...entry, secrets: [{ name: 'nodot', env: 'X' }] } } }),
      /servers\.acme: invalid secret name/,
    ],
  ])('rejects %s with a ConfigError naming the file', (_label, text, pattern) => {
    const error = configError(() => parseConfig(text, file));
    expect(error.exitCode).toBe(6);
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(pattern);
    expect(error.hint).toBeTruthy();
  });
});

describe('loadConfig', () => {
  it('a missing file is the empty config', async () => {
    await expect(loadConfig(join(dir, 'nope', 'config.json'))).resolves.toEqual(emptyConfig());
  });

  it('reads a valid file', async () => {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ version: 1, enabled: ['acme'], servers: { acme: entry } }));
    await expect(loadConfig(file)).resolves.toEqual({ version: 1, enabled: ['acme'], servers: { acme: entry } });
  });

  it('a corrupt file is a ConfigError naming the file', async () => {
    const file = join(dir, 'config.json');
    await writeFile(file, '{"version":1,');
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(6);
    expect((error as ConfigError).message).toContain(file);
  });

  it('an unreadable path (a directory) is a ConfigError, not the empty config', async () => {
    const file = join(dir, 'config.json');
    await mkdir(file);
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(file);
  });
});

describe('updateConfig', () => {
  it('creates the file (0600) and its directory (0700), and returns the mutator result', async () => {
    const home = join(dir, 'a', 'b', 'mcpkey');
    const file = join(home, 'config.json');
    const result = await updateConfig(file, (config) => {
      config.enabled.push('neon');
      config.servers.acme = entry;
      return 'done';
    });
    expect(result).toBe('done');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const written = await readFile(file, 'utf8');
    expect(written.endsWith('\n')).toBe(true);
    expect(JSON.parse(written)).toEqual({ version: 1, enabled: ['neon'], servers: { acme: entry } });
    await expect(loadConfig(file)).resolves.toEqual({ version: 1, enabled: ['neon'], servers: { acme: entry } });
  });

  it('tightens an existing file and directory to 0600 / 0700', async () => {
    const home = join(dir, 'loose');
    await mkdir(home, { mode: 0o755 });
    const file = join(home, 'config.json');
    await writeFile(file, '{"version":1}', { mode: 0o644 });
    await updateConfig(file, (config) => void config.enabled.push('memory'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
  });

  it('leaves no temp files or lock behind', async () => {
    const file = join(dir, 'config.json');
    for (let i = 0; i < 3; i += 1) await updateConfig(file, (config) => void config.enabled.push(`s${i}`));
    expect(await readdir(dir)).toEqual(['config.json']);
    expect((await loadConfig(file)).enabled).toEqual(['s0', 's1', 's2']);
  });

  it('on a corrupt file: throws, and leaves the file byte for byte unchanged', async () => {
    const file = join(dir, 'config.json');
    const corrupt = Buffer.from('{"version":1, "enabled": [oops\u0000\xff', 'latin1');
    await writeFile(file, corrupt, { mode: 0o644 });
    let called = false;
    const error = await updateConfig(file, (config) => {
      called = true;
      config.enabled.push('x');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(file);
    expect(called).toBe(false);
    expect((await readFile(file)).equals(corrupt)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('when the mutator throws: nothing is written and the lock is released', async () => {
    const file = join(dir, 'config.json');
    await updateConfig(file, (config) => void config.enabled.push('keep'));
    const before = await readFile(file, 'utf8');
    await expect(
      updateConfig(file, (config) => {
        config.enabled.push('lost');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['config.json']);
    await updateConfig(file, (config) => void config.enabled.push('next'));
    expect((await loadConfig(file)).enabled).toEqual(['keep', 'next']);
  });

  it('serialises concurrent updates within one process', async () => {
    const file = join(dir, 'config.json');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateConfig(file, async (config) => {
          await new Promise((r) => setTimeout(r, 2));
          config.enabled.push(`p${i}`);
        }),
      ),
    );
    expect((await loadConfig(file)).enabled.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file', async () => {
    const file = join(dir, 'x', 'f.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(join(dir, 'x'))).toEqual(['f.json']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe('withLock across processes', () => {
  let moduleDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const built = join(repo, 'dist', 'core');
    // Other sessions may be rebuilding dist (rm -rf, then tsc): wait for it, then take a private copy.
    const deadline = Date.now() + 30_000;
    while (!(existsSync(join(built, 'config', 'store.js')) && existsSync(join(built, 'lock.js')) && existsSync(join(built, 'catalog', 'validate.js')))) {
      if (Date.now() > deadline) throw new Error('dist/core/config/store.js is missing: run `npm run build` first');
      await new Promise((r) => setTimeout(r, 250));
    }
    moduleDir = await mkdtemp(join(tmpdir(), 'mcpkey-dist-'));
    await cp(built, join(moduleDir, 'core'), { recursive: true });
    // The modules in the core (scripts/bundle.mjs) are shims of bundle/core.cjs.
    await cp(join(repo, 'dist', 'bundle'), join(moduleDir, 'bundle'), { recursive: true });
    await writeFile(join(moduleDir, 'package.json'), '{"type":"module"}\n');
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    if (moduleDir) await rm(moduleDir, { recursive: true, force: true });
  });

  function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    });
  }

  it('20 processes updating at once: no update is lost', async () => {
    const file = join(dir, 'home', 'config.json');
    const storeUrl = pathToFileURL(join(moduleDir, 'core', 'config', 'store.js')).href;
    const script = `
      import { updateConfig } from ${JSON.stringify(storeUrl)};
      await updateConfig(process.env.CONFIG_FILE, async (config) => {
        // Widen the read-modify-write window: without the lock, updates would be lost.
        await new Promise((r) => setTimeout(r, 10));
        config.enabled.push(process.env.SERVER_NAME);
      });
      console.log('ok');
    `;
    const names = Array.from({ length: 20 }, (_, i) => `server-${String(i).padStart(2, '0')}`);
    const results = await Promise.all(names.map((name) => run(script, { CONFIG_FILE: file, SERVER_NAME: name })));
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe('ok');
    }
    const config = await loadConfig(file);
    expect([...config.enabled].sort()).toEqual(names);
    expect(config.enabled).toHaveLength(20);
    expect(await readdir(join(dir, 'home'))).toEqual(['config.json']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('20 processes racing to take over a stale lock: no update is lost', async () => {
    // Every waiter sees the dead owner; taking the lock over must still let only one in at a time.
    // A correct lock always passes; a racy takeover loses updates in most rounds.
    const storeUrl = pathToFileURL(join(moduleDir, 'core', 'config', 'store.js')).href;
    const script = `
      import { updateConfig } from ${JSON.stringify(storeUrl)};
      await updateConfig(process.env.CONFIG_FILE, async (config) => {
        await new Promise((r) => setTimeout(r, 10));
        config.enabled.push(process.env.SERVER_NAME);
      });
    `;
    const names = Array.from({ length: 20 }, (_, i) => `server-${String(i).padStart(2, '0')}`);
    const dead = deadPid();
    for (let round = 0; round < 4; round += 1) {
      const file = join(dir, `round${round}`, 'config.json');
      await mkdir(`${file}.lock`, { recursive: true });
      await writeFile(join(`${file}.lock`, 'owner'), String(dead));
      const results = await Promise.all(names.map((name) => run(script, { CONFIG_FILE: file, SERVER_NAME: name })));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      expect([...(await loadConfig(file)).enabled].sort(), `round ${round}`).toEqual(names);
      expect(await readdir(join(dir, `round${round}`))).toEqual(['config.json']);
    }
    // 80 node processes on a loaded 2-core machine: the default 30 s is not enough there.
  }, 240_000);

  function deadPid(): number {
    const result = spawnSync(process.execPath, ['-e', '']);
    expect(result.status).toBe(0);
    expect(result.pid).toBeGreaterThan(0);
    return result.pid;
  }

  function liveChild(): ChildProcess {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    children.push(child);
    expect(child.pid).toBeGreaterThan(0);
    return child;
  }

  it('takes over a lock left by a dead process', async () => {
    const file = join(dir, 'config.json');
    const lockDir = `${file}.lock`;
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'owner'), String(deadPid()));
    let ran = false;
    const result = await withLock(
      file,
      async () => {
        ran = true;
        expect(await readFile(join(lockDir, 'owner'), 'utf8')).toBe(String(process.pid));
        return 42;
      },
      { timeoutMs: 3_000 },
    );
    expect(result).toBe(42);
    expect(ran).toBe(true);
    expect(existsSync(lockDir)).toBe(false);
  });

  it('updateConfig goes through a stale lock left by a dead process', async () => {
    const file = join(dir, 'config.json');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner'), String(deadPid()));
    const started = Date.now();
    await updateConfig(file, (config) => void config.enabled.push('after-crash'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await loadConfig(file)).enabled).toEqual(['after-crash']);
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('takes over an old lock with no owner file', async () => {
    const file = join(dir, 'config.json');
    const lockDir = `${file}.lock`;
    await mkdir(lockDir);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockDir, hourAgo, hourAgo);
    await expect(withLock(file, async () => 'ok', { timeoutMs: 3_000, staleMs: 60_000 })).resolves.toBe('ok');
    expect(existsSync(lockDir)).toBe(false);
  });

  it('a lock held by a live process times out with lock_timeout and is left alone', async () => {
    const child = liveChild();
    const file = join(dir, 'config.json');
    const lockDir = `${file}.lock`;
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'owner'), String(child.pid));
    let ran = false;
    const started = Date.now();
    const error = await withLock(
      file,
      async () => {
        ran = true;
      },
      { timeoutMs: 200 },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('lock_timeout');
    expect((error as CliError).exitCode).toBe(ExitCode.config);
    expect((error as CliError).message).toContain(`held by process ${child.pid}`);
    expect((error as CliError).hint).toContain(lockDir);
    // The waiter must not remove a lock it does not own.
    expect(await readFile(join(lockDir, 'owner'), 'utf8')).toBe(String(child.pid));
    child.kill();
  });

  it('does not take over an old lock whose owner is still alive (LockOptions.staleMs: "whose owner is gone")', async () => {
    const child = liveChild();
    const file = join(dir, 'config.json');
    const lockDir = `${file}.lock`;
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'owner'), String(child.pid));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockDir, hourAgo, hourAgo);
    let ran = false;
    const error = await withLock(
      file,
      async () => {
        ran = true;
      },
      { timeoutMs: 300, staleMs: 1_000 },
    ).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect((error as CliError | undefined)?.code).toBe('lock_timeout');
    expect(await readFile(join(lockDir, 'owner'), 'utf8').catch(() => 'gone')).toBe(String(child.pid));
    child.kill();
  });

  it('the lock is released when the function throws', async () => {
    const file = join(dir, 'config.json');
    await expect(
      withLock(file, async () => {
        throw new Error('inner');
      }),
    ).rejects.toThrow('inner');
    expect(existsSync(`${file}.lock`)).toBe(false);
    await expect(withLock(file, async () => 'again', { timeoutMs: 500 })).resolves.toBe('again');
  });
});
