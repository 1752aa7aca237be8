/**
 * OAuth against the stateless 2026-07-28 peer (SDK v2) behind oidc-provider, on both paths that use a
 * grant: `tools list/call` and the `run` bridge (with an MCP client of each era on stdio). Authorization,
 * step-up on 403 insufficient_scope, refresh of an expired token and of a refused one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.js';
import { startModernMcpServer, type ModernMcpServer, type ModernRequestLogEntry } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, useSandbox } from './helpers.js';
import { eventually, textOf, withLocalSession, type LocalEra, type LocalSession } from './local-clients.js';
import { expireGrant } from './grant-helpers.js';
import { BROWSER_DRIVER, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

/** Long-lived: a token expires when the test says so (expiredGrant), never because a loaded machine was slow. */
const TTL = 3600;

let as: AuthServer;
/** Every request needs a token. */
let guarded: ModernMcpServer;
/** `server/discover` goes through without one: the challenge comes only with `tools/list`. */
let lenient: ModernMcpServer;

beforeAll(async () => {
  as = await startAuthServer({ accessTokenTtl: TTL });
  guarded = await startModernMcpServer({ auth: { authServerIssuer: as.issuer } });
  lenient = await startModernMcpServer({ auth: { authServerIssuer: as.issuer, unauthenticatedMethods: ['server/discover'] } });
});
afterAll(async () => {
  await guarded?.close();
  await lenient?.close();
  await as?.close();
});

const sandbox = useSandbox();
const browserEnv = () => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

async function authorized(name: string, server: ModernMcpServer): Promise<void> {
  expect((await sandbox.run(['server', 'add', name, '--url', server.url])).code).toBe(0);
  const result = await sandbox.run(['oauth', 'authorize', name], { env: browserEnv(), timeoutMs: 180_000 });
  expect(result.code, result.stderr).toBe(0);
}

async function bridged<T>(era: LocalEra, name: string, body: (session: LocalSession) => Promise<T>, runArgs: string[] = []): Promise<T> {
  return withLocalSession(sandbox, era, name, { env: browserEnv(), runArgs }, body);
}

const bearer = (entry: ModernRequestLogEntry) => entry.headers.authorization?.replace(/^Bearer /, '');
const lastCodeRequest = () => as.requests().filter((request) => request.query?.response_type === 'code').at(-1)!;
const scopes = (value: string | undefined) => (value ?? '').split(' ').filter(Boolean).sort();

/** Expires the stored access token now, for mcpkey and at the authorization server (the server would refuse it too). */
function expiredGrant(name: string): Promise<string> {
  return expireGrant(sandbox, name, as);
}

describe('a 2026-07-28 server that challenges only tools/list', () => {
  it('oauth authorize takes the scope from that challenge; tools and both eras of run use the grant', async () => {
    await authorized('lenient', lenient);
    // The challenge (and its scope) came from a tools/list probe, on the 2026-07-28 wire.
    const challenged = lenient.requests().filter((entry) => entry.status === 401);
    expect(challenged.map((entry) => entry.rpcMethods[0])).toEqual(['tools/list']);
    expect(challenged[0]).toMatchObject({ wwwAuthenticate: expect.stringContaining('scope="mcp:read"'), headers: expect.objectContaining({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' }) });
    const grant = (await storedGrant(sandbox, 'lenient'))!;
    expect(grant).toMatchObject({ issuer: as.issuer, resource: lenient.url, scope: 'mcp:read' });
    expect(lastCodeRequest().query!.scope).toBe('mcp:read offline_access');

    lenient.clearRequests();
    const listed = await sandbox.run(['tools', 'list', 'lenient', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).tools.map((tool: { name: string }) => tool.name)).toEqual(expect.arrayContaining(['whoami', 'echo', 'admin']));
    const called = await sandbox.run(['tools', 'call', 'lenient', 'whoami', '--json']);
    expect(called.code, called.stderr).toBe(0);
    expect(JSON.parse(textOf(JSON.parse(called.stdout)))).toMatchObject({ sub: 'alice', era: 'modern' });
    for (const era of ['2025-11-25', '2026-07-28'] as const) {
      await bridged(era, 'lenient', async (session) => {
        expect(JSON.parse(textOf(await session.call('whoami')))).toMatchObject({ sub: 'alice', scope: 'mcp:read', era: 'modern' });
      });
    }
    // The grant went with every request that needed it, on the 2026-07-28 wire.
    const needing = lenient.requests().filter((entry) => entry.method === 'POST' && !entry.rpcMethods.includes('server/discover'));
    expect(needing.length).toBeGreaterThan(0);
    for (const entry of needing) {
      expect(entry.headers['mcp-protocol-version']).toBe('2026-07-28');
      expect(entry.status, `${entry.rpcMethods[0]}: ${entry.rejection ?? ''}`).toBeLessThan(400);
      expect(bearer(entry)).toBeDefined();
    }
    expect(lenient.rpcRequests('initialize')).toEqual([]);
  }, 300_000);
});

describe('step-up: 403 insufficient_scope on admin', () => {
  it('tools call --authorize authorizes again for the union of the scopes and succeeds', async () => {
    await authorized('guarded', guarded);
    expect((await storedGrant(sandbox, 'guarded'))!.scope).toBe('mcp:read');
    guarded.clearRequests();
    const result = await sandbox.run(['tools', 'call', 'guarded', 'admin', '--authorize'], { env: browserEnv(), timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('admin ok for alice\n');
    expect(scopes((await storedGrant(sandbox, 'guarded'))!.scope)).toEqual(['mcp:admin', 'mcp:read']);
    expect(scopes(lastCodeRequest().query!.scope)).toEqual(['mcp:admin', 'mcp:read', 'offline_access']);
    const admin = guarded.rpcRequests('tools/call').filter((entry) => entry.toolNames[0] === 'admin');
    expect(admin.map((entry) => entry.status)).toEqual([403, 200]);
    expect(admin[0]!.wwwAuthenticate).toMatch(/insufficient_scope/);
    expect(admin[1]!.headers['mcp-name']).toBe('admin');
  }, 300_000);

  it('run --authorize does the same under a 2026-07-28 client, which never sees the 403', async () => {
    await authorized('guarded', guarded);
    const before = as.stats().authorizationRequests;
    await bridged('2026-07-28', 'guarded', async (session) => {
      expect(textOf(await session.call('admin'))).toBe('admin ok for alice');
      await eventually(() => /needs more permission \(mcp:read mcp:admin\); authorizing again/.test(session.stderr()), 'the step-up note on stderr');
      // The new grant serves the next calls of the same session.
      expect(JSON.parse(textOf(await session.call('whoami'))).scope.split(' ').sort()).toEqual(['mcp:admin', 'mcp:read']);
    }, ['--authorize']);
    expect(as.stats().authorizationRequests - before).toBe(1);
    expect(scopes((await storedGrant(sandbox, 'guarded'))!.scope)).toEqual(['mcp:admin', 'mcp:read']);
  }, 300_000);
});

describe('refresh', () => {
  it('tools: an expired token is refreshed before the request, once, and the new one stored', async () => {
    await authorized('guarded', guarded);
    const expired = await expiredGrant('guarded');
    const refreshes = as.stats().refreshGrants;
    guarded.clearRequests();
    const result = await sandbox.run(['tools', 'call', 'guarded', 'echo', '--arg', 'text=fresh']);
    expect(result).toMatchObject({ code: 0, stdout: 'fresh\n' });
    expect(as.stats().refreshGrants - refreshes).toBe(1);
    const renewed = (await storedGrant(sandbox, 'guarded'))!.accessToken;
    expect(renewed).not.toBe(expired);
    // The server never saw the expired token.
    const sent = guarded.requests().filter((entry) => entry.method === 'POST').map(bearer);
    expect(sent).not.toContain(expired);
    expect(sent).toContain(renewed);
  }, 300_000);

  it('run: mid-session expiry and a refused token are both refreshed without the 2025-11-25 client noticing', async () => {
    await authorized('guarded', guarded);
    await bridged('2025-11-25', 'guarded', async (session) => {
      expect(textOf(await session.call('echo', { text: 'before' }))).toBe('before');
      const expired = await expiredGrant('guarded');
      const refreshes = as.stats().refreshGrants;
      expect(textOf(await session.call('echo', { text: 'after expiry' }))).toBe('after expiry');
      expect(as.stats().refreshGrants - refreshes).toBe(1);
      expect((await storedGrant(sandbox, 'guarded'))!.accessToken).not.toBe(expired);

      // A token the server refuses although it looks fresh: one refresh, then the call goes through.
      const current = (await storedGrant(sandbox, 'guarded'))!;
      const farOff = new Date(Date.now() + 3_600_000).toISOString();
      await sandbox.storeKeychainValue('oauth:guarded', JSON.stringify({ ...current, accessToken: 'not-a-valid-token', expiresAt: farOff }));
      guarded.clearRequests();
      expect(textOf(await session.call('echo', { text: 'after 401' }))).toBe('after 401');
      const calls = guarded.rpcRequests('tools/call');
      expect(calls.map((entry) => entry.status)).toEqual([401, 200]);
      await eventually(() => /refused the access token; refreshing it/.test(session.stderr()), 'the refresh note on stderr');
      // Diagnostics on stderr never carry a token.
      expect(session.stderr()).not.toContain((await storedGrant(sandbox, 'guarded'))!.accessToken);
    });
  }, 300_000);
});
