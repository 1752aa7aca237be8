import { chmod, lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's mode (default 0600). */
  mode?: number;
  /** The directory is mcpkey's own: create it 0700 and keep it so. Off for other programs' folders. */
  privateDir?: boolean;
}

/** A temp file older than this is no write in progress: an atomic write takes milliseconds. */
const STALE_MS = 60_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** mcpkey's temp files for `file`: `<name>.<pid>.<8 hex>.tmp`, next to it. */
function tempPattern(file: string): RegExp {
  return new RegExp(`^${escapeRegExp(basename(file))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what a crash between writing and renaming left next to `file`: temp files of mcpkey's own
 * naming whose process is gone, or that are older than any write takes. They may be whole copies of
 * a client's file, tokens of other servers included. Anything else in the directory is left alone.
 */
export async function removeStaleTemps(file: string, now = Date.now()): Promise<string[]> {
  const dir = dirname(file);
  const pattern = tempPattern(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    const pid = Number(match[1]);
    const old = now - info.mtimeMs > STALE_MS;
    if (!old && pid !== process.pid && alive(pid)) continue;
    if (!old && pid === process.pid) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * Temp file + rename: a crash leaves the old file or the new one, never half of one. The temp file
 * is created 0600 in the target's own directory, whatever mode the target gets, and is removed on any
 * failure; one left by a crash is removed by the next write.
 */
export async function writeFileAtomic(file: string, contents: string, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  const privateDir = options.privateDir ?? true;
  await mkdir(dir, { recursive: true, ...(privateDir ? { mode: 0o700 } : {}) });
  if (privateDir) await chmod(dir, 0o700);
  await removeStaleTemps(file).catch(() => undefined);
  // node:crypto only here: commands that only read never load it.
  const { randomBytes } = await import('node:crypto');
  const temp = join(dir, `${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600); // whatever the umask
      await handle.writeFile(contents);
      // On disk before the rename, so that a power cut cannot leave an empty file in its place.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // Only now the target's own mode: until the rename, the copy was readable by its owner alone.
  if (mode !== 0o600) await chmod(file, mode);
}
