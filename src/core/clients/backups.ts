import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Backups of an MCP client's file before mcpkey rewrites it. `<file>.bak` is the file as it was the
 * first time (kept for good); later versions go to `<file>.<UTC timestamp>.bak`, of which only the
 * most recent few are kept, so repeated writes do not pile up copies (each may hold tokens).
 */

/** Timestamped backups kept besides `<file>.bak`: at most three backups in all. */
export const KEPT_TIMESTAMPED = 2;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Timestamped backups of mcpkey's naming for `file`, newest first (by time, then by the counter within a second). */
async function timestamped(file: string): Promise<Array<{ name: string; stamp: string; n: number }>> {
  const pattern = new RegExp(`^${escapeRegExp(basename(file))}\\.(\\d{8}T\\d{6}Z)(?:-(\\d+))?\\.bak$`);
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter((item): item is { name: string; match: RegExpExecArray } => item.match !== null)
    .map(({ name, match }) => ({ name, stamp: match[1]!, n: Number(match[2] ?? 1) }))
    .sort((a, b) => (a.stamp === b.stamp ? b.n - a.n : a.stamp < b.stamp ? 1 : -1)); // fixed-width digits: no collator needed
}

/**
 * Copies the original bytes to `<file>.bak`, or else to a new timestamped name that sorts after every
 * backup of the same second (never one freed by pruning); never overwrites one. Undefined when no name is free.
 */
export async function backUp(file: string, bytes: Buffer, mode: number, now: () => Date): Promise<string | undefined> {
  const at = stamp(now());
  const same = (await timestamped(file)).filter((backup) => backup.stamp === at);
  const next = same.length === 0 ? 1 : Math.max(...same.map((backup) => backup.n)) + 1;
  const candidates = [`${file}.bak`];
  for (let n = next; n <= next + 100; n += 1) candidates.push(n === 1 ? `${file}.${at}.bak` : `${file}.${at}-${n}.bak`);
  for (const candidate of candidates) {
    try {
      await writeFile(candidate, bytes, { flag: 'wx', mode });
      await chmod(candidate, mode);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw Object.assign(error as Error, { path: candidate });
    }
  }
  return undefined;
}

/** Removes timestamped backups of mcpkey's naming beyond the most recent `keep`; returns what was removed. */
export async function pruneBackups(file: string, keep = KEPT_TIMESTAMPED): Promise<string[]> {
  const removed: string[] = [];
  for (const { name } of (await timestamped(file)).slice(keep)) {
    const path = join(dirname(file), name);
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
