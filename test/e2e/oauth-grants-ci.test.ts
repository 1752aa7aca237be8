/**
 * CI-shaped: no D-Bus (no keychain), no terminal, nothing but environment variables. A client-credentials
 * server and a GitHub Actions OIDC (jwt-bearer) server work with `tools call` and `oauth token`; the token
 * lives in the process only and is written nowhere.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';
import { createWorkloadIssuer, jwtBearerGrant, JWT_BEARER, startActionsTokenService, type ActionsTokenService, type JwtBearerLog } from '../fixtures/workload-identity.js';
import { expectOneLine, filesUnder, useSandbox } from './helpers.js';
import { INITIALIZE, rawBridge } from './raw-bridge.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: join('/nonexistent', 'runtime') };
const SECRET = 'ci-client-secret-0123456789abcdef';
const MACHINE = { redirect_uris: [], response_types: [] };

let as: AuthServer;
let mcp: McpResourceServer;
let actions: ActionsTokenService;
const bearerLog: JwtBearerLog = { accepted: [], refused: [] };

beforeAll(async () => {
  const workload = await createWorkloadIssuer('https://token.actions.githubusercontent.test');
  actions = await startActionsTokenService(workload);
  as = await startAuthServer({
    clientCredentials: true,
    accessTokenTtl: 3600,
    extend: jwtBearerGrant(workload, bearerLog),
    clients: [
      { ...MACHINE, client_id: 'ci-bot', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] },
      { ...MACHINE, client_id: 'gha', token_endpoint_auth_method: 'none', grant_types: [JWT_BEARER] },
    ],
  });
  mcp = await startMcpServer({ authServerIssuer: as.issuer });
});
afterAll(async () => {
  await mcp?.close();
  await as?.close();
  await actions?.close();
});

const sandbox = useSandbox();

function tokenRequests(from: number): number {
  return as.requests().slice(from).filter((entry) => entry.route === 'token').length;
}

describe('CI: no D-Bus, no terminal, only environment variables', () => {
  it('client credentials: tools call and oauth token work, each command gets its own token, none is written to disk', async () => {
    const added = await sandbox.run(['server', 'add', 'tracker', '--url', mcp.url, '--grant', 'client-credentials', '--client-id', 'ci-bot'], { env: NO_DBUS });
    expect(added.code, added.stderr).toBe(0);
    const env = { ...NO_DBUS, TRACKER_OAUTH_CLIENT_SECRET: SECRET };
    const from = as.requests().length;
    const called = await sandbox.run(['tools', 'call', 'tracker', 'echo', '--arg', 'text=from ci'], { env, timeoutMs: 90_000 });
    expect(called.code, called.stderr).toBe(0);
    expect(called.stdout).toContain('from ci');
    expect(called.stderr).toBe('');
    const token = await sandbox.run(['oauth', 'token', 'tracker'], { env });
    expect(token.code, token.stderr).toBe(0);
    const accessToken = token.stdout.trim();
    expect(accessToken).not.toBe('');
    expect((await as.introspect(accessToken)).active).toBe(true);
    // Without a keychain there is nowhere safe to keep it: every command runs the grant once.
    expect(tokenRequests(from)).toBe(2);
    for (const file of await filesUnder(sandbox.dir)) {
      expect(file.content, file.path).not.toContain(accessToken);
      expect(file.content, file.path).not.toContain(SECRET);
    }
  }, 120_000);

  it('client credentials through the run bridge: the grant is obtained before the client talks, tools/call works', async () => {
    const added = await sandbox.run(['server', 'add', 'tracker', '--url', mcp.url, '--grant', 'client-credentials', '--client-id', 'ci-bot'], { env: NO_DBUS });
    expect(added.code, added.stderr).toBe(0);
    const bridge = rawBridge(sandbox, ['tracker'], { ...NO_DBUS, TRACKER_OAUTH_CLIENT_SECRET: SECRET } as unknown as Record<string, string>);
    try {
      bridge.send(INITIALIZE);
      expect(await bridge.response(0)).toHaveProperty('result');
      bridge.send({ method: 'notifications/initialized' });
      bridge.send({ id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'bridged' } } });
      expect(JSON.stringify(await bridge.response(1))).toContain('bridged');
    } finally {
      await bridge.close();
    }
    expect(bridge.stderr()).not.toContain(SECRET);
  }, 120_000);

  it('a missing secret in CI is one line, exit 7, naming the variable to set', async () => {
    await sandbox.run(['server', 'add', 'tracker', '--url', mcp.url, '--grant', 'client-credentials', '--client-id', 'ci-bot'], { env: NO_DBUS });
    const result = await sandbox.run(['tools', 'call', 'tracker', 'echo', '--arg', 'text=x'], { env: NO_DBUS });
    expectOneLine(result, 7, /tracker\.oauth_client_secret/);
  }, 120_000);

  it('GitHub Actions OIDC: the job token is fetched with the request token and the audience, and exchanged (jwt-bearer)', async () => {
    const added = await sandbox.run(['server', 'add', 'gh', '--url', mcp.url, '--grant', 'jwt-bearer', '--client-id', 'gha', '--github-oidc'], { env: NO_DBUS });
    expect(added.code, added.stderr).toBe(0);
    const env = { ...NO_DBUS, ACTIONS_ID_TOKEN_REQUEST_URL: actions.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: actions.requestToken };
    const audiences = actions.audiences.length;
    const called = await sandbox.run(['tools', 'call', 'gh', 'whoami'], { env, timeoutMs: 90_000 });
    expect(called.code, called.stderr).toBe(0);
    expect(JSON.parse(called.stdout)).toMatchObject({ client_id: 'gha', aud: [mcp.url] });
    // The default audience is the authorization server, which is what it checks the assertion for.
    expect(actions.audiences.slice(audiences)).toEqual([as.issuer]);
    expect(bearerLog.accepted.at(-1)).toMatchObject({ sub: 'repo:acme/app:ref:refs/heads/main', clientId: 'gha' });
    expect(JSON.stringify(sandbox.transcript)).not.toContain(actions.requestToken);
  }, 120_000);

  it('GitHub Actions OIDC with another --audience: the authorization server refuses it, one line, exit 7, no retry', async () => {
    await sandbox.run(['server', 'add', 'gh', '--url', mcp.url, '--grant', 'jwt-bearer', '--client-id', 'gha', '--github-oidc', '--audience', 'api://elsewhere'], { env: NO_DBUS });
    const env = { ...NO_DBUS, ACTIONS_ID_TOKEN_REQUEST_URL: actions.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: actions.requestToken };
    const audiences = actions.audiences.length;
    const from = as.requests().length;
    const result = await sandbox.run(['oauth', 'token', 'gh'], { env });
    expectOneLine(result, 7, /invalid_grant/);
    expect(actions.audiences.slice(audiences)).toEqual(['api://elsewhere']);
    expect(tokenRequests(from)).toBe(1);
  }, 120_000);

  it('GitHub Actions OIDC outside Actions (no request variables) or with a wrong request token: one line, exit 7', async () => {
    await sandbox.run(['server', 'add', 'gh', '--url', mcp.url, '--grant', 'jwt-bearer', '--client-id', 'gha', '--github-oidc'], { env: NO_DBUS });
    const outside = await sandbox.run(['oauth', 'token', 'gh'], { env: NO_DBUS });
    expectOneLine(outside, 7, /ACTIONS_ID_TOKEN_REQUEST_URL/);
    expect(outside.stderr).toMatch(/id-token: write/);
    const refused = actions.refused;
    const wrong = await sandbox.run(['oauth', 'token', 'gh'], { env: { ...NO_DBUS, ACTIONS_ID_TOKEN_REQUEST_URL: actions.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-request-token' } });
    expectOneLine(wrong, 7, /HTTP 401/);
    expect(actions.refused).toBe(refused + 1);
    expect(wrong.stderr).not.toContain('wrong-request-token');
  }, 120_000);
});
