/**
 * "Did you mean …?" for names people mistype: servers, secrets, commands. Pure functions; the
 * callers decide what to say and which command to offer.
 */
import { usesOAuth } from './auth/classify.js';
import type { ResolvedEntry } from './catalog/types.js';
import { UsageError } from './errors.js';
import { parseSecretName, tryParseSecretName, type SecretName } from './names.js';

/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form: insertions, deletions,
 * substitutions and swaps of two neighbouring characters each cost 1 (`lsit` → `list` is one edit).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows suffice: the swap looks back two characters.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * How many edits a typo of this length may be from what was meant: none for one or two characters
 * (everything is close to `ls`), one up to four, two up to eight, three beyond.
 */
export function maxDistance(length: number): number {
  if (length <= 2) return 0;
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

/** Case and `-`/`_` are not worth an edit: `neon.API-KEY` means `neon.api_key`. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/-/g, '_');
}

/**
 * The candidates closest to `input`, best first (several only when equally close): within
 * `maxDistance` edits, or else the one candidate that `input` begins (`post` → `postgres`).
 * Never `input` itself.
 */
export function suggestions(input: string, candidates: Iterable<string>): string[] {
  const wanted = normalize(input);
  const limit = maxDistance(wanted.length);
  let best = Infinity;
  let found: string[] = [];
  const prefixed: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === input) continue;
    const normal = normalize(candidate);
    const distance = editDistance(wanted, normal);
    if (distance <= limit) {
      if (distance < best) [best, found] = [distance, [candidate]];
      else if (distance === best) found.push(candidate);
    }
    if (wanted.length >= 3 && normal.startsWith(wanted)) prefixed.push(candidate);
  }
  if (found.length > 0) return found;
  return prefixed.length === 1 ? prefixed : [];
}

/** The one closest candidate, if there is one. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  return suggestions(input, candidates)[0];
}

/** What a catalog entry says of itself that a suggestion needs. */
export interface NamedEntry {
  name: string;
  secrets: ReadonlyArray<{ name: string; env: string; optional?: boolean }>;
}

export interface SecretSuggestion {
  /** The secret meant. */
  name: string;
  /**
   * Why: `env` — the input is the variable the secret is passed in (`NEON_API_KEY`); `server` — the
   * input is a server's name (`neon`); `typo` — the input is close to the secret's name.
   */
  reason: 'env' | 'server' | 'typo';
}

/** The catalog secret a mistyped or misremembered secret name most likely means. */
export function suggestSecret(input: string, entries: readonly NamedEntry[]): SecretSuggestion | undefined {
  const secrets = entries.flatMap((entry) => entry.secrets);
  const byEnv = secrets.find((secret) => secret.env === input) ?? secrets.find((secret) => secret.env.toLowerCase() === input.toLowerCase());
  if (byEnv) return { name: byEnv.name, reason: 'env' };
  const server = entries.find((entry) => entry.name === input);
  if (server && server.secrets.length > 0) {
    // Its first required secret; the others are found from there (`server inspect`).
    const first = server.secrets.find((secret) => !secret.optional) ?? server.secrets[0]!;
    return { name: first.name, reason: 'server' };
  }
  const typo = closest(input, secrets.map((secret) => secret.name));
  return typo === undefined ? undefined : { name: typo, reason: 'typo' };
}

/**
 * A secret name that does not parse, explained when it is a catalog variable (`NEON_API_KEY`), a
 * server's name (`neon`) or close to a catalog secret: the error says so and the hint is the whole
 * command (`command` followed by the name meant). Anything else fails as `parseSecretName` fails.
 */
export function parseSecretNameFor(input: string, entries: readonly NamedEntry[], command: string): SecretName {
  const parsed = tryParseSecretName(input);
  if (parsed) return parsed;
  // What follows "=" may be a value typed in the wrong place: never matched, never echoed.
  const eq = input.indexOf('=');
  const meant = suggestSecret(eq === -1 ? input : input.slice(0, eq), entries);
  if (!meant) return parseSecretName(input);
  const hint = `did you mean \`${command} ${meant.name}\`?`;
  // Echoed only when it is a catalog name, which is known to be plain text.
  if (meant.reason === 'env' && eq === -1) {
    throw new UsageError(`${input} is the environment variable of ${meant.name}, not a secret name`, hint, 'invalid_secret_name');
  }
  if (meant.reason === 'server' && eq === -1) {
    throw new UsageError(`${input} is a server, not a secret name (<server>.<key>)`, hint, 'invalid_secret_name');
  }
  try {
    return parseSecretName(input);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, `${hint} (expected <server>.<key>)`, error.code);
    throw error;
  }
}

/** The catalog secret a valid but unread name (`neon.apikey`) most likely means. */
export function meantSecret(name: string, entries: readonly NamedEntry[]): string | undefined {
  if (isRead(name, entries)) return undefined;
  return suggestSecret(name, entries)?.name;
}

export function isRead(name: string, entries: readonly NamedEntry[]): boolean {
  return entries.some((entry) => entry.secrets.some((secret) => secret.name === name));
}

export interface UnreadSecret {
  /** What is wrong, e.g. `neon reads neon.api_key, not neon.apikey`. */
  problem: string;
  /** The secret most likely meant. */
  meant?: string;
  /** For a server that authorizes with OAuth and reads no secret: the command that authorizes it. */
  instead?: string;
}

/** Why no catalog entry reads this secret, and what was likely meant; undefined when an entry reads it. */
export function unreadSecret(name: string, entries: readonly ResolvedEntry[]): UnreadSecret | undefined {
  if (isRead(name, entries)) return undefined;
  const { server } = parseSecretName(name);
  const owner = entries.find((entry) => entry.name === server);
  if (owner) {
    const names = owner.secrets.map((secret) => secret.name);
    if (names.length === 0) {
      if (usesOAuth(owner)) return { problem: `${server} reads no secrets: it authorizes with OAuth`, instead: `mcpkey oauth authorize ${server}` };
      return { problem: `${server} reads no secrets` };
    }
    // With one secret, that one; with several, the closest (or none: the list says it all).
    const meant = names.length === 1 ? names[0] : closest(name, names);
    return { problem: `${server} reads ${names.join(', ')}, not ${name}`, ...(meant ? { meant } : {}) };
  }
  const meant = suggestSecret(name, entries)?.name ?? secretOfClosestServer(server, entries);
  return { problem: `no catalog entry reads ${name} (there is no server "${server}")`, ...(meant ? { meant } : {}) };
}

/** `nean.token` → the first secret of `neon`, when `nean` is close to one server's name. */
function secretOfClosestServer(server: string, entries: readonly ResolvedEntry[]): string | undefined {
  const near = closest(server, entries.map((entry) => entry.name));
  const entry = entries.find((candidate) => candidate.name === near);
  return entry?.secrets.find((secret) => !secret.optional)?.name ?? entry?.secrets[0]?.name;
}
