import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, ExitCode } from './errors.js';

export interface LockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock without a readable owner older than this is taken over (one whose owner died is taken over at once). */
  staleMs?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(lockDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(join(lockDir, 'owner'), 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A lock just taken is never judged stale: its owner may not have written its pid yet, or may have just released it. */
const GRACE_MS = 1_000;

/**
 * A lock left by a crashed process must not block everyone forever: it is stale when its owner is
 * gone, or, when no owner can be read, when it is older than `staleMs`. A live owner keeps its lock.
 */
async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(lockDir)).mtimeMs;
  } catch {
    return false; // already gone: just try again
  }
  if (age < GRACE_MS) return false;
  const pid = await ownerOf(lockDir);
  if (pid !== undefined) return pid !== process.pid && !processAlive(pid);
  return age > staleMs;
}

/**
 * Removes a stale lock. Many waiters may find the same stale lock at once; only the one holding the
 * takeover guard may remove it, and only after checking again that it is still the stale one, so a
 * waiter can never remove a lock that another waiter has just taken.
 */
async function takeOver(lockDir: string, staleMs: number): Promise<boolean> {
  const guard = `${lockDir}.takeover`;
  try {
    await mkdir(guard, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A guard is held for microseconds; an old one belongs to a process that died while holding it.
    const info = await stat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 5_000) await rm(guard, { recursive: true, force: true });
    return false;
  }
  try {
    if (!(await isStale(lockDir, staleMs))) return false;
    await rm(lockDir, { recursive: true, force: true });
    return true;
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

/**
 * Cross-process mutual exclusion: `mkdir` is atomic on every platform and file system we run on,
 * so the process that creates the directory owns the lock.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockDir = `${path}.lock`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      await mkdir(lockDir, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((await isStale(lockDir, staleMs)) && (await takeOver(lockDir, staleMs))) continue;
      if (Date.now() > deadline) {
        const pid = await ownerOf(lockDir);
        throw new CliError(`timed out waiting for the lock ${lockDir}${pid ? ` (held by process ${pid})` : ''}`, {
          code: 'lock_timeout',
          exitCode: ExitCode.config,
          hint: `if no other mcpkey is running, remove ${lockDir} and try again`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    await writeFile(join(lockDir, 'owner'), String(process.pid), { mode: 0o600 });
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
