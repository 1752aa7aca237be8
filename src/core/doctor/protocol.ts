import { LEGACY_REVISION, MODERN_REVISION } from '../protocol/revisions.js';
import { ok, warn, type Check } from './types.js';

/** The cached verdict for a remote server (protocol-cache.json), if there is a current one. */
export interface VerdictFact {
  kind: 'modern' | 'legacy';
  seenAt: string;
}

/** What connecting once (`doctor --probe`) found: the revision spoken, or why it could not connect. */
export type ProbeResult = { revision: string } | { error: string };

/**
 * Which protocol revision a remote server spoke when mcpkey last connected, from the cache (doctor
 * stays offline), or what a probe just found.
 */
export function checkProtocol(server: string, verdict: VerdictFact | undefined, probe?: ProbeResult): Check {
  const id = `protocol:${server}`;
  if (probe && 'error' in probe) return warn(id, `${server}: could not connect to learn its protocol revision (${probe.error})`, `see mcpkey tools list ${server}`);
  if (probe) return ok(id, `${server} speaks ${probe.revision} (connected now)`);
  if (!verdict) return ok(id, `${server}: protocol revision not known yet (found out on the next connection, e.g. mcpkey tools list ${server})`);
  const seen = verdict.seenAt.slice(0, 10);
  if (verdict.kind === 'modern') return ok(id, `${server} speaks ${MODERN_REVISION} (seen ${seen})`);
  return ok(id, `${server} speaks ${LEGACY_REVISION} or older, with initialize (seen ${seen})`);
}
