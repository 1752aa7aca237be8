import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer, type RequestLogEntry } from '../fixtures/auth-server.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';
import { createWorkloadIssuer, jwtBearerGrant, JWT_BEARER, type JwtBearerLog, type WorkloadIssuer } from '../fixtures/workload-identity.js';
import { expireGrant } from './grant-helpers.js';
import { expectOneLine, requireSecretService, useSandbox } from './helpers.js';
import { storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

const SECRET = 'cc-basic-secret-0123456789abcdef';
const POST_SECRET = 'cc-post-secret-0123456789abcdef';
const MACHINE = { redirect_uris: [], response_types: [] };

function pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const es256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rs256 = generateKeyPairSync('rsa', { modulusLength: 2048 });
let as: AuthServer;
let mcp: McpResourceServer;
let workload: WorkloadIssuer;
const bearerLog: JwtBearerLog = { accepted: [], refused: [] };

beforeAll(async () => {
  workload = await createWorkloadIssuer();
  as = await startAuthServer({
    clientCredentials: true,
    accessTokenTtl: 3600,
    extend: jwtBearerGrant(workload, bearerLog),
    clients: [
      { ...MACHINE, client_id: 'cc-basic', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] },
      { ...MACHINE, client_id: 'cc-post', client_secret: POST_SECRET, token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] },
      { ...MACHINE, client_id: 'cc-es256', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...(await exportJWK(es256.publicKey)), alg: 'ES256' }] }, grant_types: ['client_credentials'] },
      { ...MACHINE, client_id: 'cc-rs256', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [{ ...(await exportJWK(rs256.publicKey)), alg: 'RS256' }] }, grant_types: ['client_credentials'] },
      { ...MACHINE, client_id: 'workload', token_endpoint_auth_method: 'none', grant_types: [JWT_BEARER] },
    ],
  });
  mcp = await startMcpServer({ authServerIssuer: as.issuer });
});
afterAll(async () => {
  await mcp?.close();
  await as?.close();
});

const sandbox = useSandbox();

/** Token endpoint requests since `from`, of one grant type. */
function tokenRequests(from: number, grantType: string): RequestLogEntry[] {
  return as
    .requests()
    .slice(from)
    .filter((entry) => entry.route === 'token' && entry.body?.grant_type === grantType);
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function add(name: string, ...options: string[]): Promise<void> {
  const added = await sandbox.run(['server', 'add', name, '--url', mcp.url, ...options]);
  expect(added.code, added.stderr).toBe(0);
}

async function whoami(name: string, env: Record<string, string | undefined> = {}): Promise<Record<string, unknown>> {
  const called = await sandbox.run(['tools', 'call', name, 'whoami'], { env, timeoutMs: 90_000 });
  expect(called.code, called.stderr).toBe(0);
  return JSON.parse(called.stdout) as Record<string, unknown>;
}

describe('client credentials', () => {
  it('client_secret_basic from the environment: tools call obtains the token itself, oauth ls shows the grant', async () => {
    await add('ccbasic', '--grant', 'client-credentials', '--client-id', 'cc-basic');
    const from = as.requests().length;
    const me = await whoami('ccbasic', { CCBASIC_OAUTH_CLIENT_SECRET: SECRET });
    expect(me).toMatchObject({ client_id: 'cc-basic', aud: [mcp.url] });
    const [request] = tokenRequests(from, 'client_credentials');
    expect(request!.authorization).toMatch(/^Basic /);
    expect(request!.body).toMatchObject({ resource: mcp.url });
    expect(request!.body).not.toHaveProperty('client_secret');
    const listed = await sandbox.run(['oauth', 'ls', '--json']);
    expect(JSON.parse(listed.stdout).servers).toContainEqual(expect.objectContaining({ name: 'ccbasic', status: 'authorized', grant: 'client-credentials' }));
    const table = await sandbox.run(['oauth', 'ls']);
    expect(table.stdout).toMatch(/ccbasic\s+authorized\s+client-credentials/);
    const grant = (await storedGrant(sandbox, 'ccbasic'))!;
    expect(grant).toMatchObject({ clientId: 'cc-basic' });
    expect(grant.refreshToken).toBeUndefined();
    expect(JSON.stringify(sandbox.transcript)).not.toContain(SECRET);
  }, 120_000);

  it('client_secret_post from the keychain through oauth authorize --grant', async () => {
    await add('ccpost');
    const set = await sandbox.run(['secret', 'set', 'ccpost.oauth_client_secret'], { input: POST_SECRET });
    expect(set.code, set.stderr).toBe(0);
    const from = as.requests().length;
    const authorized = await sandbox.run(['oauth', 'authorize', 'ccpost', '--grant', 'client-credentials', '--client-id', 'cc-post', '--client-auth', 'client_secret_post']);
    expect(authorized.code, authorized.stderr).toBe(0);
    const [request] = tokenRequests(from, 'client_credentials');
    expect(request!.authorization).toBeUndefined();
    expect(request!.body).toMatchObject({ client_id: 'cc-post', client_secret: POST_SECRET });
    expect(await whoami('ccpost')).toMatchObject({ client_id: 'cc-post' });
    expect(JSON.stringify(sandbox.transcript)).not.toContain(POST_SECRET);
  }, 120_000);

  for (const [alg, pair, client] of [
    ['ES256', es256, 'cc-es256'],
    ['RS256', rs256, 'cc-rs256'],
  ] as const) {
    it(`private_key_jwt with an ${alg} key: iss = sub = client id, aud = issuer, short exp, a fresh jti per grant`, async () => {
      const name = `pk${alg.toLowerCase()}`;
      await add(name, '--grant', 'client-credentials', '--client-id', client, '--client-auth', 'private_key_jwt');
      const env = { [`${name.toUpperCase()}_OAUTH_PRIVATE_KEY`]: pem(pair.privateKey) };
      const from = as.requests().length;
      expect(await whoami(name, env)).toMatchObject({ client_id: client });
      await expireGrant(sandbox, name, as);
      const token = await sandbox.run(['oauth', 'token', name], { env });
      expect(token.code, token.stderr).toBe(0);
      const requests = tokenRequests(from, 'client_credentials');
      expect(requests).toHaveLength(2);
      const assertions = requests.map((request) => String(request.body!.client_assertion));
      for (const [index, assertion] of assertions.entries()) {
        expect(requests[index]!.body!.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        expect(JSON.parse(Buffer.from(assertion.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg });
        const jwt = claims(assertion);
        expect(jwt).toMatchObject({ iss: client, sub: client, aud: as.issuer });
        expect(Number(jwt.exp) - Number(jwt.iat)).toBeLessThanOrEqual(300);
      }
      expect(claims(assertions[0]!).jti).not.toBe(claims(assertions[1]!).jti);
      // Revocation authenticates the same way (a third assertion).
      const revoked = await sandbox.run(['oauth', 'revoke', name], { env });
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((await as.introspect(token.stdout.trim())).active).toBe(false);
      expect(as.requests().slice(from).find((entry) => entry.route === 'revocation')?.body).toMatchObject({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
      expect(JSON.stringify(sandbox.transcript)).not.toContain('PRIVATE KEY');
    }, 120_000);
  }

  it('a wrong secret is one line, exit 7, one request: no retry, no other grant', async () => {
    await add('ccwrong', '--grant', 'client-credentials', '--client-id', 'cc-basic');
    const from = as.requests().length;
    const result = await sandbox.run(['oauth', 'token', 'ccwrong'], { env: { CCWRONG_OAUTH_CLIENT_SECRET: 'not-the-secret' } });
    expectOneLine(result, 7, /invalid_client/);
    expect(as.requests().slice(from).filter((entry) => entry.route === 'token')).toHaveLength(1);
    expect(result.stderr).not.toContain('not-the-secret');
  }, 120_000);

  it('a missing secret names the secret and its variable', async () => {
    await add('ccmissing', '--grant', 'client-credentials', '--client-id', 'cc-basic');
    const result = await sandbox.run(['oauth', 'authorize', 'ccmissing']);
    expectOneLine(result, 7, /ccmissing\.oauth_client_secret/);
    expect(result.stderr).toMatch(/secret set ccmissing\.oauth_client_secret/);
  }, 120_000);

  it('50 concurrent oauth token callers across expiry: one token request, one token for all', async () => {
    await add('ccmany', '--grant', 'client-credentials', '--client-id', 'cc-basic');
    const env = { CCMANY_OAUTH_CLIENT_SECRET: SECRET };
    const first = await sandbox.run(['oauth', 'token', 'ccmany'], { env });
    expect(first.code, first.stderr).toBe(0);
    await expireGrant(sandbox, 'ccmany', as);
    const from = as.requests().length;
    const runs = await Promise.all(Array.from({ length: 50 }, () => sandbox.run(['oauth', 'token', 'ccmany'], { env, timeoutMs: 240_000 })));
    expect(runs.filter((run) => run.code !== 0).map((run) => run.stderr)).toEqual([]);
    expect(tokenRequests(from, 'client_credentials')).toHaveLength(1);
    const latest = (await storedGrant(sandbox, 'ccmany'))!;
    expect(latest.accessToken).not.toBe(first.stdout.trim());
    expect(new Set(runs.map((run) => run.stdout))).toEqual(new Set([`${latest.accessToken}\n`]));
  }, 400_000);
});

describe('JWT bearer (workload identity)', () => {
  it('--assertion-file is read again on every grant (a rotating projected token)', async () => {
    const file = join(sandbox.dir, 'token');
    await writeFile(file, `${await workload.sign({ sub: 'system:serviceaccount:ci:first', aud: as.issuer })}\n`);
    await add('wiffile', '--grant', 'jwt-bearer', '--client-id', 'workload', '--assertion-file', file);
    expect(await whoami('wiffile')).toMatchObject({ client_id: 'workload', aud: [mcp.url] });
    await writeFile(file, await workload.sign({ sub: 'system:serviceaccount:ci:second', aud: as.issuer }));
    await expireGrant(sandbox, 'wiffile', as);
    const token = await sandbox.run(['oauth', 'token', 'wiffile']);
    expect(token.code, token.stderr).toBe(0);
    expect(bearerLog.accepted.slice(-2).map((entry) => entry.sub)).toEqual(['system:serviceaccount:ci:first', 'system:serviceaccount:ci:second']);
    const listed = JSON.parse((await sandbox.run(['oauth', 'ls', '--json'])).stdout);
    expect(listed.servers).toContainEqual(expect.objectContaining({ name: 'wiffile', grant: 'jwt-bearer' }));
  }, 120_000);

  it('--assertion-env, through oauth authorize', async () => {
    await add('wifenv');
    const assertion = await workload.sign({ sub: 'env-workload', aud: as.issuer });
    const from = as.requests().length;
    const authorized = await sandbox.run(['oauth', 'authorize', 'wifenv', '--grant', 'jwt-bearer', '--client-id', 'workload', '--assertion-env', 'WORKLOAD_JWT'], {
      env: { WORKLOAD_JWT: assertion },
    });
    expect(authorized.code, authorized.stderr).toBe(0);
    const [request] = tokenRequests(from, JWT_BEARER);
    expect(request!.body).toMatchObject({ assertion, client_id: 'workload', resource: mcp.url });
    expect(bearerLog.accepted.at(-1)).toMatchObject({ sub: 'env-workload', clientId: 'workload' });
    expect(JSON.stringify(sandbox.transcript)).not.toContain(assertion);
  }, 120_000);

  it('a refused assertion (expired) is one line, exit 7, one request: no retry, no fallback', async () => {
    const expired = await workload.sign({ sub: 'late', aud: as.issuer }, -60);
    await add('wifold', '--grant', 'jwt-bearer', '--client-id', 'workload', '--assertion-env', 'OLD_JWT');
    const from = as.requests().length;
    const result = await sandbox.run(['tools', 'call', 'wifold', 'whoami'], { env: { OLD_JWT: expired } });
    expectOneLine(result, 7, /invalid_grant/);
    expect(result.stderr).toMatch(/ — the authorization server refused the assertion/);
    expect(as.requests().slice(from).filter((entry) => entry.route === 'token')).toHaveLength(1);
    expect(result.stderr).not.toContain(expired);
  }, 120_000);

  it('an assertion source without --grant jwt-bearer, or a variable that is not set, is refused before any request', async () => {
    const wrong = await sandbox.run(['server', 'add', 'wifbad', '--url', mcp.url, '--assertion-env', 'X']);
    expectOneLine(wrong, 2, /--grant jwt-bearer|jwt-bearer grant only/);
    await add('wifunset', '--grant', 'jwt-bearer', '--client-id', 'workload', '--assertion-env', 'UNSET_JWT');
    const from = as.requests().length;
    const result = await sandbox.run(['oauth', 'token', 'wifunset']);
    expectOneLine(result, 7, /UNSET_JWT is not set/);
    expect(as.requests().slice(from).filter((entry) => entry.route === 'token')).toHaveLength(0);
  }, 120_000);
});
