/**
 * DPoP (RFC 9449, MCP SEP-1932) against real peers: oidc-provider with its dPoP feature (with and
 * without nonces) and an MCP server that accepts only DPoP-bound tokens and checks every proof
 * (test/fixtures/dpop-mcp-server.ts). Authorization in headless Chromium, `tools`, the `run` bridge,
 * refresh, step-up, nonces from both servers, `oauth token` refusing, the key never on disk.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer, type RequestLogEntry } from '../fixtures/auth-server.js';
import { jwkThumbprint, startDPoPMcpServer, type DPoPMcpServer, type DPoPRequestLogEntry } from '../fixtures/dpop-mcp-server.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';
import { expireGrant } from './grant-helpers.js';
import { expectOneLine, filesUnder, requireSecretService, useSandbox } from './helpers.js';
import { textOf, withLocalSession } from './local-clients.js';
import { BROWSER_DRIVER } from './oauth-helpers.js';

beforeAll(requireSecretService);

/** Long-lived: a token expires when the test says so (expireGrant), never because a loaded machine was slow. */
const TTL = 3600;

let as: AuthServer;
let rs: DPoPMcpServer;
let asNonce: AuthServer;
let rsNonce: DPoPMcpServer;
/** A Bearer-only MCP server behind the same authorization server (which advertises DPoP). */
let bearerRs: McpResourceServer;
/** Client credentials (no browser) at a DPoP authorization server that demands nonces. */
let asMachine: AuthServer;
let rsMachine: DPoPMcpServer;
const MACHINE_SECRET = 'cc-dpop-secret-0123456789abcdef';

beforeAll(async () => {
  as = await startAuthServer({ accessTokenTtl: TTL });
  rs = await startDPoPMcpServer({ authServerIssuer: as.issuer });
  asNonce = await startAuthServer({ accessTokenTtl: TTL, dpopNonce: true });
  rsNonce = await startDPoPMcpServer({ authServerIssuer: asNonce.issuer, requireNonce: true });
  bearerRs = await startMcpServer({ authServerIssuer: as.issuer });
  asMachine = await startAuthServer({
    accessTokenTtl: TTL,
    dpopNonce: true,
    clientCredentials: true,
    clients: [{ client_id: 'cc-dpop', client_secret: MACHINE_SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
  });
  rsMachine = await startDPoPMcpServer({ authServerIssuer: asMachine.issuer, requireNonce: true });
});
afterAll(async () => {
  await Promise.all([rs?.close(), rsNonce?.close(), bearerRs?.close(), rsMachine?.close()]);
  await Promise.all([as?.close(), asNonce?.close(), asMachine?.close()]);
});

const sandbox = useSandbox();
const browserEnv = () => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

interface Grant {
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  dpop?: { alg: string; jwk: Record<string, string> };
}

async function grantOf(name: string): Promise<Grant> {
  const raw = await sandbox.keychainValue(`oauth:${name}`);
  if (raw === undefined) throw new Error(`no grant for ${name}`);
  return JSON.parse(raw) as Grant;
}

async function authorized(name: string, url: string, ...extra: string[]): Promise<Grant> {
  expect((await sandbox.run(['server', 'add', name, '--url', url])).code).toBe(0);
  const result = await sandbox.run(['oauth', 'authorize', name, ...extra], { env: browserEnv(), timeoutMs: 180_000 });
  expect(result.code, result.stderr).toBe(0);
  return grantOf(name);
}

const claimsOf = (jwt: string | undefined): Record<string, unknown> => JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString('utf8'));
const headerOf = (jwt: string | undefined): Record<string, any> => JSON.parse(Buffer.from(jwt!.split('.')[0]!, 'base64url').toString('utf8'));
const ath = (token: string) => createHash('sha256').update(token).digest('base64url');
const tokenRequests = (server: AuthServer, grantType: string): RequestLogEntry[] => server.requests().filter((entry) => entry.route === 'token' && entry.body?.grant_type === grantType);
const posts = (server: DPoPMcpServer): DPoPRequestLogEntry[] => server.requests().filter((entry) => entry.method === 'POST');

/**
 * Every request passed the DPoP checks, with the DPoP scheme and one proof of the grant's key for this
 * token, each proof new. (The SDK v1 server answers a 2026-07-28 probe with 400 after the checks.)
 */
function expectProven(entries: DPoPRequestLogEntry[], grant: Grant, url: string): void {
  expect(entries.filter((entry) => entry.status === 200).length).toBeGreaterThan(0);
  const jkt = jwkThumbprint(grant.dpop!.jwk);
  for (const entry of entries) {
    expect({ admitted: entry.admitted, rejection: entry.rejection }).toEqual({ admitted: true, rejection: undefined });
    expect(entry).toMatchObject({ scheme: 'DPoP', token: grant.accessToken, proofs: 1, jkt });
    expect(entry.proof).toMatchObject({ htm: 'POST', htu: url, ath: ath(grant.accessToken) });
  }
  const jtis = entries.map((entry) => entry.proof!.jti);
  expect(new Set(jtis).size).toBe(jtis.length);
}

describe('authorization binds the grant to a key of its own', () => {
  it('proofs at the token endpoint, token_type DPoP, dpop_jkt; the private key only in the keychain; oauth ls and oauth token', async () => {
    const grant = await authorized('dp', rs.url);
    expect(grant.tokenType).toBe('DPoP');
    expect(grant.dpop).toMatchObject({ alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', d: expect.any(String) } });
    const jkt = jwkThumbprint(grant.dpop!.jwk);
    // The code was bound to the key at the authorization endpoint (RFC 9449 §10), redeemed with a proof of it.
    const authorization = as.requests().filter((entry) => entry.query?.response_type === 'code').at(-1)!;
    expect(authorization.query!.dpop_jkt).toBe(jkt);
    const [redeemed] = tokenRequests(as, 'authorization_code').slice(-1);
    expect(redeemed!.status).toBe(200);
    expect(headerOf(redeemed!.dpop)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(headerOf(redeemed!.dpop).jwk.d).toBeUndefined();
    expect(claimsOf(redeemed!.dpop)).toMatchObject({ htm: 'POST', htu: as.endpoints.token });
    expect(await as.introspect(grant.accessToken)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });

    // Neither the key nor the tokens were written anywhere but the keychain.
    for (const file of await filesUnder(sandbox.dir)) {
      for (const secret of [grant.dpop!.jwk.d!, grant.accessToken, grant.refreshToken!]) expect({ file: file.path, leaked: file.content.includes(secret) }).toEqual({ file: file.path, leaked: false });
    }

    const listed = JSON.parse((await sandbox.run(['oauth', 'ls', '--json'])).stdout);
    expect(listed.servers.find((item: { name: string }) => item.name === 'dp')).toMatchObject({ status: 'authorized', tokenType: 'DPoP' });
    expect((await sandbox.run(['oauth', 'ls'])).stdout).toMatch(/dp\s+authorized\s+authorization-code\s+DPoP/);

    const token = await sandbox.run(['oauth', 'token', 'dp', '--header']);
    expectOneLine(token, 7, /bound to a DPoP key and cannot be used as a plain Authorization header/);
    expect(token.stdout).toBe('');
    const json = await sandbox.run(['oauth', 'token', 'dp', '--json']);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'dpop_bound_token', exitCode: 7, hint: expect.stringContaining('mcpkey run dp') });
    for (const run of sandbox.transcript) expect(`${run.stdout}${run.stderr}`).not.toContain(grant.accessToken);
  }, 300_000);
});

describe('every MCP request carries a fresh proof', () => {
  it('tools list and tools call: DPoP scheme, one proof each with htm, htu, ath and a new jti', async () => {
    const grant = await authorized('dp', rs.url);
    rs.clearRequests();
    const listed = await sandbox.run(['tools', 'list', 'dp', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).tools.map((tool: { name: string }) => tool.name)).toEqual(expect.arrayContaining(['whoami', 'echo', 'admin']));
    const called = await sandbox.run(['tools', 'call', 'dp', 'echo', '--arg', 'text=proven']);
    expect(called).toMatchObject({ code: 0, stdout: 'proven\n' });
    expectProven(posts(rs), grant, rs.url);
    expect(posts(rs).flatMap((entry) => entry.toolNames)).toContain('echo');
  }, 300_000);

  it('the run bridge: a 2025-11-25 client sees plain results while each request is proven', async () => {
    const grant = await authorized('dp', rs.url);
    rs.clearRequests();
    await withLocalSession(sandbox, '2025-11-25', 'dp', { env: browserEnv() }, async (session) => {
      expect(textOf(await session.call('echo', { text: 'one' }))).toBe('one');
      expect(JSON.parse(textOf(await session.call('whoami')))).toMatchObject({ sub: 'alice', bound: 'DPoP' });
    });
    expectProven(posts(rs), grant, rs.url);
  }, 300_000);
});

describe('refresh and step-up keep to DPoP', () => {
  it('an expired token is refreshed with a proof of the same key; the new token is bound to it', async () => {
    const before = await authorized('dp', rs.url);
    await expireGrant(sandbox, 'dp', as);
    rs.clearRequests();
    const called = await sandbox.run(['tools', 'call', 'dp', 'echo', '--arg', 'text=renewed']);
    expect(called).toMatchObject({ code: 0, stdout: 'renewed\n' });
    const [refresh] = tokenRequests(as, 'refresh_token').slice(-1);
    expect(refresh!.status).toBe(200);
    expect(headerOf(refresh!.dpop).jwk).toMatchObject({ x: before.dpop!.jwk.x, y: before.dpop!.jwk.y });
    const after = await grantOf('dp');
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after).toMatchObject({ tokenType: 'DPoP', dpop: before.dpop });
    expectProven(posts(rs), after, rs.url);
  }, 300_000);

  it('a DPoP 403 insufficient_scope is read like a Bearer one: tools call --authorize steps up, with a new key', async () => {
    const before = await authorized('dp', rs.url);
    rs.clearRequests();
    const result = await sandbox.run(['tools', 'call', 'dp', 'admin', '--authorize'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('admin ok for alice\n');
    const admin = posts(rs).filter((entry) => entry.toolNames.includes('admin'));
    expect(admin.map((entry) => entry.status)).toEqual([403, 200]);
    expect(admin[0]!.wwwAuthenticate).toMatch(/^DPoP .*error="insufficient_scope"/);
    const after = await grantOf('dp');
    expect(after.tokenType).toBe('DPoP');
    expect(after.dpop!.jwk.x).not.toBe(before.dpop!.jwk.x);
    expect(as.requests().filter((entry) => entry.query?.response_type === 'code').at(-1)!.query!.scope!.split(' ')).toEqual(expect.arrayContaining(['mcp:read', 'mcp:admin']));
  }, 300_000);
});

describe('server nonces', () => {
  it('the token endpoint and the MCP server demand nonces: each is answered once with it, then remembered', async () => {
    const grant = await authorized('dpn', rsNonce.url);
    // Authorization: 400 use_dpop_nonce, then the same request with the nonce.
    const redeem = tokenRequests(asNonce, 'authorization_code');
    expect(redeem.map((entry) => entry.status)).toEqual([400, 200]);
    expect(claimsOf(redeem[0]!.dpop).nonce).toBeUndefined();
    expect(claimsOf(redeem[1]!.dpop).nonce).toEqual(expect.any(String));

    rsNonce.clearRequests();
    const called = await sandbox.run(['tools', 'call', 'dpn', 'echo', '--arg', 'text=nonce']);
    expect(called).toMatchObject({ code: 0, stdout: 'nonce\n' });
    const sent = posts(rsNonce);
    // One challenge for the process, on its first request; every later request carried the nonce.
    expect(sent.filter((entry) => entry.status === 401).map((entry) => entry.rejection)).toEqual(['nonce required']);
    expect(sent[0]!.wwwAuthenticate).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    expectProven(sent.slice(1), grant, rsNonce.url);
    for (const entry of sent.slice(1)) expect(entry.proof!.nonce).toBe(rsNonce.nonce());

    // Refresh: the token endpoint asks again (a new process), and is answered.
    await expireGrant(sandbox, 'dpn', asNonce);
    const renewed = await sandbox.run(['tools', 'call', 'dpn', 'echo', '--arg', 'text=refreshed']);
    expect(renewed).toMatchObject({ code: 0, stdout: 'refreshed\n' });
    expect(tokenRequests(asNonce, 'refresh_token').map((entry) => entry.status)).toEqual([400, 200]);
  }, 300_000);

  it('the run bridge follows a nonce the MCP server changes mid-session', async () => {
    await authorized('dpn', rsNonce.url);
    await withLocalSession(sandbox, '2026-07-28', 'dpn', { env: browserEnv() }, async (session) => {
      expect(textOf(await session.call('echo', { text: 'first' }))).toBe('first');
      rsNonce.clearRequests();
      const fresh = rsNonce.rotateNonce();
      expect(textOf(await session.call('echo', { text: 'second' }))).toBe('second');
      const calls = posts(rsNonce).filter((entry) => entry.toolNames.includes('echo'));
      expect(calls.map((entry) => entry.status)).toEqual([401, 200]);
      expect(calls[1]!.proof!.nonce).toBe(fresh);
      // A nonce challenge is no refused token: nothing was refreshed.
      expect(session.stderr()).not.toMatch(/refreshing/);
    });
  }, 300_000);
});

describe('device flow and revocation', () => {
  it('the device flow polls with proofs (and the token endpoint nonce); oauth revoke ends the bound grant', async () => {
    expect((await sandbox.run(['server', 'add', 'dpd', '--url', rsNonce.url])).code).toBe(0);
    const result = await sandbox.run(['oauth', 'authorize', 'dpd', '--device'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    const grant = await grantOf('dpd');
    expect(grant.tokenType).toBe('DPoP');
    const polls = tokenRequests(asNonce, 'urn:ietf:params:oauth:grant-type:device_code');
    expect(polls.at(-1)!.status).toBe(200);
    for (const poll of polls) expect(headerOf(poll.dpop).jwk.x).toBe(grant.dpop!.jwk.x);
    expect((await sandbox.run(['tools', 'call', 'dpd', 'echo', '--arg', 'text=device'])).stdout).toBe('device\n');

    // Exit 0 only when the authorization server confirmed both revocations.
    const revoked = await sandbox.run(['oauth', 'revoke', 'dpd']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await asNonce.introspect(grant.accessToken)).toMatchObject({ active: false });
    expect(await sandbox.keychainValue('oauth:dpd')).toBeUndefined();
  }, 300_000);
});

describe('grants without a person', () => {
  it('client credentials: the token comes bound to a key, and a renewal proves the same key', async () => {
    const env = { CCD_OAUTH_CLIENT_SECRET: MACHINE_SECRET };
    expect((await sandbox.run(['server', 'add', 'ccd', '--url', rsMachine.url, '--grant', 'client-credentials', '--client-id', 'cc-dpop'])).code).toBe(0);
    const first = await sandbox.run(['tools', 'call', 'ccd', 'echo', '--arg', 'text=machine'], { env });
    expect(first).toMatchObject({ code: 0, stdout: 'machine\n' });
    const grant = await grantOf('ccd');
    expect(grant).toMatchObject({ tokenType: 'DPoP', dpop: { alg: 'ES256' } });
    expect(tokenRequests(asMachine, 'client_credentials').map((entry) => entry.status)).toEqual([400, 200]);
    expectProven(posts(rsMachine).filter((entry) => entry.status !== 401), grant, rsMachine.url);
    const listed = JSON.parse((await sandbox.run(['oauth', 'ls', '--json'])).stdout);
    expect(listed.servers.find((item: { name: string }) => item.name === 'ccd')).toMatchObject({ grant: 'client-credentials', tokenType: 'DPoP' });

    await expireGrant(sandbox, 'ccd', asMachine);
    rsMachine.clearRequests();
    expect(await sandbox.run(['tools', 'call', 'ccd', 'echo', '--arg', 'text=again'], { env })).toMatchObject({ code: 0, stdout: 'again\n' });
    const renewal = tokenRequests(asMachine, 'client_credentials').at(-1)!;
    expect(renewal.status).toBe(200);
    expect(headerOf(renewal.dpop).jwk.x).toBe(grant.dpop!.jwk.x);
    const renewed = await grantOf('ccd');
    expect(renewed.accessToken).not.toBe(grant.accessToken);
    expect(renewed.dpop).toEqual(grant.dpop);
  }, 300_000);
});

describe('when DPoP is used', () => {
  it('not for an MCP server that challenges only with Bearer, although its authorization server offers DPoP', async () => {
    const metadata = (await (await fetch(as.metadataUrl)).json()) as Record<string, unknown>;
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    const grant = await authorized('plain', bearerRs.url);
    expect(grant.tokenType).toBe('Bearer');
    expect(grant.dpop).toBeUndefined();
    expect(tokenRequests(as, 'authorization_code').at(-1)!.dpop).toBeUndefined();
    expect((await sandbox.run(['tools', 'call', 'plain', 'echo', '--arg', 'text=bearer'])).stdout).toBe('bearer\n');
    expect((await sandbox.run(['oauth', 'token', 'plain'])).stdout).toBe(`${grant.accessToken}\n`);
  }, 300_000);

  it('--dpop forces it and server add --dpop remembers it; --no-dpop declines it', async () => {
    expect((await sandbox.run(['server', 'add', 'forced', '--url', bearerRs.url, '--dpop'])).code).toBe(0);
    const config = JSON.parse((await filesUnder(sandbox.mcpkeyHome)).find((file) => file.path.endsWith('config.json'))!.content);
    expect(config.servers.forced.oauth).toEqual({ dpop: true });
    const forced = await sandbox.run(['oauth', 'authorize', 'forced'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await grantOf('forced')).toMatchObject({ tokenType: 'DPoP' });

    const declined = await authorized('dp', rs.url, '--no-dpop');
    expect(declined.tokenType).toBe('Bearer');
    expect(tokenRequests(as, 'authorization_code').at(-1)!.dpop).toBeUndefined();
    // The DPoP-only server refuses a Bearer token: that is the server's rule, said in its challenge.
    const refused = await sandbox.run(['tools', 'list', 'dp']);
    expect(refused.code).not.toBe(0);
  }, 300_000);
});
