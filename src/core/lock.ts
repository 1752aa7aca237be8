import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError, ExitCode } from './errors.js';
import { isMe, me, ownerAlive, readOwner, writeOwner, type Owner } from './lock-owner.js';

export interface LockOptions {
  /** Give up after waiting this long for a lock whose owner is still running. */
  timeoutMs?: number;
  /** A lock without a readable owner (left by an older mcpkey) older than this is taken over. Its owner's death is noticed at once. */
  staleMs?: number;
}

/** A unique name beside the lock, for a lock being prepared or being removed; swept when its process is gone. */
// node:crypto is loaded with the first lock: commands that only read never load it.
const scratch = async (path: string) => `${path}.${process.pid}.${(await import('node:crypto')).randomBytes(4).toString('hex')}.tmp`;

/**
 * A lock is a directory holding its owner's record. It is prepared under a scratch name and renamed
 * into place: rename is atomic, and fails when a lock (never empty) is already there, so a lock without
 * its owner never exists, whenever a process dies.
 */
async function place(path: string): Promise<boolean> {
  const staging = await scratch(path);
  await mkdir(staging, { mode: 0o700 });
  try {
    await writeOwner(staging);
    await rename(staging, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'ENOTDIR' || code === 'EISDIR') return false;
    // Windows refuses to rename a directory onto another one with EPERM.
    if (code === 'EPERM' && (await stat(path).then(() => true, () => false))) return false;
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Takes a lock away in one step (renamed out of place, then deleted), so it never lingers without its
 * owner. `expected`: remove it only if that is still its owner; a lock taken meanwhile is put back.
 */
async function remove(path: string, expected?: Owner): Promise<void> {
  const trash = await scratch(path);
  try {
    await rename(path, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (expected) {
    const owner = await readOwner(trash);
    if (owner && (owner.pid !== expected.pid || owner.started !== expected.started)) {
      await rename(trash, path).catch(() => undefined);
    }
  }
  await rm(trash, { recursive: true, force: true });
}

/** A lock just taken is never judged by its age alone: an older mcpkey may not have written its owner yet. */
const GRACE_MS = 1_000;

type Holder = { kind: 'owner'; owner: Owner; alive: boolean } | { kind: 'unknown'; ageMs: number } | { kind: 'gone' };

async function holderOf(path: string): Promise<Holder> {
  const owner = await readOwner(path);
  if (owner) return { kind: 'owner', owner, alive: isMe(owner) || (await ownerAlive(owner)) };
  try {
    return { kind: 'unknown', ageMs: Date.now() - (await stat(path)).mtimeMs };
  } catch {
    return { kind: 'gone' };
  }
}

const isStale = (holder: Holder, staleMs: number) =>
  (holder.kind === 'owner' && !holder.alive) || (holder.kind === 'unknown' && holder.ageMs > Math.max(staleMs, GRACE_MS));

/**
 * Removes a stale lock. Many waiters may find the same stale lock at once; only the holder of the
 * takeover guard (itself a lock, placed the same way) may remove it, after checking again that it is
 * still stale, so a waiter never removes a lock another has just taken. A guard whose owner died is
 * removed by the next waiter.
 */
async function takeOver(path: string, staleMs: number): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await place(guard))) {
    const holder = await holderOf(guard);
    if (isStale(holder, 5_000)) await remove(guard, holder.kind === 'owner' ? holder.owner : undefined);
    return;
  }
  try {
    const holder = await holderOf(path);
    if (isStale(holder, staleMs)) await remove(path, holder.kind === 'owner' ? holder.owner : undefined);
  } finally {
    await remove(guard, await me());
  }
}

/** Scratch directories of processes that died before renaming them into place or deleting them, and a dead takeover guard. */
async function sweep(path: string): Promise<void> {
  const guard = `${path}.takeover`;
  const holder = await holderOf(guard);
  if (holder.kind === 'owner' && !holder.alive) await remove(guard, holder.owner);
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    const match = name.startsWith(prefix) && /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
    if (match && !(await ownerAlive({ pid: Number(match[1]) }))) await rm(join(dirname(path), name), { recursive: true, force: true });
  }
}

function timedOut(lockDir: string, holder: Holder, waitedMs: number, staleMs: number): CliError {
  const waited = `${Math.round(waitedMs / 1000)} s`;
  if (holder.kind === 'owner') {
    return new CliError(`timed out after ${waited} waiting for the lock ${lockDir} (held by process ${holder.owner.pid}, still running)`, {
      code: 'lock_timeout',
      exitCode: ExitCode.config,
      // Never advise removing it: the owner is alive, and two owners would undo each other's work.
      hint: `process ${holder.owner.pid} is still working: wait for it and try again, or stop that process; mcpkey takes ${lockDir} over by itself once its owner has exited`,
    });
  }
  return new CliError(`timed out after ${waited} waiting for the lock ${lockDir} (no owner recorded)`, {
    code: 'lock_timeout',
    exitCode: ExitCode.config,
    hint: `mcpkey takes ${lockDir} over by itself once it is ${Math.round(staleMs / 1000)} s old: try again then`,
  });
}

/**
 * Cross-process mutual exclusion around `fn`. Waits while the owner is alive (up to `timeoutMs`), takes
 * over at once a lock whose owner has died, and releases the lock however `fn` ends.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockDir = `${path}.lock`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 30_000;
  const started = Date.now();
  let delay = 5;
  while (!(await place(lockDir))) {
    const holder = await holderOf(lockDir);
    if (isStale(holder, staleMs)) {
      await takeOver(lockDir, staleMs);
      continue;
    }
    if (Date.now() - started > timeoutMs) throw timedOut(lockDir, holder, Date.now() - started, staleMs);
    await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay));
    // Quick at first (config writes take milliseconds), then gentler for a long holder (an OAuth refresh).
    delay = Math.min(delay * 2, Date.now() - started < 2_000 ? 100 : 250);
  }
  try {
    await sweep(lockDir);
    return await fn();
  } finally {
    await remove(lockDir, await me());
  }
}
