import { LEGACY_REVISION, MODERN_REVISION } from '../protocol/revisions.js';
import { ok, type Check } from './types.js';

/** The cached verdict for a remote server (protocol-cache.json), if there is a current one. */
export interface VerdictFact {
  kind: 'modern' | 'legacy';
  seenAt: string;
}

/** Which protocol revision a remote server spoke when mcpkey last connected. Read from the cache only: doctor stays offline. */
export function checkProtocol(server: string, verdict: VerdictFact | undefined): Check {
  const id = `protocol:${server}`;
  if (!verdict) return ok(id, `${server}: protocol revision not known yet (found out on the next connection, e.g. mcpkey tools list ${server})`);
  const seen = verdict.seenAt.slice(0, 10);
  if (verdict.kind === 'modern') return ok(id, `${server} speaks ${MODERN_REVISION} (seen ${seen})`);
  return ok(id, `${server} speaks ${LEGACY_REVISION} or older, with initialize (seen ${seen})`);
}
