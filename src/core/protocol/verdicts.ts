import { join } from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { readBoundedFile } from '../files.js';

/**
 * What a server spoke last time, so the next command skips the probe. A modern verdict keeps the
 * server's `server/discover` answer (the SDK adopts it with zero round trips); a legacy verdict is
 * dated, because an upgraded server still answers `initialize` and would otherwise never be re-probed.
 */
export type Verdict = { kind: 'modern'; discover: Record<string, unknown>; seenAt: string } | { kind: 'legacy'; seenAt: string };

/** Legacy verdicts are re-probed after a day, modern ones after a week (a stale one fails loudly and is dropped). */
const MAX_AGE_MS = { legacy: 24 * 3600_000, modern: 7 * 24 * 3600_000 } as const;
const MAX_ENTRIES = 500;

export interface VerdictStore {
  get(key: string): Promise<Verdict | undefined>;
  set(key: string, verdict: Verdict | undefined): Promise<void>;
}

type VerdictFile = { version: 1; servers: Record<string, Verdict> };

async function readVerdicts(file: string): Promise<VerdictFile> {
  try {
    // At most 10 MiB of a regular file; anything else is as good as no cache.
    const data = JSON.parse((await readBoundedFile(file)).toString('utf8')) as VerdictFile;
    if (data?.version === 1 && typeof data.servers === 'object' && data.servers !== null) return data;
  } catch {
    // Missing or unreadable: it is only a cache, start afresh.
  }
  return { version: 1, servers: {} };
}

/** A cache file in mcpkey's state directory. Losing a concurrent write costs one probe, never correctness. */
export function fileVerdictStore(stateDir: string, now: () => number = Date.now): VerdictStore {
  const file = join(stateDir, 'protocol-cache.json');
  return {
    async get(key) {
      const verdict = (await readVerdicts(file)).servers[key];
      if (!verdict || (verdict.kind !== 'modern' && verdict.kind !== 'legacy')) return undefined;
      const age = now() - Date.parse(verdict.seenAt);
      return Number.isFinite(age) && age >= 0 && age < MAX_AGE_MS[verdict.kind] ? verdict : undefined;
    },
    async set(key, verdict) {
      const data = await readVerdicts(file);
      const previous = data.servers[key];
      if (verdict === undefined) {
        if (!previous) return;
        delete data.servers[key];
      } else {
        // Re-writing the same verdict on every command would only add disk writes.
        if (previous && previous.kind === verdict.kind && now() - Date.parse(previous.seenAt) < 3600_000 && JSON.stringify({ ...previous, seenAt: 0 }) === JSON.stringify({ ...verdict, seenAt: 0 })) return;
        data.servers[key] = verdict;
        const keys = Object.keys(data.servers);
        for (const stale of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete data.servers[stale];
      }
      await writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`);
    },
  };
}

/** For tests and for `--protocol` forced runs: remembers nothing. */
export const noVerdicts: VerdictStore = { get: async () => undefined, set: async () => undefined };
