import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, runInTerminal, useSandbox, type RunResult } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();

/** The one line mcpkey writes for an error. */
function oneLine(result: RunResult, code: number): string {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

async function writeConfig(text: string): Promise<string> {
  await mkdir(sandbox.mcpkeyHome, { recursive: true });
  const file = join(sandbox.mcpkeyHome, 'config.json');
  await writeFile(file, text);
  return file;
}

describe('did you mean: commands and options', () => {
  it("keeps commander's suggestion, as the whole command", async () => {
    expect(oneLine(await sandbox.run(['server', 'lsit']), 2)).toBe("mcpkey: unknown command 'lsit' — did you mean `mcpkey server list`?");
    expect(oneLine(await sandbox.run(['sever', 'list']), 2)).toBe("mcpkey: unknown command 'sever' — did you mean `mcpkey server list`?");
    expect(oneLine(await sandbox.run(['server', 'list', '--jsno']), 2)).toBe(
      "mcpkey: unknown option '--jsno' — did you mean `--json`? (see `mcpkey server list --help`)",
    );
  });

  it('a verb without its noun names the commands it belongs to', async () => {
    expect(oneLine(await sandbox.run(['enable', 'neon']), 2)).toBe("mcpkey: unknown command 'enable' — did you mean `mcpkey server enable`?");
    expect(oneLine(await sandbox.run(['set', 'neon.api_key']), 2)).toBe("mcpkey: unknown command 'set' — did you mean `mcpkey secret set`?");
    expect(oneLine(await sandbox.run(['list']), 2)).toMatch(/did you mean `mcpkey server list`, `mcpkey secret list` or /);
    expect(oneLine(await sandbox.run(['xyzzy']), 2)).toBe("mcpkey: unknown command 'xyzzy' — see `mcpkey --help`");
  });

  it('commander errors have snake_case codes in --json', async () => {
    const unknown = await sandbox.run(['server', 'lsit', '--json']);
    expect(JSON.parse(unknown.stderr)).toEqual({
      error: { code: 'unknown_command', message: "unknown command 'lsit'", hint: 'did you mean `mcpkey server list`?', exitCode: 2 },
    });
    expect(JSON.parse((await sandbox.run(['server', 'list', '--json', '--enabld'])).stderr).error.code).toBe('unknown_option');
    expect(JSON.parse((await sandbox.run(['secret', 'list', '--server', '--json'])).stderr).error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(JSON.parse((await sandbox.run(['server', 'inspect', '--json'])).stderr).error.code).toBe('missing_argument');
    expect(JSON.parse((await sandbox.run(['server', 'list', 'extra', '--json'])).stderr).error.code).toBe('excess_arguments');
  });
});

describe('did you mean: server names', () => {
  it('wherever a server is looked up, with the command as it should have been typed', async () => {
    expect(oneLine(await sandbox.run(['server', 'enable', 'fetc']), 3)).toBe('mcpkey: unknown server "fetc" — did you mean `mcpkey server enable fetch`?');
    expect(oneLine(await sandbox.run(['server', 'inspect', 'memroy']), 3)).toBe('mcpkey: unknown server "memroy" — did you mean `mcpkey server inspect memory`?');
    expect(oneLine(await sandbox.run(['run', 'fetc']), 3)).toBe('mcpkey: unknown server "fetc" — did you mean `mcpkey run fetch`?');
    expect(oneLine(await sandbox.run(['server', 'disable', 'fetc']), 3)).toBe('mcpkey: unknown server "fetc" — did you mean `mcpkey server disable fetch`?');
    const json = JSON.parse((await sandbox.run(['server', 'inspect', 'fetc', '--json'])).stderr);
    expect(json).toEqual({ error: { code: 'unknown_server', message: 'unknown server "fetc"', hint: 'did you mean `mcpkey server inspect fetch`?', exitCode: 3 } });
  });

  it('nothing close: the usual hint; server remove looks among your own entries', async () => {
    expect(oneLine(await sandbox.run(['server', 'enable', 'weather-xyz']), 3)).toMatch(/mcpkey server list.*mcpkey server add/);
    expect((await sandbox.run(['server', 'add', 'acme', '--', 'true'])).code).toBe(0);
    expect(oneLine(await sandbox.run(['server', 'remove', 'acm']), 3)).toBe('mcpkey: no user server named "acm" — did you mean `mcpkey server remove acme`?');
  });
});

describe('did you mean: secret names', () => {
  it('a variable given as a secret name', async () => {
    expect(oneLine(await sandbox.run(['secret', 'get', 'NEON_API_KEY']), 2)).toBe(
      'mcpkey: NEON_API_KEY is the environment variable of neon.api_key, not a secret name — did you mean `mcpkey secret get neon.api_key`?',
    );
    const set = oneLine(await sandbox.run(['secret', 'set', 'NEON_API_KEY=napi-typed-value']), 2);
    expect(set).toMatch(/did you mean `mcpkey secret set neon\.api_key`\?/);
    expect(set).not.toContain('napi-typed-value');
    expect(await sandbox.keychainValue('neon.api_key')).toBeUndefined();
  });

  it('a typo of a catalog secret: the name meant, never the typo again', async () => {
    const get = oneLine(await sandbox.run(['secret', 'get', 'neon.apikey']), 3);
    expect(get).toBe('mcpkey: secret neon.apikey is not set — did you mean `mcpkey secret get neon.api_key`?');
    const del = oneLine(await sandbox.run(['secret', 'delete', 'neon.apikey']), 3);
    expect(del).toMatch(/did you mean `mcpkey secret delete neon\.api_key`\?/);
    expect(oneLine(await sandbox.run(['secret', 'get', 'neon']), 2)).toMatch(/neon is a server.*`mcpkey secret get neon\.api_key`/);
  });
});

describe('secret set of a name no catalog entry reads', () => {
  it('without a terminal: stored, with a warning naming the secret meant', async () => {
    const result = await sandbox.run(['secret', 'set', 'neon.apikey'], { input: 'napi-value' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: neon reads neon.api_key, not neon.apikey; stored it anyway — did you mean `mcpkey secret set neon.api_key`?\n');
    expect(await sandbox.keychainValue('neon.apikey')).toBe('napi-value');
    // A name an entry reads, and --force, are stored without a word.
    expect((await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'v' })).stderr).toBe('');
    expect((await sandbox.run(['secret', 'set', 'acme.api_key', '--force'], { input: 'v' })).stderr).toBe('');
  });

  it('on a terminal: refused with exit 2 before the value is asked for; --force stores it', async () => {
    const refused = await runInTerminal(sandbox, ['secret', 'set', 'neon.apikey'], []);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/neon reads neon\.api_key, not neon\.apikey — did you mean `mcpkey secret set neon\.api_key`\? \(--force stores neon\.apikey as it is\)/);
    expect(refused.stdout).not.toContain('Value for');
    expect(await sandbox.keychainValue('neon.apikey')).toBeUndefined();

    const unknown = await runInTerminal(sandbox, ['secret', 'set', 'acme.api_key'], []);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/no catalog entry reads acme\.api_key .*add the server first: `mcpkey server add acme --secret api_key …`/);

    const forced = await runInTerminal(sandbox, ['secret', 'set', 'neon.apikey', '--force'], [{ prompt: 'Value for neon.apikey', answer: 'typed-at-terminal' }]);
    expect(forced.code, forced.stdout).toBe(0);
    expect(await sandbox.keychainValue('neon.apikey')).toBe('typed-at-terminal');

    // The names of your own entries count as read: no --force needed, no warning.
    expect((await sandbox.run(['server', 'add', 'acme', '--secret', 'api_key', '--', 'true'])).code).toBe(0);
    const own = await runInTerminal(sandbox, ['secret', 'set', 'acme.api_key'], [{ prompt: 'Value for acme.api_key', answer: 'own-entry' }]);
    expect(own.code, own.stdout).toBe(0);
    expect(own.stdout).not.toContain('warning');
    expect(await sandbox.keychainValue('acme.api_key')).toBe('own-entry');
  });
});

describe('oauth token', () => {
  it('an unknown server is exit 3, with the name meant', async () => {
    expect(oneLine(await sandbox.run(['oauth', 'token', 'nosuch']), 3)).toMatch(/^mcpkey: unknown server "nosuch"/);
    expect(oneLine(await sandbox.run(['oauth', 'token', 'linaer']), 3)).toBe('mcpkey: unknown server "linaer" — did you mean `mcpkey oauth token linear`?');
  });

  it('a server that does not use OAuth is exit 2, saying what it uses instead', async () => {
    const neon = JSON.parse((await sandbox.run(['oauth', 'token', 'neon', '--json'])).stderr);
    expect(neon).toEqual({
      error: {
        code: 'not_oauth',
        message: 'neon does not use OAuth: it authorizes with an API key (neon.api_key)',
        hint: 'print it with `mcpkey secret get neon.api_key`',
        exitCode: 2,
      },
    });
    expect(oneLine(await sandbox.run(['oauth', 'token', 'memory']), 2)).toBe('mcpkey: memory does not use OAuth: it needs no credentials — run it with `mcpkey run memory`');
  });
});

describe('a name enabled but gone from the catalog', () => {
  it('server list warns with the fix; server disable removes it', async () => {
    const file = await writeConfig(JSON.stringify({ version: 1, enabled: ['memory', 'retired-server'], servers: {} }));
    const list = await sandbox.run(['server', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).warnings).toEqual(['"retired-server" is enabled but no longer in the catalog; remove it with `mcpkey server disable retired-server`']);
    const text = await sandbox.run(['server', 'list', '--enabled']);
    expect(text.stderr).toContain('warning: "retired-server" is enabled but no longer in the catalog');
    // client config of the enabled servers wires the others and says why it left this one out.
    const wired = await sandbox.run(['client', 'config', 'claude-code', '--json']);
    expect(wired.code, wired.stderr).toBe(0);
    const result = JSON.parse(wired.stdout) as { servers: Array<{ name: string }>; warnings: string[] };
    expect(result.servers.map((server) => server.name)).toEqual(['memory']);
    expect(result.warnings).toContain('"retired-server" is enabled but no longer in the catalog, so it is not wired; remove it with `mcpkey server disable retired-server`');

    const disable = await sandbox.run(['server', 'disable', 'retired-server']);
    expect(disable.code, disable.stderr).toBe(0);
    expect(disable.stderr).toContain('retired-server is no longer in the catalog; it is off the enabled list now');
    expect(JSON.parse(await readFile(file, 'utf8')).enabled).toEqual(['memory']);
    expect(JSON.parse((await sandbox.run(['server', 'list', '--json'])).stdout).warnings).toEqual([]);
  });
});

describe('a corrupt config.json', () => {
  it('secret get and run use the built-in catalog, with one warning; writers still refuse and leave it alone', async () => {
    const corrupt = '{"version": 1, "enabled": ["memory",';
    const file = await writeConfig(corrupt);
    const get = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: { NEON_API_KEY: 'from-ci-env' } });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toBe('from-ci-env\n');
    const warnings = get.stderr.trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: .*config\.json is not a valid mcpkey config: .*; using the built-in catalog only/);

    // run gets as far as the catalog entry and its secrets: not ready (4), not a config error (6).
    const run = await sandbox.run(['run', 'neon']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/using the built-in catalog only/);
    expect(run.stderr).toMatch(/mcpkey secret set neon\.api_key/);

    expect(oneLine(await sandbox.run(['server', 'enable', 'memory']), 6)).toMatch(/not a valid mcpkey config/);
    expect(oneLine(await sandbox.run(['server', 'disable', 'memory']), 6)).toMatch(/not a valid mcpkey config/);
    expect(oneLine(await sandbox.run(['server', 'list']), 6)).toMatch(/not a valid mcpkey config/);
    expect(await readFile(file, 'utf8')).toBe(corrupt);
  });
});

describe('server add', () => {
  it('says Next only for what is missing, and to enable it', async () => {
    const result = await sandbox.run(['server', 'add', 'acme', '--secret', 'api_key:ACME_KEY', '--secret', 'region', '--', 'true'], { env: { ACME_KEY: 'already-here' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('Next: mcpkey secret set acme.region\nNext: mcpkey server enable acme\n');

    await sandbox.storeKeychainValue('beta.token', 'stored-first');
    const stored = await sandbox.run(['server', 'add', 'beta', '--secret', 'token', '--', 'true']);
    expect(stored.stderr).toBe('Next: mcpkey server enable beta\n');
    expect((await sandbox.run(['server', 'enable', 'beta'])).code).toBe(0);
    // Replaced while enabled: nothing left to do.
    expect((await sandbox.run(['server', 'add', 'beta', '--force', '--secret', 'token', '--', 'true'])).stderr).toBe('');
  });

  it('an --env that looks like a credential is stored, with a warning pointing at --secret', async () => {
    const result = await sandbox.run(['server', 'add', 'acme', '--env', 'API_KEY=sk-live-abcdef', '--env', 'LOG_LEVEL=debug', '--', 'true']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: --env API_KEY is stored in plaintext in config.json; keep credentials in the keychain: --secret api_key:API_KEY, then `mcpkey secret set acme.api_key`',
    );
    expect(result.stderr).not.toContain('LOG_LEVEL');
    expect(result.stderr).not.toContain('sk-live-abcdef');
    // A value that is a credential under a harmless name.
    const url = await sandbox.run(['server', 'add', 'pg', '--env', 'DATABASE_URL=postgres://app:pa55word@db.local/app', '--', 'true']);
    expect(url.stderr).toMatch(/warning: --env DATABASE_URL is stored in plaintext/);
    expect(url.stderr).not.toContain('pa55word');
  });
});

describe('server list filters', () => {
  it('--kind, --ready and --search narrow the catalog', async () => {
    const list = async (...args: string[]) => {
      const result = await sandbox.run(['server', 'list', '--json', ...args], { env: { BRAVE_API_KEY: 'k' } });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout).servers as Array<{ name: string; kind: string; ready: boolean }>;
    };
    const all = await list();
    const oauth = await list('--kind', 'oauth');
    expect(oauth.length).toBeGreaterThan(0);
    expect(oauth.every((server) => server.kind === 'oauth')).toBe(true);
    expect(oauth).toEqual(all.filter((server) => server.kind === 'oauth'));
    expect((await list('--kind', 'none')).map((server) => server.name)).toContain('memory');
    const ready = await list('--ready');
    expect(ready).toEqual(all.filter((server) => server.ready));
    expect(ready.map((server) => server.name)).toContain('brave');
    expect((await list('--kind', 'api-key', '--ready')).map((server) => server.name)).toContain('brave');
    // Name, title and description, any case.
    const neon = (await list('--search', 'NEON')).map((server) => server.name);
    expect(neon).toContain('neon');
    expect(neon.length).toBeLessThan(all.length);
    expect((await list('--search', 'knowledge graph')).map((server) => server.name)).toContain('memory');
    expect(await list('--search', 'no-such-thing-anywhere')).toEqual([]);
  });

  it('an invalid --kind is exit 2 listing the choices; no match says so', async () => {
    expect(oneLine(await sandbox.run(['server', 'list', '--kind', 'apikey']), 2)).toMatch(/Allowed choices are oauth, api-key, none/);
    const none = await sandbox.run(['server', 'list', '--search', 'no-such-thing-anywhere']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('No servers match. See all with: mcpkey server list\n');
  });
});
