/**
 * Without a terminal mcpkey never waits for a person: a step-up (403 insufficient_scope) in `tools`
 * without --authorize, or in the `run` bridge without --authorize, fails at once with the exact
 * `mcpkey oauth authorize NAME --scope "…"` command — against a 2025-11-25 and a 2026-07-28 server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModernMcpServer, type ModernMcpServer } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, useSandbox } from './helpers.js';
import { localSession, textOf } from './local-clients.js';
import { BROWSER_DRIVER, storedGrant, useOAuthPeers } from './oauth-helpers.js';

beforeAll(requireSecretService);

const { as, mcp } = useOAuthPeers();
let modern: ModernMcpServer;
beforeAll(async () => {
  modern = await startModernMcpServer({ auth: { authServerIssuer: as.issuer } });
});
afterAll(async () => {
  await modern?.close();
});

const sandbox = useSandbox();
/** A "browser" that never comes back: code that opens one would wait for the whole callback timeout. */
const deadBrowser = { BROWSER: 'true' };

const servers = () => [
  { era: '2025-11-25', url: mcp.url },
  { era: '2026-07-28', url: modern.url },
];

async function authorized(name: string, url: string): Promise<void> {
  expect((await sandbox.run(['server', 'add', name, '--url', url])).code).toBe(0);
  const result = await sandbox.run(['oauth', 'authorize', name], { env: { BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` }, timeoutMs: 90_000 });
  expect(result.code, result.stderr).toBe(0);
}

const COMMAND = /mcpkey oauth authorize guarded --scope "([^"]+)"/;

describe.each([0, 1])('step-up without a terminal (server %i: 2025-11-25, then 2026-07-28)', (index) => {
  it('tools call exits 4 at once with the authorize command for the union of the scopes', async () => {
    const { url } = servers()[index]!;
    await authorized('guarded', url);
    const before = as.stats().authorizationRequests;
    const started = Date.now();
    const result = await sandbox.run(['tools', 'call', 'guarded', 'admin'], { env: deadBrowser, timeoutMs: 45_000 });
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/guarded needs more permission than its grant has/);
    const scope = COMMAND.exec(result.stderr)?.[1];
    expect(scope?.split(' ')).toEqual(expect.arrayContaining(['mcp:read', 'mcp:admin']));
    expect(result.stdout).toBe('');
    // No authorization was started.
    expect(as.stats().authorizationRequests).toBe(before);
    expect((await storedGrant(sandbox, 'guarded'))!.scope).toBe('mcp:read');
  }, 150_000);

  it('the run bridge fails that one request with the command and keeps serving the others', async () => {
    const { url } = servers()[index]!;
    await authorized('guarded', url);
    const before = as.stats().authorizationRequests;
    const session = await localSession(sandbox, '2025-11-25', 'guarded', { env: deadBrowser });
    try {
      const started = Date.now();
      const refused = await session.call('admin').then(
        (result) => JSON.stringify(result),
        (error: Error) => error.message,
      );
      expect(Date.now() - started).toBeLessThan(40_000);
      expect(refused).toMatch(COMMAND);
      expect(JSON.parse(textOf(await session.call('whoami')))).toMatchObject({ sub: 'alice' });
    } finally {
      await session.close();
    }
    expect(as.stats().authorizationRequests).toBe(before);
  }, 150_000);
});
