/**
 * The 2026-07-28 authorization MUSTs and the interop fixes, against real peers: oidc-provider (RFC 9207
 * `iss`, RFC 8707, DCR), a second oidc-provider as the authorization server a server moves to, the
 * SDK v1 MCP server and the stateless 2026-07-28 server.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATIC_CLIENTS, startAuthServer, type ClientMetadata } from '../fixtures/auth-server.js';
import { startLegacyServer, startMcpServer } from '../fixtures/mcp-server.js';
import { startModernMcpServer } from '../fixtures/mcp-server-2026.js';
import { expectOneLine, requireSecretService, useSandbox } from './helpers.js';
import { expireGrant } from './grant-helpers.js';
import { useOAuthPeers, BROWSER_DRIVER, callTool, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

// Long-lived: a token expires when the test says so (expireGrant), never because a loaded machine was slow.
const TTL = 3600;
/** A pre-registered confidential client whose id and secret need (and do not need) form-encoding. */
const SPECIAL_ID = 'mcp.key_client-1~:x';
const SPECIAL_SECRET = 's3:cr~et_with space+%';
const SPECIAL: ClientMetadata = {
  client_id: SPECIAL_ID,
  client_secret: SPECIAL_SECRET,
  token_endpoint_auth_method: 'client_secret_basic',
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
};

const { as, mcp } = useOAuthPeers({ accessTokenTtl: TTL, clients: [...DEFAULT_STATIC_CLIENTS, SPECIAL] });
const sandbox = useSandbox();
const browserEnv = () => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

afterEach(() => {
  as.configure({ metadataOverrides: {}, issMismatch: false, omitIss: false });
  mcp.configure({ resourceOverride: undefined });
});

async function add(name: string, url: string): Promise<void> {
  const added = await sandbox.run(['server', 'add', name, '--url', url]);
  expect(added.code, added.stderr).toBe(0);
}

async function authorize(name: string, extra: string[] = [], input?: string) {
  return sandbox.run(['oauth', 'authorize', name, ...extra], { env: browserEnv(), timeoutMs: 180_000, ...(input ? { input } : {}) });
}

/** Exit 7, exactly one error line matching `pattern`, no stack, no grant. */
async function expectRefused(result: { code: number | null; stderr: string }, pattern: RegExp, server = 'demo'): Promise<void> {
  expectOneLine(result, 7, pattern);
  expect(await storedGrant(sandbox, server)).toBeUndefined();
}

const rawBasic = (header: string | undefined) => Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('RFC 9207: the issuer on the redirect', () => {
  it('refuses a response without iss from an AS that advertises it, at once, and never redeems the code', async () => {
    await add('demo', mcp.url);
    as.configure({ omitIss: true });
    const codeGrants = as.stats().authorizationCodeGrants;
    const started = Date.now();
    const result = await authorize('demo', ['--timeout', '300']);
    // The listener ends the wait itself: seconds, not the 300 s timeout.
    expect(Date.now() - started).toBeLessThan(45_000);
    await expectRefused(result, new RegExp(`the authorization response has no iss, although ${as.issuer} sends one`));
    expect(as.stats().authorizationCodeGrants).toBe(codeGrants);
  }, 300_000);

  it('refuses the trailing-slash variant of the issuer: simple string comparison', async () => {
    await add('demo', mcp.url);
    as.configure({ issMismatch: `${as.issuer}/` });
    const codeGrants = as.stats().authorizationCodeGrants;
    const result = await authorize('demo', ['--timeout', '300']);
    await expectRefused(result, /the authorization response came from issuer "http:\/\/127\.0\.0\.1:\d+\/", expected "http:\/\/127\.0\.0\.1:\d+"/);
    expect(as.stats().authorizationCodeGrants).toBe(codeGrants);
  }, 300_000);

  it('compares a present iss even when the AS does not advertise it', async () => {
    await add('demo', mcp.url);
    as.configure({ metadataOverrides: { authorization_response_iss_parameter_supported: undefined }, issMismatch: 'http://127.0.0.1:1/evil' });
    await expectRefused(await authorize('demo'), /came from issuer "http:\/\/127\.0\.0\.1:1\/evil"/);
  }, 300_000);

  it('metadata whose issuer differs only by a trailing slash is not used at all', async () => {
    await add('demo', mcp.url);
    as.configure({ metadataOverrides: { issuer: `${as.issuer}/` } });
    const before = as.stats();
    await expectRefused(await authorize('demo'), /names issuer "http:\/\/127\.0\.0\.1:\d+\/", expected http:\/\/127\.0\.0\.1:\d+ \(the trailing slash differs/);
    const after = as.stats();
    expect(after.registrations).toBe(before.registrations);
    expect(after.authorizationRequests).toBe(before.authorizationRequests);
    expect(after.tokenRequests).toBe(before.tokenRequests);
  });
});

describe('RFC 8707: resource exactly as published', () => {
  it('sends http://host:port without a trailing slash in the authorization, token and refresh requests', async () => {
    mcp.configure({ resourceOverride: mcp.origin });
    await add('demo', mcp.url);
    const result = await authorize('demo');
    expect(result.code, result.stderr).toBe(0);
    const authRequest = as.requests().filter((r) => r.query?.response_type === 'code').at(-1)!;
    expect(authRequest.query!.resource).toBe(mcp.origin);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.body?.grant_type === 'authorization_code').at(-1)!;
    expect(tokenRequest.body!.resource).toBe(mcp.origin);
    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(grant.resource).toBe(mcp.origin);
    expect(JSON.parse(await callTool(mcp.url, grant.accessToken, 'whoami'))).toMatchObject({ aud: [mcp.origin] });

    await expireGrant(sandbox, 'demo');
    expect((await sandbox.run(['oauth', 'token', 'demo'])).code).toBe(0);
    const refresh = as.requests().filter((r) => r.route === 'token' && r.body?.grant_type === 'refresh_token').at(-1)!;
    expect(refresh.status).toBe(200);
    expect(refresh.body!.resource).toBe(mcp.origin);
  }, 300_000);
});

describe('client_secret_basic per RFC 6749 §2.3.1', () => {
  it('sends unreserved characters as they are (static-basic, not static%2Dbasic)', async () => {
    await add('demo', mcp.url);
    const result = await authorize('demo', ['--client-id', 'static-basic', '--client-secret-stdin', '--client-auth', 'client_secret_basic'], 'static-basic-secret\n');
    expect(result.code, result.stderr).toBe(0);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.clientId === 'static-basic').at(-1)!;
    expect(rawBasic(tokenRequest.authorization)).toBe('static-basic:static-basic-secret');
  }, 300_000);

  it('form-encodes ":" , space, "+" and "%" so that a decoding server reads the id and secret back', async () => {
    await add('demo', mcp.url);
    const result = await authorize('demo', ['--client-id', SPECIAL_ID, '--client-secret-stdin', '--client-auth', 'client_secret_basic'], `${SPECIAL_SECRET}\n`);
    expect(result.code, result.stderr).toBe(0);
    const tokenRequest = as.requests().filter((r) => r.route === 'token' && r.clientId === SPECIAL_ID).at(-1)!;
    expect(tokenRequest.status).toBe(200);
    expect(rawBasic(tokenRequest.authorization)).toBe('mcp.key_client-1~%3Ax:s3%3Acr~et_with+space%2B%25');
    expect((await storedGrant(sandbox, 'demo'))!.clientId).toBe(SPECIAL_ID);
  }, 300_000);
});

describe('discovery finds the challenge where it is', () => {
  it('a 2026-07-28 server that lets initialize and server/discover through: the tools/list probe draws the challenge and its scope', async () => {
    const modern = await startModernMcpServer({
      legacy: 'stateless',
      auth: { authServerIssuer: as.issuer, requiredScopes: ['mcp:write'], unauthenticatedMethods: ['initialize', 'notifications/initialized', 'server/discover'] },
    });
    try {
      await add('modern', modern.url);
      const result = await authorize('modern');
      expect(result.code, result.stderr).toBe(0);
      const probe = modern.rpcRequests('tools/list')[0]!;
      expect(probe.status).toBe(401);
      expect(probe.headers['mcp-method']).toBe('tools/list');
      expect(probe.headers['mcp-protocol-version']).toBe('2026-07-28');
      expect(probe.headers.authorization).toBeUndefined();
      expect(modern.rpcRequests('initialize')).toHaveLength(0);
      // The challenged scope, not the resource metadata's scopes_supported.
      const authRequest = as.requests().filter((r) => r.query?.response_type === 'code').at(-1)!;
      expect(authRequest.query!.scope).toBe('mcp:write offline_access');
    } finally {
      await modern.close();
    }
  }, 300_000);
});

describe('credentials belong to their issuer (SEP-2352)', () => {
  async function movingServer() {
    const as2 = await startAuthServer({ accessTokenTtl: 60 });
    // Tokens are checked against the new AS; the resource metadata names the old one until told otherwise.
    const server = await startMcpServer({ authServerIssuer: as2.issuer, authorizationServers: [as.issuer] });
    return {
      as2,
      server,
      close: async () => {
        await server.close();
        await as2.close();
      },
    };
  }

  it('oauth authorize after the move: says so in one line, registers with the new AS, never shows it the old client_id', async () => {
    const { as2, server, close } = await movingServer();
    try {
      await add('moving', server.url);
      expect((await authorize('moving')).code).toBe(0);
      const first = (await storedGrant(sandbox, 'moving'))!;
      expect(first.issuer).toBe(as.issuer);

      server.configure({ authorizationServers: [as2.issuer] });
      const refreshesAtOld = as.stats().refreshGrants;
      const result = await authorize('moving');
      expect(result.code, result.stderr).toBe(0);
      const notices = result.stderr.split('\n').filter((line) => line.includes('now uses the authorization server'));
      expect(notices).toEqual([`moving now uses the authorization server ${as2.issuer} (was ${as.issuer}); the client and grant from there are not used with it`]);
      expect(as2.stats().registrations).toBe(1);
      expect(as2.requests().some((r) => r.clientId === first.clientId || r.query?.client_id === first.clientId || r.body?.client_id === first.clientId)).toBe(false);
      expect(as.stats().refreshGrants).toBe(refreshesAtOld);
      const second = (await storedGrant(sandbox, 'moving'))!;
      expect(second.issuer).toBe(as2.issuer);
      expect(second.clientId).not.toBe(first.clientId);
      expect(await sandbox.keychainValue(`oauth-dcr:${as2.issuer}`)).toContain(second.clientId);
      expect(JSON.parse(await callTool(server.url, second.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });
    } finally {
      await close();
    }
  }, 300_000);

  it('tools list after the move: the 401 leads to the new AS, not to a refresh at the old one', async () => {
    const { as2, server, close } = await movingServer();
    try {
      await add('moving', server.url);
      expect((await authorize('moving')).code).toBe(0);
      const first = (await storedGrant(sandbox, 'moving'))!;
      server.configure({ authorizationServers: [as2.issuer] });
      const refreshesAtOld = as.stats().refreshGrants;
      const result = await sandbox.run(['tools', 'list', 'moving', '--json', '--authorize'], { env: browserEnv(), timeoutMs: 120_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toBeTruthy();
      expect(result.stderr).toContain(`moving now uses the authorization server ${as2.issuer} (was ${as.issuer})`);
      expect(as.stats().refreshGrants).toBe(refreshesAtOld);
      expect(as2.stats().registrations).toBe(1);
      expect(as2.requests().some((r) => r.clientId === first.clientId || r.query?.client_id === first.clientId)).toBe(false);
      expect((await storedGrant(sandbox, 'moving'))!.issuer).toBe(as2.issuer);
    } finally {
      await close();
    }
  }, 300_000);

  it('a pre-registered client is not presented to the new AS: one clear error instead', async () => {
    const { as2, server, close } = await movingServer();
    try {
      await add('moving', server.url);
      expect((await authorize('moving', ['--client-id', 'static-public'])).code).toBe(0);
      server.configure({ authorizationServers: [as2.issuer] });
      const result = await authorize('moving');
      expectOneLine(result, 7, /^mcpkey: moving now uses the authorization server /);
      expect(result.stderr).toContain(
        `mcpkey: moving now uses the authorization server ${as2.issuer}, but client static-public is registered with ${as.issuer} — register a client with the new provider and run \`mcpkey oauth authorize moving --client-id <id>\`\n`,
      );
      expect(as2.requests().some((r) => r.query?.client_id === 'static-public' || r.clientId === 'static-public')).toBe(false);
      expect(as2.stats().authorizationRequests).toBe(0);
    } finally {
      await close();
    }
  }, 300_000);
});

describe('2025-03-26 servers whose metadata names an issuer under the origin', () => {
  it('accepts {origin}/oauth on the legacy path and holds the flow to it (iss, grant, registration)', async () => {
    const legacy = await startLegacyServer({ authPath: '/oauth' });
    try {
      await add('legacy', legacy.url);
      const result = await authorize('legacy');
      expect(result.code, result.stderr).toBe(0);
      expect(legacy.issuer).toBe(`${legacy.origin}/oauth`);
      expect(result.stderr).toContain(`${legacy.origin}/oauth/authorize?`);
      const grant = (await storedGrant(sandbox, 'legacy'))!;
      expect(grant.issuer).toBe(legacy.issuer);
      expect(await sandbox.keychainValue(`oauth-dcr:${legacy.issuer}`)).toContain(grant.clientId);
      expect(JSON.parse(await callTool(legacy.url, grant.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });

      // Held to it: a redirect carrying the origin as iss is refused.
      legacy.auth.configure({ issMismatch: legacy.origin });
      const refused = await authorize('legacy');
      expect(refused.code).toBe(7);
      expect(refused.stderr).toContain(`came from issuer ${JSON.stringify(legacy.origin)}, expected ${JSON.stringify(legacy.issuer)}`);
    } finally {
      await legacy.close();
    }
  }, 300_000);
});
