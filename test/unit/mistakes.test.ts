import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/io.js';
import { commanderCode, commanderMessage, commanderSuggestion, reportError } from '../../src/cli/report.js';
import { buildProgram } from '../../src/cli/program.js';
import { tokenEntry } from '../../src/commands/oauth/token.js';
import { setSecret, type SetSecretDeps } from '../../src/commands/secret/set.js';
import { addServer, plaintextEnvWarnings } from '../../src/commands/server/add.js';
import { disableServer } from '../../src/commands/server/disable.js';
import { listServers } from '../../src/commands/server/list.js';
import { noGrants } from '../../src/core/auth/classify.js';
import { findEntry, mergeCatalog } from '../../src/core/catalog/index.js';
import type { ResolvedEntry } from '../../src/core/catalog/types.js';
import { emptyConfig, type ConfigData } from '../../src/core/config/store.js';
import { UsageError } from '../../src/core/errors.js';
import { SecretResolver } from '../../src/core/secrets/resolve.js';
import { MemoryKeychain } from './memory-keychain.js';

const CATALOG = mergeCatalog({});

function resolver(options: { env?: Record<string, string>; keychain?: MemoryKeychain; catalog?: ResolvedEntry[] } = {}): SecretResolver {
  return new SecretResolver({ env: options.env ?? {}, envFile: undefined, keychain: options.keychain ?? new MemoryKeychain(), catalog: options.catalog ?? CATALOG });
}

function fakeConfig(initial: ConfigData = emptyConfig()) {
  const config = initial;
  return { config, updateConfig: async <T>(mutate: (c: ConfigData) => T): Promise<T> => mutate(config) };
}

function runtime(argv: string[]): Runtime & { err: () => string } {
  let err = '';
  return {
    argv,
    env: {},
    cwd: '/',
    stdin: new PassThrough(),
    stdout: { write: () => true },
    stderr: { write: (text: string) => (err += text) },
    err: () => err,
  };
}

/** What mcpkey reports for argv: the program is parsed for real, nothing runs past a usage error. */
async function reported(argv: string[]): Promise<{ code: number; stderr: string }> {
  const rt = runtime(argv);
  const program = await buildProgram(rt);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    return { code: reportError(error, rt, program), stderr: rt.err() };
  }
  throw new Error('expected a usage error');
}

describe("commander's errors", () => {
  it('codes are snake_case', () => {
    expect(['commander.unknownCommand', 'commander.unknownOption', 'commander.missingArgument', 'commander.optionMissingArgument', 'commander.excessArguments', 'commander.invalidArgument'].map(commanderCode)).toEqual([
      'unknown_command',
      'unknown_option',
      'missing_argument',
      'option_missing_argument',
      'excess_arguments',
      'invalid_argument',
    ]);
  });

  it('the suggestion is a command or option name, or nothing', () => {
    expect(commanderSuggestion("error: unknown command 'lsit'\n(Did you mean list?)")).toBe('list');
    expect(commanderSuggestion("error: unknown option '--jsno'\n(Did you mean --json?)")).toBe('--json');
    expect(commanderSuggestion("error: unknown option '--bogus'")).toBeUndefined();
    expect(commanderSuggestion("error: x\n(Did you mean $(rm -rf ~)?)")).toBeUndefined();
    // The message itself stays one line.
    expect(commanderMessage("error: unknown command 'lsit'\n(Did you mean list?)")).toBe("unknown command 'lsit'");
  });

  it('an unknown command names the whole command meant', async () => {
    expect(await reported(['server', 'lsit'])).toEqual({ code: 2, stderr: "mcpkey: unknown command 'lsit' — did you mean `mcpkey server list`?\n" });
    expect((await reported(['secret', 'gte', 'neon.api_key'])).stderr).toBe("mcpkey: unknown command 'gte' — did you mean `mcpkey secret get`?\n");
    expect((await reported(['oauth', 'authorise', 'linear'])).stderr).toBe("mcpkey: unknown command 'authorise' — did you mean `mcpkey oauth authorize`?\n");
    expect((await reported(['enabel'])).stderr).toBe("mcpkey: unknown command 'enabel' — did you mean `mcpkey server enable`?\n");
  });

  it('--json: the snake_case code and the same hint', async () => {
    const { stderr } = await reported(['server', 'lsit', '--json']);
    expect(JSON.parse(stderr)).toEqual({ error: { code: 'unknown_command', message: "unknown command 'lsit'", hint: 'did you mean `mcpkey server list`?', exitCode: 2 } });
  });

  it('what was typed after the command words is never echoed in the hint', async () => {
    const { stderr } = await reported(['completion', 'hunterpass']);
    expect(stderr).not.toContain('hunterpass');
    expect(stderr).toContain('see `mcpkey completion --help`');
  });
});

describe('unknown server hints', () => {
  function unknown(name: string): unknown {
    try {
      findEntry(CATALOG, name);
    } catch (error) {
      return error;
    }
    throw new Error('expected unknown');
  }

  it('the command as typed, with the name meant, when the name was its first argument', async () => {
    const tree = await buildProgram(runtime([]));
    const rt = runtime(['tools', 'call', 'fetc', 'fetch_url', '--arg', 'x=1']);
    expect(reportError(unknown('fetc'), rt, tree)).toBe(3);
    expect(rt.err()).toBe('mcpkey: unknown server "fetc" — did you mean `mcpkey tools call fetch …`?\n');
  });

  it("elsewhere (an option's value first), the name alone", async () => {
    const tree = await buildProgram(runtime([]));
    const rt = runtime(['tools', 'call', '--timeout', '5', 'fetc']);
    reportError(unknown('fetc'), rt, tree);
    expect(rt.err()).toBe('mcpkey: unknown server "fetc" — did you mean `fetch`? (`mcpkey server list` shows the catalog)\n');
  });
});

describe('listServers filters', () => {
  const deps = (env: Record<string, string> = {}) => ({ catalog: CATALOG, enabled: [], resolver: resolver({ env }), grants: noGrants });

  it('--kind keeps one kind, --ready the ready ones, --search matches name, title or description in any case', async () => {
    const all = (await listServers({}, deps({ BRAVE_API_KEY: 'k' }))).servers;
    for (const kind of ['oauth', 'api-key', 'none']) {
      expect((await listServers({ kind }, deps())).servers.map((s) => s.name)).toEqual(all.filter((s) => s.kind === kind).map((s) => s.name));
    }
    const ready = (await listServers({ ready: true }, deps({ BRAVE_API_KEY: 'k' }))).servers;
    expect(ready.every((s) => s.ready)).toBe(true);
    expect(ready.map((s) => s.name)).toContain('brave');
    expect((await listServers({ ready: true }, deps())).servers.map((s) => s.name)).not.toContain('brave');
    const memory = CATALOG.find((entry) => entry.name === 'memory')!;
    const word = memory.description.split(' ').find((w) => w.length > 6)!.toUpperCase();
    expect((await listServers({ search: word }, deps())).servers.map((s) => s.name)).toContain('memory');
    expect((await listServers({ search: memory.title.toLowerCase() }, deps())).servers.map((s) => s.name)).toContain('memory');
  });

  it('an invalid kind is a usage error listing the choices', async () => {
    await expect(listServers({ kind: 'apikey' }, deps())).rejects.toMatchObject({ exitCode: 2, hint: 'use one of: oauth, api-key, none' });
  });

  it('warns about enabled names the catalog no longer has', async () => {
    const result = await listServers({}, { ...deps(), enabled: ['memory', 'retired'] });
    expect(result.warnings).toEqual(['"retired" is enabled but no longer in the catalog; remove it with `mcpkey server disable retired`']);
  });
});

describe('server disable of a name the catalog no longer has', () => {
  it('removes it from the enabled list, and forgets a grant it may have left', async () => {
    const store = fakeConfig({ ...emptyConfig(), enabled: ['memory', 'retired'] });
    const forgot: string[] = [];
    const result = await disableServer('retired', {}, {
      catalog: CATALOG,
      keychain: new MemoryKeychain(),
      forgetGrant: async (server) => (forgot.push(server), { grantDeleted: true, clientDeleted: false, clientSharedWith: [] }),
      updateConfig: store.updateConfig,
    });
    expect(result).toMatchObject({ name: 'retired', wasEnabled: true, stale: true, grantCleared: true });
    expect(store.config.enabled).toEqual(['memory']);
    expect(forgot).toEqual(['retired']);
  });

  it('a name neither in the catalog nor enabled is an unknown server', async () => {
    const store = fakeConfig();
    await expect(
      disableServer('fetc', {}, { catalog: CATALOG, keychain: new MemoryKeychain(), forgetGrant: async () => ({ grantDeleted: false, clientDeleted: false, clientSharedWith: [] }), updateConfig: store.updateConfig }),
    ).rejects.toMatchObject({ code: 'unknown_server', exitCode: 3, suggestion: 'fetch' });
  });
});

describe('oauth token: the entry', () => {
  it('unknown: exit 3; an API-key or keyless server: exit 2 saying what it uses', () => {
    expect(() => tokenEntry(CATALOG, 'nosuch')).toThrow(expect.objectContaining({ code: 'unknown_server', exitCode: 3 }));
    expect(() => tokenEntry(CATALOG, 'neon')).toThrow(expect.objectContaining({ code: 'not_oauth', exitCode: 2, hint: 'print it with `mcpkey secret get neon.api_key`' }));
    expect(() => tokenEntry(CATALOG, 'memory')).toThrow(/memory does not use OAuth: it needs no credentials/);
    expect(tokenEntry(CATALOG, 'linear').name).toBe('linear');
  });
});

describe('setSecret of a name no entry reads', () => {
  function deps(interactive: boolean, keychain = new MemoryKeychain()): SetSecretDeps & { keychain: MemoryKeychain; asked: string[] } {
    const asked: string[] = [];
    return {
      keychain,
      resolver: resolver({ keychain }),
      prompts: { secret: async (label: string) => (asked.push(label), 'typed'), confirm: async () => true },
      readStdin: undefined,
      warn: () => undefined,
      tty: interactive,
      catalog: CATALOG,
      interactive,
      asked,
    };
  }

  it('at a terminal: refused before the value is asked for, unless --force', async () => {
    const d = deps(true);
    const error = await setSecret('neon.apikey', d).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'unread_secret', exitCode: 2, message: 'neon reads neon.api_key, not neon.apikey' });
    expect((error as UsageError).hint).toBe('did you mean `mcpkey secret set neon.api_key`? (--force stores neon.apikey as it is)');
    expect(d.asked).toEqual([]);
    expect(d.keychain.store.size).toBe(0);
    expect(await setSecret('neon.apikey', d, { force: true })).toMatchObject({ name: 'neon.apikey', warnings: [] });
    expect(d.keychain.store.get('neon.apikey')).toBe('typed');
  });

  it('from a script: stored, with the warning in the result', async () => {
    const d = deps(false);
    const result = await setSecret('neon.apikey=v', d);
    expect(result.warnings).toEqual(['neon reads neon.api_key, not neon.apikey; stored it anyway — did you mean `mcpkey secret set neon.api_key`?']);
    expect(d.keychain.store.get('neon.apikey')).toBe('v');
    expect((await setSecret('neon.api_key=v', d)).warnings).toEqual([]);
  });
});

describe('server add', () => {
  it('next steps leave out stored secrets and add enabling', async () => {
    const keychain = new MemoryKeychain({ 'acme.token': 'stored' });
    const store = fakeConfig();
    const result = await addServer('acme', ['true'], { secret: ['token', 'region'] }, {
      updateConfig: store.updateConfig,
      resolverFor: async (entry) => resolver({ keychain, catalog: [entry] }),
    });
    expect(result.nextSteps).toEqual(['mcpkey secret set acme.region', 'mcpkey server enable acme']);
    expect(result.enabled).toBe(false);
  });

  it('an enabled entry replaced with --force: no enable step; OAuth: authorize last', async () => {
    const store = fakeConfig({ ...emptyConfig(), enabled: ['tracker'] });
    store.config.servers.tracker = (await addServer('tracker', [], { url: 'https://t.example/mcp' }, fakeConfig())).entry;
    const result = await addServer('tracker', [], { url: 'https://t.example/mcp', force: true }, { updateConfig: store.updateConfig, resolverFor: async (entry) => resolver({ catalog: [entry] }), grants: noGrants });
    expect(result.nextSteps).toEqual(['mcpkey oauth authorize tracker']);
    const fresh = await addServer('other', [], { url: 'https://o.example/mcp' }, fakeConfig());
    expect(fresh.nextSteps).toEqual(['mcpkey server enable other', 'mcpkey oauth authorize other']);
  });

  it('--env values that look like credentials are warned about by name, never by value', () => {
    const warnings = plaintextEnvWarnings('acme', {
      API_KEY: 'x',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://u:secretpw@h/db',
      OPENAI: 'sk-proj-abc',
      PLAIN_ID: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6',
      REGION: 'eu-west-1',
    });
    expect(warnings.map((warning) => warning.split(' ')[1])).toEqual(['API_KEY', 'DATABASE_URL', 'OPENAI', 'PLAIN_ID']);
    expect(warnings.join('\n')).not.toMatch(/secretpw|sk-proj|a1b2c3/);
    expect(warnings[0]).toBe('--env API_KEY is stored in plaintext in config.json; keep credentials in the keychain: --secret api_key:API_KEY, then `mcpkey secret set acme.api_key`');
  });
});
