import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startPrivateKeyring, type PrivateKeyring } from '../fixtures/private-keyring.js';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/mcpkey.js');

/**
 * How long one CLI run may take before the test kills it: a command takes well under a second, but
 * on a loaded 2-core machine (load average 10) a start alone can take several, and a kill fails the test.
 */
export const PROCESS_TIMEOUT_MS = 60_000;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Bytes for stdin (a Buffer for bytes that are not UTF-8). */
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/** The tests need a real Secret Service; scripts/test.sh provides one. Fail loudly rather than skip. */
export function requireSecretService(): void {
  if (!process.env.MCPKEY_TEST_SECRET_SERVICE || !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('no test Secret Service: run the tests with `npm test` (scripts/test.sh starts D-Bus and gnome-keyring)');
  }
}

export function runProcess(command: string, args: string[], options: RunOptions & { env: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? PROCESS_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    // A child that exits without reading its stdin must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** One isolated user: own HOME, own MCPKEY_HOME, own keychain service name, own working directory. */
export class Sandbox {
  readonly service = `mcpkey-test-${randomBytes(6).toString('hex')}`;
  /** Every stdout and stderr the CLI produced, for leak checks. */
  readonly transcript: Array<{ args: string[]; stdout: string; stderr: string }> = [];

  private constructor(readonly dir: string) {}

  static async create(): Promise<Sandbox> {
    const sandbox = new Sandbox(await mkdtemp(join(tmpdir(), 'mcpkey-test-')));
    await mkdir(sandbox.cwd, { recursive: true });
    await mkdir(sandbox.home, { recursive: true });
    return sandbox;
  }

  get home(): string {
    return join(this.dir, 'home');
  }

  get mcpkeyHome(): string {
    return join(this.dir, 'home', '.config', 'mcpkey');
  }

  get cwd(): string {
    return join(this.dir, 'work');
  }

  baseEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    // Only what a user's shell would have; none of the developer's own mcpkey settings or server keys.
    for (const key of ['PATH', 'DBUS_SESSION_BUS_ADDRESS', 'LANG', 'TERM', 'SYSTEMROOT']) {
      if (process.env[key] !== undefined) env[key] = process.env[key];
    }
    env.HOME = this.home;
    env.XDG_CONFIG_HOME = join(this.home, '.config');
    env.MCPKEY_KEYCHAIN_SERVICE = this.service;
    return env;
  }

  async run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    const env = { ...this.baseEnv(), ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const result = await runProcess(process.execPath, [BIN, ...args], { ...options, cwd: options.cwd ?? this.cwd, env });
    this.transcript.push({ args, stdout: result.stdout, stderr: result.stderr });
    return result;
  }

  /** What the Secret Service holds for this sandbox, read with libsecret's own tool. */
  async keychainValue(account: string): Promise<string | undefined> {
    const result = await runProcess('secret-tool', ['lookup', 'service', this.service, 'username', account], { env: process.env });
    return result.code === 0 ? result.stdout : undefined;
  }

  /** Writes straight into the Secret Service, as another program could. */
  async storeKeychainValue(account: string, value: string): Promise<void> {
    const result = await runProcess('secret-tool', ['store', '--label', `test ${account}`, 'service', this.service, 'username', account], { env: process.env, input: value });
    if (result.code !== 0) throw new Error(`secret-tool store failed: ${result.stderr}`);
  }

  async cleanup(): Promise<void> {
    await runProcess('secret-tool', ['clear', 'service', this.service], { env: process.env }).catch(() => undefined);
    // A browser driver may still be appending to its log for a moment.
    await rm(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

/** Every file under a directory with its contents, for "nothing was written" and leak assertions. */
export async function filesUnder(dir: string): Promise<Array<{ path: string; content: string; mode: number }>> {
  const found: Array<{ path: string; content: string; mode: number }> = [];
  async function walk(current: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(current);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(current, name);
      const info = await stat(path);
      if (info.isDirectory()) await walk(path);
      else found.push({ path, content: await readFile(path, 'utf8'), mode: info.mode & 0o777 });
    }
  }
  await walk(dir);
  return found;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`), answering each prompt when its
 * text appears. This is how a person at a terminal meets the hidden prompts.
 */
export async function runInTerminal(
  sandbox: Sandbox,
  args: string[],
  answers: Array<{ prompt: string | RegExp; answer: string | (() => Promise<string>) }>,
  options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...sandbox.baseEnv(), TERM: 'xterm', ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: sandbox.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    let stdout = '';
    let stderr = '';
    let next = 0;
    let scanned = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? PROCESS_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const pending = answers[next];
      if (!pending) return;
      const seen = stdout.slice(scanned);
      if (typeof pending.prompt === 'string' ? seen.includes(pending.prompt) : pending.prompt.test(seen)) {
        scanned = stdout.length;
        next += 1;
        const answer = pending.answer;
        void (typeof answer === 'string' ? Promise.resolve(answer) : answer()).then((text) => child.stdin.write(`${text}\r`));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      sandbox.transcript.push({ args, stdout, stderr });
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * A fresh Sandbox for each test of the file, created before and cleaned up after it. The returned
 * object always stands for the current test's sandbox.
 */
export function useSandbox(): Sandbox {
  let current: Sandbox | undefined;
  beforeEach(async () => {
    current = await Sandbox.create();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return new Proxy({} as Sandbox, {
    get(_target, property) {
      if (!current) throw new Error('the sandbox exists only while a test runs');
      const value = Reflect.get(current, property, current) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/** Exactly one error line from mcpkey on stderr, matching `pattern`, with this exit code: no stack, no "bug" report. */
export function expectOneLine(result: { code: number | null; stderr: string }, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trim().split('\n').filter((line) => line.startsWith('mcpkey: '));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toMatch(/this is a bug/);
}

/**
 * A gnome-keyring of the file's own, made the session bus of this process (and every child) for all its
 * tests: what a file does to it (many clients at once, a client stalled behind a proxy) cannot leave the
 * suite's shared keyring in a state other files see (it once lost its default collection mid-suite).
 * `get()` is the running keyring, from beforeAll on.
 */
export function useOwnKeyring(name: string): { get(): PrivateKeyring } {
  let dir: string | undefined;
  let keyring: PrivateKeyring | undefined;
  let restoreBus: (() => void) | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `mcpkey-${name}-keyring-`));
    keyring = await startPrivateKeyring(dir);
    restoreBus = keyring.becomeSessionBus();
  });
  afterAll(async () => {
    restoreBus?.();
    await keyring?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get: () => {
      if (!keyring) throw new Error('the keyring starts in beforeAll');
      return keyring;
    },
  };
}

/** A PATH folder with an `npx` (that fails if run) and neither `uvx` nor `mcpkey`: `fetch` lacks its launcher there. */
export async function pathWithoutUvx(sandbox: Sandbox): Promise<string> {
  const bin = join(sandbox.dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'npx'), '#!/bin/sh\nexit 1\n');
  await chmod(join(bin, 'npx'), 0o755);
  return bin;
}
