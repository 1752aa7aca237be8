import { fail, ok, warn, type Check } from './types.js';

/** What the stored grant says (never its tokens). mcpkey does not record failed refreshes, so they are not here. */
export interface GrantFact {
  server: string;
  /** ISO 8601; absent when the server gave no lifetime. */
  expiresAt?: string;
  refreshable: boolean;
}

const DAY_MS = 24 * 3600_000;

function inHours(ms: number): string {
  const hours = Math.floor(ms / 3600_000);
  return hours >= 1 ? `${hours} h` : `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/** A grant that has ended or ends within a day with nothing to renew it. Undefined without a grant (readiness says so). */
export function checkGrant(grant: GrantFact | undefined, now: number): Check | undefined {
  if (!grant) return undefined;
  const id = `oauth:${grant.server}`;
  const expires = grant.expiresAt === undefined ? undefined : Date.parse(grant.expiresAt);
  if (expires === undefined || Number.isNaN(expires)) return ok(id, `${grant.server} is authorized (no expiry given)`);
  const left = expires - now;
  const reauthorize = `mcpkey oauth authorize ${grant.server}`;
  if (grant.refreshable) return ok(id, left > 0 ? `${grant.server} is authorized; renewed automatically` : `${grant.server}'s access token expired; it is renewed on next use`);
  if (left <= 0) return fail(id, `${grant.server}'s authorization expired at ${grant.expiresAt} and cannot be renewed (no refresh token)`, reauthorize);
  if (left <= DAY_MS) return warn(id, `${grant.server}'s authorization expires in ${inHours(left)} (${grant.expiresAt}) and cannot be renewed (no refresh token)`, `authorize again before then: ${reauthorize}`);
  return ok(id, `${grant.server} is authorized until ${grant.expiresAt}`);
}
