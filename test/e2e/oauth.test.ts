import { beforeAll, describe, expect, it } from 'vitest';
import { startLegacyServer } from '../fixtures/mcp-server.js';
import { filesUnder, requireSecretService, runInTerminal, useSandbox } from './helpers.js';
import { expireGrant } from './grant-helpers.js';
import { useOAuthPeers, BROWSER_DRIVER, callTool, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

// Long-lived: a token expires when the test says so (expireGrant), never because a loaded machine was slow.
const TTL = 3600;

const { as, mcp } = useOAuthPeers({ accessTokenTtl: TTL });
const sandbox = useSandbox();

const browserEnv = () => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

async function addDemo(url = mcp.url, name = 'demo', extra: string[] = []): Promise<void> {
  const added = await sandbox.run(['server', 'add', name, '--url', url, ...extra]);
  expect(added.code, added.stderr).toBe(0);
}

describe('oauth authorize with a real browser, then use, refresh and revoke the grant', () => {
  it('authorizes through discovery + DCR + PKCE + resource indicators, and the token works at the MCP server', async () => {
    await addDemo();
    const registrationsBefore = as.stats().registrations;
    const result = await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${as.issuer}/authorize?`);
    expect(as.stats().registrations).toBe(registrationsBefore + 1);

    // The requests carried PKCE S256, state, the resource, and the challenged scope.
    const authRequest = as.requests().filter((r) => r.query?.response_type === 'code').at(-1)!;
    // The challenged scope, plus offline_access because the AS lists it.
    expect(authRequest.query).toMatchObject({ code_challenge_method: 'S256', resource: mcp.url, scope: 'mcp:read offline_access' });
    expect(authRequest.query!.state).toMatch(/.{16,}/);
    expect(authRequest.query!.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.body?.grant_type === 'authorization_code').at(-1)!;
    expect(tokenRequest.body).toMatchObject({ resource: mcp.url });
    expect(tokenRequest.body!.code_verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);

    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(grant).toMatchObject({ issuer: as.issuer, resource: mcp.url, client: 'dynamic', scope: 'mcp:read' });
    expect(grant.refreshToken).toBeTruthy();

    const ls = JSON.parse((await sandbox.run(['oauth', 'ls', '--json'])).stdout);
    const demo = ls.servers.find((s: { name: string }) => s.name === 'demo');
    expect(demo).toMatchObject({ status: 'authorized', issuer: as.issuer, scopes: ['mcp:read'], client: 'dynamic' });
    expect(demo.expiresIn).toBeGreaterThan(0);
    expect(demo.expiresIn).toBeLessThanOrEqual(TTL);
    expect(Date.parse(demo.expiresAt)).toBeGreaterThan(Date.now());

    const inspect = JSON.parse((await sandbox.run(['server', 'inspect', 'demo', '--json'])).stdout);
    expect(inspect).toMatchObject({ kind: 'oauth', ready: true, oauth: { status: 'authorized', issuer: as.issuer, scopes: ['mcp:read'] } });

    const token = await sandbox.run(['oauth', 'token', 'demo']);
    expect(token.code).toBe(0);
    expect(token.stdout).toBe(`${grant.accessToken}\n`);
    const whoami = JSON.parse(await callTool(mcp.url, grant.accessToken, 'whoami'));
    expect(whoami).toMatchObject({ sub: 'alice', aud: [mcp.url] });

    expect((await sandbox.run(['oauth', 'token', 'demo', '--header'])).stdout).toBe(`Authorization: Bearer ${grant.accessToken}\n`);
    expect(JSON.parse((await sandbox.run(['oauth', 'token', 'demo', '--json'])).stdout)).toEqual({ Authorization: `Bearer ${grant.accessToken}` });

    // Near expiry, `oauth token` refreshes first; the rotated-out refresh token is dead at the AS.
    await expireGrant(sandbox, 'demo');
    const refreshesBefore = as.stats().refreshGrants;
    const refreshed = await sandbox.run(['oauth', 'token', 'demo']);
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(as.stats().refreshGrants).toBe(refreshesBefore + 1);
    const renewed = (await storedGrant(sandbox, 'demo'))!;
    expect(refreshed.stdout).toBe(`${renewed.accessToken}\n`);
    expect(renewed.accessToken).not.toBe(grant.accessToken);
    expect(renewed.refreshToken).not.toBe(grant.refreshToken);
    expect((await as.introspect(grant.refreshToken!)).active).toBe(false);
    expect((await as.introspect(renewed.refreshToken!)).active).toBe(true);
    expect(JSON.parse(await callTool(mcp.url, renewed.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });

    // 20 concurrent `oauth token` calls across expiry: all succeed with the same token, one refresh.
    await expireGrant(sandbox, 'demo');
    const before = as.stats().refreshGrants;
    const runs = await Promise.all(Array.from({ length: 20 }, () => sandbox.run(['oauth', 'token', 'demo'], { timeoutMs: 60_000 })));
    expect(runs.map((run) => run.code)).toEqual(Array(20).fill(0));
    expect(as.stats().refreshGrants).toBe(before + 1);
    const latest = (await storedGrant(sandbox, 'demo'))!;
    expect(new Set(runs.map((run) => run.stdout))).toEqual(new Set([`${latest.accessToken}\n`]));
    expect((await as.introspect(latest.accessToken)).active).toBe(true);

    // Revocation: the AS reports the tokens inactive, the grant is gone locally.
    const revoke = await sandbox.run(['oauth', 'revoke', 'demo']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stderr).toMatch(/refresh token revoked, access token revoked at the server/);
    expect((await as.introspect(latest.accessToken)).active).toBe(false);
    expect((await as.introspect(latest.refreshToken!)).active).toBe(false);
    expect(await storedGrant(sandbox, 'demo')).toBeUndefined();
    const after = await sandbox.run(['oauth', 'token', 'demo']);
    expect(after.code).toBe(4);
    expect(after.stderr).toMatch(/demo is not authorized — run `mcpkey oauth authorize demo`/);

    // Nothing of the grant reached a file or any output but `oauth token`'s.
    const code = String(tokenRequest.body!.code);
    expect(code.length).toBeGreaterThan(10);
    const secrets = [code, grant.accessToken, grant.refreshToken!, renewed.accessToken, renewed.refreshToken!, latest.accessToken, latest.refreshToken!];
    for (const { args, stdout, stderr } of sandbox.transcript) {
      for (const value of secrets) {
        expect(stderr, `stderr of ${args.join(' ')}`).not.toContain(value);
        if (!(args[0] === 'oauth' && args[1] === 'token')) expect(stdout, `stdout of ${args.join(' ')}`).not.toContain(value);
      }
    }
    for (const file of await filesUnder(sandbox.home)) for (const value of secrets) expect(file.content, file.path).not.toContain(value);
  }, 300_000);

  it('reuses the dynamic registration for a second authorization, and a dead grant is forgotten', async () => {
    await addDemo();
    expect((await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 })).code).toBe(0);
    const registrations = as.stats().registrations;
    const first = (await storedGrant(sandbox, 'demo'))!;
    expect((await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 })).code).toBe(0);
    expect(as.stats().registrations).toBe(registrations);
    expect((await storedGrant(sandbox, 'demo'))!.clientId).toBe(first.clientId);

    // Replaying a rotated refresh token makes the AS revoke the grant: the next refresh gets invalid_grant.
    const current = (await storedGrant(sandbox, 'demo'))!;
    await fetch(as.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refreshToken!, client_id: current.clientId, resource: mcp.url }),
    });
    await expireGrant(sandbox, 'demo');
    const token = await sandbox.run(['oauth', 'token', 'demo']);
    expect(token.code).toBe(4);
    expect(token.stderr.trim().split('\n')).toHaveLength(1);
    expect(token.stderr).toMatch(/no longer valid \(invalid_grant\) — run `mcpkey oauth authorize demo`/);
    expect(await storedGrant(sandbox, 'demo')).toBeUndefined();
  }, 300_000);

  it('server disable clears the grant and the registration', async () => {
    await addDemo();
    expect((await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 })).code).toBe(0);
    expect(await sandbox.keychainValue(`oauth-dcr:${as.issuer}`)).toBeDefined();
    expect((await sandbox.run(['server', 'disable', 'demo'])).code).toBe(0);
    expect(await storedGrant(sandbox, 'demo')).toBeUndefined();
    expect(await sandbox.keychainValue(`oauth-dcr:${as.issuer}`)).toBeUndefined();
  }, 300_000);
});

describe('other client identities and flows', () => {
  it.each([
    ['static-basic', 'static-basic-secret', 'client_secret_basic'],
    ['static-post', 'static-post-secret', 'client_secret_post'],
  ])('pre-registered confidential client %s (%s)', async (clientId, secret, method) => {
    await addDemo();
    const result = await sandbox.run(
      ['oauth', 'authorize', 'demo', '--client-id', clientId, '--client-secret-stdin', '--client-auth', method],
      { input: `${secret}\n`, env: browserEnv(), timeoutMs: 180_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.clientId === clientId).at(-1)!;
    if (method === 'client_secret_basic') {
      expect(tokenRequest.authorization).toMatch(/^Basic /);
      expect(tokenRequest.body?.client_secret).toBeUndefined();
    } else {
      expect(tokenRequest.authorization).toBeUndefined();
      expect(tokenRequest.body?.client_secret).toBe(secret);
    }
    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(grant).toMatchObject({ client: 'pre-registered', clientId });
    // The secret is kept in the keychain for refreshes; it never reached output or files.
    expect(await sandbox.keychainValue('oauth-client:demo')).toContain(secret);
    for (const { stdout, stderr } of sandbox.transcript) expect(stdout + stderr).not.toContain(secret);
    for (const file of await filesUnder(sandbox.home)) expect(file.content).not.toContain(secret);
    // A refresh authenticates the same way.
    await expireGrant(sandbox, 'demo');
    expect((await sandbox.run(['oauth', 'token', 'demo'])).code).toBe(0);
    const refresh = as.requests().filter((r) => r.route === 'token' && r.body?.grant_type === 'refresh_token' && r.clientId === clientId).at(-1)!;
    expect(refresh.status).toBe(200);
  }, 300_000);

  it('device flow', async () => {
    await addDemo();
    const result = await sandbox.run(['oauth', 'authorize', 'demo', '--device'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/enter the code [A-Z0-9-]+/);
    expect(as.stats().deviceCodeGrants).toBeGreaterThan(0);
    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(JSON.parse(await callTool(mcp.url, grant.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });
  }, 300_000);

  it('2025-03-26 server: AS metadata at the MCP origin', async () => {
    const legacy = await startLegacyServer();
    try {
      await addDemo(legacy.url);
      const result = await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 });
      expect(result.code, result.stderr).toBe(0);
      const grant = (await storedGrant(sandbox, 'demo'))!;
      expect(grant.issuer).toBe(legacy.origin);
      expect(JSON.parse(await callTool(legacy.url, grant.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });
    } finally {
      await legacy.close();
    }
  }, 300_000);

  it('2025-03-26 server without any metadata: /authorize, /token, /register at the origin', async () => {
    const legacy = await startLegacyServer({ auth: { noMetadata: true } });
    try {
      await addDemo(legacy.url);
      const result = await sandbox.run(['oauth', 'authorize', 'demo'], { env: browserEnv(), timeoutMs: 180_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`${legacy.origin}/authorize?`);
      expect(legacy.auth.stats().registrations).toBe(1);
      const grant = (await storedGrant(sandbox, 'demo'))!;
      expect(JSON.parse(await callTool(legacy.url, grant.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });
    } finally {
      await legacy.close();
    }
  }, 300_000);
});

describe('server enable on a terminal', () => {
  it('offers to authorize an OAuth server right away', async () => {
    await addDemo();
    const result = await runInTerminal(sandbox, ['server', 'enable', 'demo'], [{ prompt: 'Authorize demo now?', answer: 'y' }], {
      env: browserEnv(),
      timeoutMs: 180_000,
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('Enabled demo');
    expect(result.stdout).toContain('Authorized demo');
    expect((await storedGrant(sandbox, 'demo'))!.issuer).toBe(as.issuer);
  }, 300_000);
});
