import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issuerChangeNotice, preRegisteredFor } from '../../src/core/oauth/binding.js';
import { authorizedFetch } from '../../src/core/oauth/fetch.js';
import { OAuthStore, type StoredGrant } from '../../src/core/oauth/store.js';
import { MemoryKeychain } from './memory-keychain.js';
import { fakeFetch, json, oauthError, type FetchCall } from './oauth-fakes.js';

const MCP = 'https://mcp.example.com/mcp';
const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const AS1 = 'https://as1.example.com';
const AS2 = 'https://as2.example.com';

function grant(overrides: Partial<StoredGrant> = {}): StoredGrant {
  return {
    version: 1,
    server: 'demo',
    resource: MCP,
    issuer: AS1,
    tokenEndpoint: `${AS1}/token`,
    clientId: 'as1-client',
    client: 'dynamic',
    authMethod: 'none',
    accessToken: 'token-1',
    refreshToken: 'refresh-1',
    tokenType: 'Bearer',
    scope: 'mcp:basic',
    requestedScope: 'mcp:basic',
    obtainedAt: new Date().toISOString(),
    ...overrides,
  };
}

function setup(first: StoredGrant = grant()) {
  const store = new OAuthStore(new MemoryKeychain());
  const lockDir = mkdtempSync(join(tmpdir(), 'mcpkey-fetch-'));
  const stepUps: string[] = [];
  const logs: string[] = [];
  let n = 1;
  /** What `oauth authorize --scope S` would leave behind: a new grant, from whichever AS the test says. */
  const authorizeAt = (issuer: string) => async (scope: string) => {
    stepUps.push(scope);
    n += 1;
    await store.saveGrant(grant({ issuer, tokenEndpoint: `${issuer}/token`, accessToken: `token-${n}`, scope, requestedScope: scope }));
  };
  return { store, lockDir, stepUps, logs, authorizeAt, ready: store.saveGrant(first) };
}

const rpc = (method: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method }) });
const bearer = (call: FetchCall) => call.headers.get('authorization')?.replace(/^Bearer /, '');

describe('authorizedFetch: step-up on 403 insufficient_scope', () => {
  it('authorizes the union of requested, granted and challenged scopes, then retries with the new token', async () => {
    const t = setup(grant({ scope: 'mcp:basic', requestedScope: 'mcp:basic offline_access' }));
    await t.ready;
    const fake = fakeFetch({
      [MCP]: (call) =>
        bearer(call) === 'token-1'
          ? json({ error: 'insufficient_scope' }, 403, { 'www-authenticate': `Bearer error="insufficient_scope", scope="mcp:write", resource_metadata="${PRM}"` })
          : json({ jsonrpc: '2.0', id: 1, result: { content: [] } }),
    });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch, stepUp: t.authorizeAt(AS1), log: (m) => t.logs.push(m) });
    const response = await f(MCP, rpc('tools/call'));
    expect(response.status).toBe(200);
    expect(t.stepUps).toEqual(['mcp:basic offline_access mcp:write']);
    expect(fake.calls.map(bearer)).toEqual(['token-1', 'token-2']);
    expect(t.logs).toEqual(['demo needs more permission (mcp:write); authorizing again']);
  });

  it('reads every challenge afresh: the second step-up adds the second challenge’s scope', async () => {
    const t = setup();
    await t.ready;
    const scopes: Record<string, string> = { 'token-1': 'mcp:write', 'token-2': 'mcp:admin' };
    const fake = fakeFetch({
      [MCP]: (call) => {
        const scope = scopes[bearer(call)!];
        return scope ? json({}, 403, { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` }) : json({ ok: true });
      },
    });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch, stepUp: t.authorizeAt(AS1) });
    expect((await f(MCP, rpc('tools/call'))).status).toBe(200);
    expect(t.stepUps).toEqual(['mcp:basic mcp:write', 'mcp:basic mcp:write mcp:admin']);
  });

  it('authorizes at most twice per command, across requests, then stops with one line (exit 7)', async () => {
    const t = setup();
    await t.ready;
    const fake = fakeFetch({ [MCP]: () => json({}, 403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="mcp:admin", error_description="never"' }) });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch, stepUp: t.authorizeAt(AS1) });
    const error = await oauthError(() => f(MCP, rpc('tools/list')));
    expect(error.code).toBe('insufficient_scope');
    expect(error.exitCode).toBe(7);
    expect(error.message).toBe('demo still demands more scope after 2 authorizations (mcp:admin)');
    expect(t.stepUps).toHaveLength(2);
    expect(fake.calls).toHaveLength(3);
    // The same command's next request does not start over.
    expect((await oauthError(() => f(MCP, rpc('tools/call')))).code).toBe('insufficient_scope');
    expect(t.stepUps).toHaveLength(2);
  });

  it('without a step-up, returns the 403 as it is', async () => {
    const t = setup();
    await t.ready;
    const fake = fakeFetch({ [MCP]: () => json({}, 403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="x"' }) });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch });
    expect((await f(MCP, rpc('tools/list'))).status).toBe(403);
  });
});

describe('authorizedFetch: the server moved to another authorization server (SEP-2352)', () => {
  const moved = (call: FetchCall) =>
    bearer(call)?.startsWith('token-') && bearer(call) !== 'token-1'
      ? json({ jsonrpc: '2.0', id: 1, result: { tools: [] } })
      : json({ error: 'invalid_token' }, 401, { 'www-authenticate': `Bearer error="invalid_token", scope="mcp:basic", resource_metadata="${PRM}"` });

  it('on a 401 re-reads the resource metadata, does not refresh at the old AS, and authorizes at the new one', async () => {
    const t = setup();
    await t.ready;
    const fake = fakeFetch({ [MCP]: moved, [PRM]: () => json({ resource: MCP, authorization_servers: [AS2] }) });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch, stepUp: t.authorizeAt(AS2), log: (m) => t.logs.push(m) });
    const response = await f(MCP, rpc('tools/list'));
    expect(response.status).toBe(200);
    expect(t.stepUps).toEqual(['mcp:basic']);
    // Said once, by the authorization itself (issuerChangeNotice), not here as well.
    expect(t.logs).toEqual([]);
    // Nothing went to either authorization server from here (no refresh with AS1's refresh token).
    expect(fake.urls()).toEqual([MCP, PRM, MCP]);
    expect((await t.store.grant('demo'))!.issuer).toBe(AS2);
  });

  it('follows the resource_metadata URL the 401 names', async () => {
    const t = setup();
    await t.ready;
    const named = 'https://mcp.example.com/custom/prm.json';
    const fake = fakeFetch({
      [MCP]: (call) => (bearer(call) === 'token-2' ? json({ ok: true }) : json({}, 401, { 'www-authenticate': `Bearer resource_metadata="${named}"` })),
      [named]: () => json({ resource: MCP, authorization_servers: [AS2] }),
    });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch, stepUp: t.authorizeAt(AS2) });
    expect((await f(MCP, rpc('tools/list'))).status).toBe(200);
    expect(fake.urls()).toEqual([MCP, named, MCP]);
    // No scope in the challenge: what was asked for before.
    expect(t.stepUps).toEqual(['mcp:basic']);
  });

  it('without a way to authorize, stops with exit 4 and a one-line reason; the old grant is never refreshed', async () => {
    const t = setup();
    await t.ready;
    const fake = fakeFetch({ [MCP]: moved, [PRM]: () => json({ resource: MCP, authorization_servers: [AS2] }) });
    const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch });
    let error: unknown;
    try {
      await f(MCP, rpc('tools/list'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ exitCode: 4, message: `demo now uses the authorization server ${AS2}; its grant from ${AS1} is not sent there` });
    expect(fake.urls().some((url) => url.startsWith(AS1) || url.startsWith(AS2))).toBe(false);
  });

  it('ignores resource metadata for another resource and an unchanged authorization server (then refreshes as usual)', async () => {
    for (const prm of [{ resource: 'https://evil.example.com/mcp', authorization_servers: [AS2] }, { resource: MCP, authorization_servers: [AS2, AS1] }]) {
      const t = setup(grant({ refreshToken: undefined }));
      await t.ready;
      const fake = fakeFetch({ [MCP]: moved, [PRM]: () => json(prm) });
      const f = authorizedFetch({ server: 'demo', store: t.store, lockDir: t.lockDir, fetch: fake.fetch, stepUp: t.authorizeAt(AS2) });
      // The refresh is attempted (no refresh token here, so: not authorized), and no re-authorization happens.
      await expect(f(MCP, rpc('tools/list'))).rejects.toMatchObject({ exitCode: 4 });
      expect(t.stepUps).toEqual([]);
    }
  });
});

describe('pre-registered clients belong to their issuer', () => {
  it('records the issuer of a client named with --client-id, and refuses that client at another issuer', async () => {
    const store = new OAuthStore(new MemoryKeychain());
    expect(await preRegisteredFor({ server: 'demo', clientId: 'static', clientSecret: 's' }, AS1, store, undefined)).toEqual({ clientId: 'static', clientSecret: 's' });
    expect(await store.preRegistered('demo')).toMatchObject({ clientId: 'static', issuer: AS1 });
    expect(await preRegisteredFor({ server: 'demo' }, AS1, store, undefined)).toEqual({ clientId: 'static', clientSecret: 's' });
    const error = await oauthError(() => preRegisteredFor({ server: 'demo' }, AS2, store, undefined));
    expect(error.code).toBe('issuer_changed');
    expect(error.message).toBe(`demo now uses the authorization server ${AS2}, but client static is registered with ${AS1}`);
    expect(error.hint).toContain('mcpkey oauth authorize demo --client-id');
    // Naming a client again binds it to the new issuer.
    await preRegisteredFor({ server: 'demo', clientId: 'static-2' }, AS2, store, undefined);
    expect(await store.preRegistered('demo')).toMatchObject({ clientId: 'static-2', issuer: AS2 });
  });

  it("binds the entry's client through the grant it obtained", async () => {
    const store = new OAuthStore(new MemoryKeychain());
    const previous = grant({ client: 'pre-registered', clientId: 'catalog-client' });
    expect(await preRegisteredFor({ server: 'demo', entryClientId: 'catalog-client' }, AS1, store, previous)).toEqual({ clientId: 'catalog-client' });
    expect((await oauthError(() => preRegisteredFor({ server: 'demo', entryClientId: 'catalog-client' }, AS2, store, previous))).code).toBe('issuer_changed');
  });

  it('tells the user in one line when the grant came from another authorization server', () => {
    expect(issuerChangeNotice('demo', grant(), AS1)).toBeUndefined();
    expect(issuerChangeNotice('demo', undefined, AS2)).toBeUndefined();
    expect(issuerChangeNotice('demo', grant(), AS2)).toBe(`demo now uses the authorization server ${AS2} (was ${AS1}); the client and grant from there are not used with it`);
  });
});
