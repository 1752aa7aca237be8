import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/core/errors.js';
import { withLock } from '../../src/core/lock.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let moduleUrl: string;
let moduleDir: string;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The built lock, in a private copy: other sessions may rebuild dist/ meanwhile.
  const built = join(repo, 'dist', 'core');
  const deadline = Date.now() + 30_000;
  while (!(existsSync(join(built, 'lock.js')) && existsSync(join(built, 'lock-owner.js')))) {
    if (Date.now() > deadline) throw new Error('dist/core/lock.js is missing: run `npm run build` first');
    await new Promise((r) => setTimeout(r, 250));
  }
  moduleDir = await mkdtemp(join(tmpdir(), 'mcpkey-lock-dist-'));
  await cp(built, join(moduleDir, 'core'), { recursive: true });
  // The modules in the core (scripts/bundle.mjs) are shims of bundle/core.cjs.
  await cp(join(repo, 'dist', 'bundle'), join(moduleDir, 'bundle'), { recursive: true });
  await writeFile(join(moduleDir, 'package.json'), '{"type":"module"}\n');
  moduleUrl = pathToFileURL(join(moduleDir, 'core', 'lock.js')).href;
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(moduleDir, { recursive: true, force: true });
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process that takes and releases the lock on `file` as fast as it can, `rounds` times (0: until killed). */
function contender(file: string, rounds: number): ChildProcess {
  const script = `
    import { withLock } from ${JSON.stringify(moduleUrl)};
    for (let i = 0; ${rounds} === 0 || i < ${rounds}; i += 1) await withLock(process.env.LOCK_FILE, async () => {}, { timeoutMs: 240000 });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, LOCK_FILE: file }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));

function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  return result.pid;
}

describe('withLock: a lock never exists without its owner', () => {
  it('watched while 4 processes take it 25 times each: whenever it exists, it names its owner', async () => {
    const file = join(dir, 'state');
    const lockDir = `${file}.lock`;
    // Sized for a loaded 2-core CI machine: enough handovers to catch an ownerless moment, not a stress run.
    const racers = Array.from({ length: 4 }, () => contender(file, 25));
    let seen = 0;
    let ownerless = 0;
    let running = true;
    const done = Promise.all(racers.map(exited)).then((codes) => {
      running = false;
      return codes;
    });
    while (running) {
      const names = await readdir(lockDir).catch(() => undefined);
      if (names !== undefined) {
        seen += 1;
        if (!names.includes('owner')) ownerless += 1;
      }
      // Look often, but leave the contenders most of the machine.
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await done).toEqual(Array(4).fill(0));
    expect(seen).toBeGreaterThan(20);
    expect(ownerless).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  }, 300_000);

  it('processes killed at random moments while contending never leave a lock that blocks the next one', async () => {
    for (let round = 0; round < 6; round += 1) {
      const file = join(dir, `round${round}`, 'state');
      await mkdir(dirname(file));
      const racers = Array.from({ length: 6 }, () => contender(file, 0));
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
      for (const racer of racers) racer.kill('SIGKILL');
      await Promise.all(racers.map(exited));
      const started = Date.now();
      // Far below the 30 s after which an ownerless lock would be taken over.
      await expect(withLock(file, async () => 'next', { timeoutMs: 5_000 }), `round ${round}`).resolves.toBe('next');
      expect(Date.now() - started).toBeLessThan(5_000);
      // Scratch directories of the killed processes are swept by the next owner.
      expect(await readdir(dirname(file))).toEqual([]);
    }
  }, 120_000);
});

describe('withLock: a live owner is waited for, never removed', () => {
  it('the timeout names the live owner and does not advise removing its lock', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(child);
    const file = join(dir, 'state');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner'), String(child.pid));
    const error = (await withLock(file, async () => 'never', { timeoutMs: 300 }).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.code).toBe('lock_timeout');
    expect(error.message).toContain(`held by process ${child.pid}, still running`);
    expect(error.hint).not.toMatch(/\b(remove|delete|rm)\b.*\.lock/i);
    expect(error.hint).toMatch(/wait for it/);
    expect(await readFile(join(`${file}.lock`, 'owner'), 'utf8')).toBe(String(child.pid));
    child.kill();
  });

  it.runIf(process.platform === 'linux')('a lock whose process id now belongs to another process (started later) is taken over at once', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(child);
    const file = join(dir, 'state');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner'), String(child.pid));
    // The owner that wrote this record started at another time than the process that has its id now.
    await writeFile(join(`${file}.lock`, 'owner.json'), JSON.stringify({ pid: child.pid, started: '1' }));
    const started = Date.now();
    await expect(withLock(file, async () => 'taken', { timeoutMs: 3_000 })).resolves.toBe('taken');
    expect(Date.now() - started).toBeLessThan(3_000);
    child.kill();
  });

  it('scratch directories left by a dead process are swept; a live one’s are left alone', async () => {
    const file = join(dir, 'state');
    const dead = `${file}.lock.${deadPid()}.0badcafe.tmp`;
    const live = `${file}.lock.${process.pid}.0000beef.tmp`;
    await mkdir(dead);
    await mkdir(live);
    await withLock(file, async () => undefined);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
