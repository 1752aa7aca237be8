import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, runInTerminal, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();

async function config(): Promise<{ enabled: string[]; servers: Record<string, unknown> }> {
  return JSON.parse(await readFile(join(sandbox.mcpkeyHome, 'config.json'), 'utf8'));
}

async function listed(name: string): Promise<Record<string, unknown>> {
  const data = JSON.parse((await sandbox.run(['server', 'list', '--json'])).stdout);
  return data.servers.find((server: { name: string }) => server.name === name);
}

describe('server list', () => {
  it('classifies the built-in catalog and reports readiness', async () => {
    const result = await sandbox.run(['server', 'list', '--json']);
    expect(result.code).toBe(0);
    const servers = JSON.parse(result.stdout).servers as Array<{ name: string; kind: string; ready: boolean; missing: unknown[] }>;
    const byName = Object.fromEntries(servers.map((server) => [server.name, server]));
    expect(byName.memory).toMatchObject({ kind: 'none', ready: true, missing: [], enabled: false, transport: { type: 'stdio', command: 'npx' }, source: 'builtin' });
    expect(byName.memory).not.toHaveProperty('oauth');
    expect(byName.brave).toMatchObject({ kind: 'api-key', ready: false, missing: [{ type: 'secret', name: 'brave.api_key', env: 'BRAVE_API_KEY' }] });
    expect(byName.linear).toMatchObject({
      kind: 'oauth',
      ready: false,
      missing: [{ type: 'oauth' }],
      oauth: { status: 'not-authorized' },
      transport: { type: 'remote', url: 'https://mcp.linear.app/mcp', transport: 'streamable-http' },
    });
    expect(byName.slack?.missing).toEqual([
      { type: 'secret', name: 'slack.bot_token', env: 'SLACK_BOT_TOKEN' },
      { type: 'secret', name: 'slack.team_id', env: 'SLACK_TEAM_ID' },
    ]);
    expect(servers.map((server) => server.name)).toEqual([...servers.map((server) => server.name)].sort());
  });

  it('prints a table with a header and one row per server', async () => {
    const result = await sandbox.run(['server', 'ls']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+AUTH\s+ENABLED\s+STATUS$/);
    expect(lines.find((line) => line.startsWith('brave '))).toMatch(/^brave\s+api-key\s+no\s+missing brave\.api_key$/);
    expect(result.stdout).not.toMatch(/\u001b\[/); // no colour off a terminal
  });
});

describe('server enable / disable / inspect, one of each kind', () => {
  it('none: enables at once', async () => {
    const result = await sandbox.run(['server', 'enable', 'memory']);
    expect(result.code).toBe(0);
    expect((await config()).enabled).toEqual(['memory']);
    expect(await listed('memory')).toMatchObject({ enabled: true, ready: true });
    const again = await sandbox.run(['server', 'enable', 'memory']);
    expect(again.code).toBe(0);
    expect((await config()).enabled).toEqual(['memory']);
  });

  it('api-key without a terminal: exits 4 with the exact secret set commands, enables nothing', async () => {
    const result = await sandbox.run(['server', 'enable', 'slack']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('`mcpkey secret set slack.bot_token`');
    expect(result.stderr).toContain('`mcpkey secret set slack.team_id`');
    expect(result.stderr).not.toContain('slack.channel_ids'); // optional
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    await expect(readFile(join(sandbox.mcpkeyHome, 'config.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('api-key with the secret present (from env): enables; inspect shows the source but never the value', async () => {
    const env = { BRAVE_API_KEY: 'napi_env_value' };
    expect((await sandbox.run(['server', 'enable', 'brave'], { env })).code).toBe(0);
    const inspect = await sandbox.run(['server', 'inspect', 'brave', '--json'], { env });
    const data = JSON.parse(inspect.stdout);
    expect(data).toMatchObject({ name: 'brave', kind: 'api-key', enabled: true, ready: true, missing: [], nextSteps: [] });
    expect(data.secrets).toEqual([
      expect.objectContaining({ name: 'brave.api_key', env: 'BRAVE_API_KEY', present: true, source: 'env', optional: false }),
    ]);
    expect(inspect.stdout).not.toContain('napi_env_value');
    const text = await sandbox.run(['server', 'inspect', 'brave'], { env });
    expect(text.stdout).toMatch(/✓ brave\.api_key → BRAVE_API_KEY\s+from env/);
    expect(text.stdout).not.toContain('napi_env_value');
  });

  it('api-key on a terminal: prompts for each missing secret, stores it, enables', async () => {
    const result = await runInTerminal(sandbox, ['server', 'enable', 'slack'], [
      { prompt: 'for slack.bot_token', answer: 'xoxb-typed' },
      { prompt: 'for slack.team_id', answer: 'T0123' },
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('xoxb-typed');
    expect(await sandbox.keychainValue('slack.bot_token')).toBe('xoxb-typed');
    expect(await sandbox.keychainValue('slack.team_id')).toBe('T0123');
    expect((await config()).enabled).toEqual(['slack']);
  });

  it('oauth: enables and names the next step; inspect says not authorized', async () => {
    const result = await sandbox.run(['server', 'enable', 'linear']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('mcpkey oauth authorize linear');
    const data = JSON.parse((await sandbox.run(['server', 'inspect', 'linear', '--json'])).stdout);
    expect(data).toMatchObject({
      kind: 'oauth',
      enabled: true,
      ready: false,
      oauth: { status: 'not-authorized' },
      transport: { type: 'remote', url: 'https://mcp.linear.app/mcp', transport: 'streamable-http' },
      nextSteps: ['mcpkey oauth authorize linear'],
    });
  });

  it('disable removes it from the enabled list; --purge also deletes its keychain secrets', async () => {
    await sandbox.run(['secret', 'set', 'brave.api_key'], { input: 'bk' });
    await sandbox.run(['server', 'enable', 'brave']);
    await sandbox.run(['server', 'enable', 'memory']);
    expect((await config()).enabled).toEqual(['brave', 'memory']);
    expect((await sandbox.run(['server', 'disable', 'brave'])).code).toBe(0);
    expect((await config()).enabled).toEqual(['memory']);
    expect(await sandbox.keychainValue('brave.api_key')).toBe('bk');
    expect((await sandbox.run(['server', 'disable', 'brave', '--purge'])).code).toBe(0);
    expect(await sandbox.keychainValue('brave.api_key')).toBeUndefined();
  });

  it('inspect text output lists what is still needed', async () => {
    const result = await sandbox.run(['server', 'inspect', 'slack']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✗ slack\.bot_token → SLACK_BOT_TOKEN\s+missing/);
    expect(result.stdout).toContain('get one at https://api.slack.com/apps');
    expect(result.stdout).toContain('mcpkey secret set slack.team_id');
  });
});

describe('server add / remove', () => {
  it('adds a stdio entry with a secret, which then behaves like a catalog entry', async () => {
    const add = await sandbox.run(['server', 'add', 'acme', '--secret', 'api_key:ACME_KEY', '--', 'npx', '-y', '@acme/mcp', '--flag']);
    expect(add.code).toBe(0);
    expect((await config()).servers.acme).toMatchObject({
      transport: { type: 'stdio', command: 'npx', args: ['-y', '@acme/mcp', '--flag'] },
      secrets: [{ name: 'acme.api_key', env: 'ACME_KEY' }],
    });
    expect(await listed('acme')).toMatchObject({ kind: 'api-key', source: 'user', ready: false, missing: [{ type: 'secret', name: 'acme.api_key', env: 'ACME_KEY' }] });
    expect(await listed('acme')).toMatchObject({ ready: false });
    const ready = JSON.parse((await sandbox.run(['server', 'list', '--json'], { env: { ACME_KEY: 'k' } })).stdout);
    expect(ready.servers.find((s: { name: string }) => s.name === 'acme')).toMatchObject({ ready: true });
  });

  it('adds a remote entry (oauth), and an SSE one', async () => {
    expect((await sandbox.run(['server', 'add', 'tracker', '--url', 'https://mcp.tracker.example/mcp'])).code).toBe(0);
    expect(await listed('tracker')).toMatchObject({ kind: 'oauth', transport: { type: 'remote', url: 'https://mcp.tracker.example/mcp' }, oauth: { status: 'not-authorized' } });
    expect((await sandbox.run(['server', 'add', 'legacy', '--url', 'https://legacy.example/sse', '--transport', 'sse'])).code).toBe(0);
    expect((await config()).servers.legacy).toMatchObject({ transport: { transport: 'sse' } });
  });

  it('refuses to shadow a built-in entry without --force, and remove brings the built-in back', async () => {
    const refused = await sandbox.run(['server', 'add', 'neon', '--', 'my-neon']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/built-in server .*--force/);
    expect((await sandbox.run(['server', 'add', 'neon', '--force', '--', 'my-neon'])).code).toBe(0);
    expect(await listed('neon')).toMatchObject({ source: 'user', kind: 'none' });
    expect((await sandbox.run(['server', 'remove', 'neon'])).code).toBe(0);
    expect(await listed('neon')).toMatchObject({ source: 'builtin', kind: 'api-key' });
  });

  it('remove: a built-in entry cannot be removed (exit 2), an unknown one is not found (exit 3)', async () => {
    expect((await sandbox.run(['server', 'remove', 'memory'])).code).toBe(2);
    expect((await sandbox.run(['server', 'remove', 'nothing-here'])).code).toBe(3);
  });

  it('concurrent commands never lose each other’s update', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `svc${i}`);
    const results = await Promise.all(names.map((name) => sandbox.run(['server', 'add', name, '--', 'true'])));
    expect(results.map((result) => result.code)).toEqual(names.map(() => 0));
    expect(Object.keys((await config()).servers).sort()).toEqual(names);
  });
});
