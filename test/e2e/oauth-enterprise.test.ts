/**
 * Enterprise-managed authorization end to end, with real peers on loopback: a company identity
 * provider (oidc-provider with RFC 8693 exchange issuing ID-JAGs, fixtures/company-idp.ts), two MCP
 * servers (SDK resource servers), each behind its own authorization server (oidc-provider with an
 * RFC 7523 grant that verifies ID-JAGs against the IdP's JWKS, fixtures/id-jag-grant.ts). One browser
 * sign-in at the IdP; every server after that without a browser; renewal without a browser; and the
 * failures a user meets.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../fixtures/auth-server.js';
import { ID_JAG_TYPE, ID_TOKEN_TYPE, startCompanyIdp, TOKEN_EXCHANGE, type CompanyIdp } from '../fixtures/company-idp.js';
import { idJagGrant, JWT_BEARER, type IdJagGrant } from '../fixtures/id-jag-grant.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';
import { expireGrant } from './grant-helpers.js';
import { expectOneLine, filesUnder, requireSecretService, runProcess, useSandbox } from './helpers.js';
import { textOf } from './local-clients.js';
import { BROWSER_DRIVER, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

interface Site {
  name: string;
  clientId: string;
  clientSecret: string;
  as: AuthServer;
  grants: IdJagGrant;
  mcp: McpResourceServer;
}

let idp: CompanyIdp;
const sites: Site[] = [];
/** Which client the IdP names in an ID-JAG for each authorization server (the company's own mapping). */
const clientIds = new Map<string, string>();

beforeAll(async () => {
  idp = await startCompanyIdp({ clientIdAt: (audience) => clientIds.get(audience) });
  for (const name of ['wiki', 'tickets']) {
    const clientId = `mcpkey-at-${name}`;
    const clientSecret = `${name}-client-secret-0123456789`;
    const grants = idJagGrant({ idpIssuer: idp.issuer, jwksUri: idp.endpoints.jwks });
    const as = await startAuthServer({
      accessTokenTtl: 3600,
      clients: [{ client_id: clientId, client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic', grant_types: [JWT_BEARER], redirect_uris: [], response_types: [] }],
      extend: grants.extend,
    });
    clientIds.set(as.issuer, clientId);
    sites.push({ name, clientId, clientSecret, as, grants, mcp: await startMcpServer({ authServerIssuer: as.issuer }) });
  }
}, 120_000);
afterAll(async () => {
  for (const site of sites) {
    await site.mcp.close();
    await site.as.close();
  }
  await idp?.close();
});

const sandbox = useSandbox();
const [wiki, tickets] = [() => sites[0]!, () => sites[1]!];
const driverLog = () => `${sandbox.dir}/driver.log`;
/** Everything a run may need: the IdP's and both servers' client secrets from the environment, and the headless browser. */
const env = () => ({
  IDP_CORP_OAUTH_CLIENT_SECRET: idp.client.clientSecret!,
  WIKI_OAUTH_CLIENT_SECRET: wiki().clientSecret,
  TICKETS_OAUTH_CLIENT_SECRET: tickets().clientSecret,
  BROWSER: BROWSER_DRIVER,
  DRIVER_LOG: driverLog(),
});
const browserStarts = async () => (await readFile(driverLog(), 'utf8').catch(() => '')).split('\n').filter((line) => / start /.test(line)).length;
const run = (args: string[]) => sandbox.run(args, { env: env(), timeoutMs: 180_000 });

async function signedIn(): Promise<void> {
  expect((await run(['idp', 'add', 'corp', '--issuer', idp.issuer, '--client-id', idp.client.clientId, '--scope', 'offline_access'])).code).toBe(0);
  const login = await run(['idp', 'login', 'corp']);
  expect(login.code, login.stderr).toBe(0);
  for (const site of sites) expect((await run(['server', 'add', site.name, '--url', site.mcp.url])).code).toBe(0);
}

async function whoami(name: string): Promise<Record<string, unknown>> {
  const called = await run(['tools', 'call', name, 'whoami', '--json']);
  expect(called.code, called.stderr).toBe(0);
  return JSON.parse(textOf(JSON.parse(called.stdout))) as Record<string, unknown>;
}

async function session(): Promise<Record<string, unknown>> {
  return JSON.parse((await sandbox.keychainValue('oauth-idp:corp'))!) as Record<string, unknown>;
}

/** Makes the stored ID token look expired now (the IdP would still take it; mcpkey must renew it first). Returns the session before. */
async function expireIdToken(): Promise<Record<string, unknown>> {
  const before = await session();
  await runProcess('secret-tool', ['clear', 'service', sandbox.service, 'username', 'oauth-idp:corp'], { env: process.env });
  await sandbox.storeKeychainValue('oauth-idp:corp', JSON.stringify({ ...before, idTokenExpiresAt: new Date(Date.now() - 1000).toISOString() }));
  return before;
}

describe('one IdP sign-in, then every server without a browser', () => {
  it('authorizes two MCP servers with --grant enterprise (token exchange, then JWT bearer) and tools call works on both', async () => {
    await signedIn();
    expect(await browserStarts()).toBe(1);
    for (const site of sites) {
      const exchangesBefore = idp.exchanges();
      const authorized = await run(['oauth', 'authorize', site.name, '--grant', 'enterprise', '--idp', 'corp', '--client-id', site.clientId]);
      expect(authorized.code, authorized.stderr).toBe(0);
      expect(idp.exchanges()).toBe(exchangesBefore + 1);

      // (b) at the IdP: RFC 8693, the ID token for an ID-JAG, for this server's AS and this server.
      const exchange = idp.requests().filter((entry) => entry.route === 'token' && entry.body?.grant_type === TOKEN_EXCHANGE).at(-1)!;
      const idToken = String((await session()).idToken);
      expect(exchange.body).toMatchObject({ requested_token_type: ID_JAG_TYPE, subject_token: idToken, subject_token_type: ID_TOKEN_TYPE, audience: site.as.issuer, resource: site.mcp.url });
      expect(exchange.authorization).toMatch(/^Basic /);
      const jag = idp.issued().at(-1)!;
      expect(jag.header).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'RS256' });
      expect(jag.claims).toMatchObject({ iss: idp.issuer, sub: 'alice', aud: site.as.issuer, resource: site.mcp.url, client_id: site.clientId });

      // (c) at the server's AS: RFC 7523 with that ID-JAG, as the client registered there.
      const bearer = site.as.requests().filter((entry) => entry.route === 'token' && entry.body?.grant_type === JWT_BEARER).at(-1)!;
      expect(bearer.body).toMatchObject({ resource: site.mcp.url });
      expect(String(bearer.body!.assertion).split('.')).toHaveLength(3);
      expect(bearer.clientId).toBe(site.clientId);
      expect(site.grants.issued()).toHaveLength(1);

      const grant = (await storedGrant(sandbox, site.name))!;
      expect(grant).toMatchObject({ issuer: site.as.issuer, resource: site.mcp.url, clientId: site.clientId, client: 'pre-registered' });
      expect(grant.refreshToken).toBeUndefined();
      expect(await whoami(site.name)).toMatchObject({ sub: 'alice', client_id: site.clientId, aud: [site.mcp.url] });
    }
    // Not a single authorization request at either server's AS, and no second browser.
    for (const site of sites) expect(site.as.stats().authorizationRequests).toBe(0);
    expect(await browserStarts()).toBe(1);

    const grants = JSON.parse((await run(['oauth', 'ls', '--json'])).stdout).servers;
    for (const site of sites) expect(grants.find((item: { name: string }) => item.name === site.name)).toMatchObject({ status: 'authorized', issuer: site.as.issuer, grant: 'enterprise', client: 'pre-registered' });
    const listed = JSON.parse((await run(['idp', 'ls', '--json'])).stdout);
    expect(listed.idps[0]).toMatchObject({ name: 'corp', session: { status: 'authorized', subject: 'alice' }, servers: ['tickets', 'wiki'] });

    // No token, ID token, ID-JAG or secret in any output or file.
    const stored = await session();
    const assertions = sites.flatMap((site) => site.as.requests().flatMap((entry) => (typeof entry.body?.assertion === 'string' ? [entry.body.assertion] : [])));
    expect(assertions).toHaveLength(2);
    const secrets = [String(stored.idToken), String(stored.refreshToken), ...assertions, idp.client.clientSecret!, ...sites.map((site) => site.clientSecret)];
    for (const site of sites) secrets.push((await storedGrant(sandbox, site.name))!.accessToken);
    const everything = [...sandbox.transcript.map((entry) => entry.stdout + entry.stderr), ...(await filesUnder(sandbox.mcpkeyHome)).map((file) => file.content)].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  }, 300_000);

  it('an entry added with --grant enterprise authorizes itself on first use, with no browser', async () => {
    expect((await run(['idp', 'add', 'corp', '--issuer', idp.issuer, '--client-id', idp.client.clientId, '--scope', 'offline_access'])).code).toBe(0);
    expect((await run(['idp', 'login', 'corp'])).code).toBe(0);
    const added = await run(['server', 'add', 'tickets', '--url', tickets().mcp.url, '--grant', 'enterprise', '--idp', 'corp', '--client-id', tickets().clientId]);
    expect(added.code, added.stderr).toBe(0);
    expect(await whoami('tickets')).toMatchObject({ sub: 'alice', client_id: tickets().clientId });
    expect(await browserStarts()).toBe(1);
  }, 300_000);
});

describe('renewal without a browser', () => {
  it('an expired access token is renewed by exchange + JWT bearer; an expired ID token is renewed first with the IdP refresh token', async () => {
    await signedIn();
    expect((await run(['oauth', 'authorize', 'wiki', '--grant', 'enterprise', '--idp', 'corp', '--client-id', wiki().clientId])).code).toBe(0);
    const site = wiki();

    const exchanges = idp.exchanges();
    const expired = await expireGrant(sandbox, 'wiki', site.as);
    expect(await whoami('wiki')).toMatchObject({ sub: 'alice' });
    expect(idp.exchanges()).toBe(exchanges + 1);
    expect((await storedGrant(sandbox, 'wiki'))!.accessToken).not.toBe(expired);

    // The ID token itself has run out: the IdP session is renewed first (refresh grant at the IdP), then the exchange.
    const before = await expireIdToken();
    const refreshesBefore = idp.stats().refreshGrants;
    await expireGrant(sandbox, 'wiki', site.as);
    const token = await run(['oauth', 'token', 'wiki']);
    expect(token.code, token.stderr).toBe(0);
    expect(idp.stats().refreshGrants).toBe(refreshesBefore + 1);
    const after = await session();
    expect(after.idToken).not.toBe(before.idToken);
    expect(Date.parse(String(after.idTokenExpiresAt))).toBeGreaterThan(Date.now());
    expect(idp.issued().at(-1)!.claims).toMatchObject({ sub: 'alice', aud: site.as.issuer });
    expect(await browserStarts()).toBe(1);
  }, 300_000);
  it('many callers at once across expiry: one exchange per server, and one IdP refresh for all of them', async () => {
    await signedIn();
    for (const site of sites) expect((await run(['oauth', 'authorize', site.name, '--grant', 'enterprise', '--idp', 'corp', '--client-id', site.clientId])).code).toBe(0);
    await expireIdToken();
    for (const site of sites) await expireGrant(sandbox, site.name, site.as);
    const [refreshes, exchanges] = [idp.stats().refreshGrants, idp.exchanges()];
    const results = await Promise.all(sites.flatMap((site) => [1, 2, 3].map(() => run(['oauth', 'token', site.name]))));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    // Per server, one renewal under its lock; the expired sign-in renewed once under the IdP's lock (a rotated refresh token used twice would end it).
    expect(idp.exchanges() - exchanges).toBe(2);
    expect(idp.stats().refreshGrants - refreshes).toBe(1);
    for (const site of sites) expect(new Set(results.filter((_, index) => sites[Math.floor(index / 3)] === site).map((result) => result.stdout)).size).toBe(1);
  }, 300_000);
});

describe('failures: one line, exit 7, the next step', () => {
  it('after idp logout, renewal fails with a clear error naming idp login', async () => {
    await signedIn();
    expect((await run(['oauth', 'authorize', 'wiki', '--grant', 'enterprise', '--idp', 'corp', '--client-id', wiki().clientId])).code).toBe(0);
    expect((await run(['idp', 'logout', 'corp'])).code).toBe(0);
    await expireGrant(sandbox, 'wiki', wiki().as);
    const called = await run(['tools', 'call', 'wiki', 'whoami']);
    expectOneLine(called, 7, /not signed in to the identity provider corp/);
    expect(called.stderr).toContain('mcpkey idp login corp');
    const authorize = await run(['oauth', 'authorize', 'tickets', '--grant', 'enterprise', '--idp', 'corp', '--client-id', tickets().clientId]);
    expectOneLine(authorize, 7, /not signed in to the identity provider corp/);
    const token = await run(['oauth', 'token', 'wiki', '--json']);
    expect(token.code).toBe(7);
    expect(JSON.parse(token.stderr).error).toMatchObject({ code: 'idp_login_required', exitCode: 7, hint: 'run `mcpkey idp login corp`' });
  }, 300_000);

  it('the IdP refusing the exchange, and the AS refusing the assertion, are each one line', async () => {
    await signedIn();
    idp.setPolicy((request) => (request.audience === tickets().as.issuer ? 'tickets is not approved for your group' : undefined));
    try {
      const refused = await run(['oauth', 'authorize', 'tickets', '--grant', 'enterprise', '--idp', 'corp', '--client-id', tickets().clientId]);
      expectOneLine(refused, 7, /the identity provider corp refused access to tickets: access_denied: tickets is not approved for your group/);
      expect(await storedGrant(sandbox, 'tickets')).toBeUndefined();
    } finally {
      idp.setPolicy(undefined);
    }
    // The IdP names another client in the ID-JAG than the one authenticated at the AS: the AS refuses it.
    clientIds.set(tickets().as.issuer, 'someone-else');
    try {
      const mismatched = await run(['oauth', 'authorize', 'tickets', '--grant', 'enterprise', '--idp', 'corp', '--client-id', tickets().clientId]);
      expectOneLine(mismatched, 7, /invalid_grant: client_id is not the authenticated client/);
      expect(tickets().grants.refusals().at(-1)).toBe('client_id is not the authenticated client');
      expect(await storedGrant(sandbox, 'tickets')).toBeUndefined();
    } finally {
      clientIds.set(tickets().as.issuer, tickets().clientId);
    }
    const unknown = await run(['oauth', 'authorize', 'tickets', '--grant', 'enterprise', '--idp', 'nosuch', '--client-id', tickets().clientId]);
    expectOneLine(unknown, 3, /no identity provider named nosuch/);
    for (const entry of sandbox.transcript) expect(entry.stdout + entry.stderr).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  }, 300_000);
});
