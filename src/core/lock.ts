import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, ExitCode } from './errors.js';

export interface LockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock older than this whose owner is gone is taken over. */
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

/** A lock left by a crashed process must not block everyone forever. */
async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  const pid = await ownerOf(lockDir);
  if (pid !== undefined && pid !== process.pid && !processAlive(pid)) return true;
  try {
    const info = await stat(lockDir);
    return Date.now() - info.mtimeMs > staleMs;
  } catch {
    return false;
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
      if (await isStale(lockDir, staleMs)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
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
