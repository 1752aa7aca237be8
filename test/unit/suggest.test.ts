import { describe, expect, it } from 'vitest';
import { findEntry, mergeCatalog, UnknownServerError } from '../../src/core/catalog/index.js';
import type { ResolvedEntry } from '../../src/core/catalog/types.js';
import { staleEnabled } from '../../src/core/config/store.js';
import { UsageError } from '../../src/core/errors.js';
import {
  closest,
  editDistance,
  maxDistance,
  meantSecret,
  parseSecretNameFor,
  suggestions,
  suggestSecret,
  unreadSecret,
} from '../../src/core/suggest.js';
import { thrown } from './lookups.js';

/** A small catalog of its own, so that these tests do not follow the built-in one's changes. */
function entry(name: string, secrets: Array<[string, string, boolean?]>, remote = false): ResolvedEntry {
  return {
    name,
    title: `${name[0]!.toUpperCase()}${name.slice(1)} server`,
    description: remote ? `Hosted ${name}` : `Runs the ${name} tools locally`,
    transport: remote ? { type: 'remote', url: `https://mcp.${name}.example/mcp`, transport: 'streamable-http' } : { type: 'stdio', command: 'npx', args: [name] },
    secrets: secrets.map(([secretName, env, optional]) => ({ name: secretName, env, description: secretName, ...(optional ? { optional } : {}) })),
    source: 'builtin',
  };
}

const CATALOG: ResolvedEntry[] = [
  entry('fetch', []),
  entry('github', [['github.personal_access_token', 'GITHUB_PERSONAL_ACCESS_TOKEN']]),
  entry('gitlab', [['gitlab.token', 'GITLAB_PERSONAL_ACCESS_TOKEN']]),
  entry('linear', [], true),
  entry('memory', []),
  entry('neon', [['neon.api_key', 'NEON_API_KEY']]),
  entry('postgres', [['postgres.url', 'POSTGRES_URL']]),
  entry('slack', [
    ['slack.bot_token', 'SLACK_BOT_TOKEN'],
    ['slack.team_id', 'SLACK_TEAM_ID'],
    ['slack.channel_ids', 'SLACK_CHANNEL_IDS', true],
  ]),
];

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['list', 'list', 0],
    ['fetc', 'fetch', 1], // insertion
    ['fettch', 'fetch', 1], // deletion
    ['fetsh', 'fetch', 1], // substitution
    ['lsit', 'list', 1], // adjacent swap: one edit, not two
    ['neon.apikey', 'neon.api_key', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // OSA, not unrestricted Damerau (which says 2)
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('suggestions', () => {
  const names = CATALOG.map((item) => item.name);

  it('allows more edits for longer words, none for one or two characters', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 30].map(maxDistance)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it.each([
    ['fetc', 'fetch'],
    ['fecth', 'fetch'],
    ['memroy', 'memory'],
    ['postgress', 'postgres'],
    ['NEON', 'neon'], // case is not an edit
    ['slak', 'slack'],
    ['post', 'postgres'], // the one name it begins
  ])('%j → %j', (typed, meant) => {
    expect(closest(typed, names)).toBe(meant);
  });

  it('suggests nothing for what is not close, too short, or ambiguous as a prefix', () => {
    expect(closest('zzzzzz', names)).toBeUndefined();
    expect(closest('xy', names)).toBeUndefined();
    expect(closest('git', names)).toBeUndefined(); // github and gitlab
    expect(closest('weather', names)).toBeUndefined();
  });

  it('never suggests the input itself, and lists equally close names', () => {
    expect(closest('fetch', names)).toBeUndefined();
    expect(suggestions('gitlub', names)).toEqual(['github', 'gitlab']);
  });

  it('treats - and _ alike', () => {
    expect(closest('neon.api-key', ['neon.api_key'])).toBe('neon.api_key');
  });
});

describe('suggestSecret', () => {
  it('recognises a catalog variable given as a secret name', () => {
    expect(suggestSecret('NEON_API_KEY', CATALOG)).toEqual({ name: 'neon.api_key', reason: 'env' });
    expect(suggestSecret('neon_api_key', CATALOG)).toEqual({ name: 'neon.api_key', reason: 'env' });
  });

  it("a server's name means its first required secret", () => {
    expect(suggestSecret('slack', CATALOG)).toEqual({ name: 'slack.bot_token', reason: 'server' });
    expect(suggestSecret('memory', CATALOG)).toBeUndefined();
  });

  it('a typo means the closest catalog secret', () => {
    expect(suggestSecret('neon.apikey', CATALOG)).toEqual({ name: 'neon.api_key', reason: 'typo' });
    expect(suggestSecret('nean.api_key', CATALOG)).toEqual({ name: 'neon.api_key', reason: 'typo' });
    expect(suggestSecret('slack.teamid', CATALOG)).toEqual({ name: 'slack.team_id', reason: 'typo' });
    expect(suggestSecret('acme.api_key', CATALOG)).toBeUndefined();
  });
});

describe('parseSecretNameFor', () => {
  it('parses a valid name as parseSecretName does', () => {
    expect(parseSecretNameFor('neon.api_key', CATALOG, 'mcpkey secret get')).toEqual({ name: 'neon.api_key', server: 'neon', key: 'api_key' });
    expect(parseSecretNameFor('acme.whatever', CATALOG, 'mcpkey secret get').name).toBe('acme.whatever');
  });

  it('a variable: says whose it is, and the hint is the whole command with the right name', () => {
    const error = thrown(() => parseSecretNameFor('NEON_API_KEY', CATALOG, 'mcpkey secret set')) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('NEON_API_KEY is the environment variable of neon.api_key, not a secret name');
    expect(error.hint).toBe('did you mean `mcpkey secret set neon.api_key`?');
    expect(error.code).toBe('invalid_secret_name');
    expect(error.exitCode).toBe(2);
  });

  it('a server name: points at its secret', () => {
    const error = thrown(() => parseSecretNameFor('neon', CATALOG, 'mcpkey secret get')) as UsageError;
    expect(error.message).toBe('neon is a server, not a secret name (<server>.<key>)');
    expect(error.hint).toBe('did you mean `mcpkey secret get neon.api_key`?');
  });

  it('a near miss keeps the usual message and names the secret meant', () => {
    const error = thrown(() => parseSecretNameFor('neon,api_key', CATALOG, 'mcpkey secret delete')) as UsageError;
    expect(error.message).toBe('invalid secret name "neon,api_key"');
    expect(error.hint).toBe('did you mean `mcpkey secret delete neon.api_key`? (expected <server>.<key>)');
  });

  it('what follows = is neither matched nor echoed', () => {
    const error = thrown(() => parseSecretNameFor('NEON_API_KEY=hunter2', CATALOG, 'mcpkey secret get')) as UsageError;
    expect(error.message).toBe('invalid secret name "NEON_API_KEY=…"');
    expect(`${error.message} ${error.hint}`).not.toContain('hunter2');
    const unknown = thrown(() => parseSecretNameFor('nothing like it', CATALOG, 'mcpkey secret get')) as UsageError;
    expect(unknown.hint).toMatch(/^expected <server>\.<key>/);
  });
});

describe('meantSecret and unreadSecret', () => {
  it('a name an entry reads needs no suggestion', () => {
    expect(meantSecret('neon.api_key', CATALOG)).toBeUndefined();
    expect(unreadSecret('slack.channel_ids', CATALOG)).toBeUndefined();
    expect(meantSecret('neon.apikey', CATALOG)).toBe('neon.api_key');
  });

  it('a known server: what it reads, and the closest', () => {
    expect(unreadSecret('neon.apikey', CATALOG)).toEqual({ problem: 'neon reads neon.api_key, not neon.apikey', meant: 'neon.api_key' });
    // One secret: that one, however far the key is from it.
    expect(unreadSecret('neon.password', CATALOG)).toEqual({ problem: 'neon reads neon.api_key, not neon.password', meant: 'neon.api_key' });
    expect(unreadSecret('slack.token', CATALOG)).toEqual({ problem: 'slack reads slack.bot_token, slack.team_id, slack.channel_ids, not slack.token' });
  });

  it('a server that reads nothing, and one that authorizes with OAuth', () => {
    expect(unreadSecret('memory.key', CATALOG)).toEqual({ problem: 'memory reads no secrets' });
    expect(unreadSecret('linear.token', CATALOG)).toEqual({ problem: 'linear reads no secrets: it authorizes with OAuth', instead: 'mcpkey oauth authorize linear' });
  });

  it('an unknown server: the closest secret, or the secret of the closest server', () => {
    expect(unreadSecret('nean.api_key', CATALOG)).toEqual({ problem: 'no catalog entry reads nean.api_key (there is no server "nean")', meant: 'neon.api_key' });
    expect(unreadSecret('postgrs.connection', CATALOG)).toMatchObject({ meant: 'postgres.url' });
    expect(unreadSecret('acme.api_key', CATALOG)).toEqual({ problem: 'no catalog entry reads acme.api_key (there is no server "acme")' });
  });
});

describe('findEntry', () => {
  it('an unknown name close to one: exit 3, the name meant, and what was typed (for the whole command)', () => {
    const error = thrown(() => findEntry(CATALOG, 'fetc')) as UnknownServerError;
    expect(error).toBeInstanceOf(UnknownServerError);
    expect(error).toMatchObject({ code: 'unknown_server', exitCode: 3, message: 'unknown server "fetc"', typed: 'fetc', suggestion: 'fetch' });
    expect(error.hint).toBe('did you mean `fetch`? (`mcpkey server list` shows the catalog)');
  });

  it('nothing close: the catalog and server add', () => {
    const error = thrown(() => findEntry(CATALOG, 'weather')) as UnknownServerError;
    expect(error.suggestion).toBeUndefined();
    expect(error.hint).toMatch(/mcpkey server list.*mcpkey server add/);
  });

  it('works on the built-in catalog', () => {
    expect((thrown(() => findEntry(mergeCatalog({}), 'fetc')) as UnknownServerError).suggestion).toBe('fetch');
  });
});

describe('staleEnabled', () => {
  it('names enabled but gone from the catalog, in their order', () => {
    expect(staleEnabled(['neon', 'gone', 'memory', 'old'], CATALOG)).toEqual(['gone', 'old']);
    expect(staleEnabled([], CATALOG)).toEqual([]);
  });
});
