/**
 * `mcpkey idp add|ls|login|logout|remove` against a real company identity provider (oidc-provider,
 * test/fixtures/company-idp.ts): the OpenID Connect sign-in in headless Chromium, the session kept in
 * the keychain only, an ID token handed in on stdin, and the failures a user meets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompanyIdp, type CompanyIdp } from '../fixtures/company-idp.js';
import { expectOneLine, filesUnder, requireSecretService, useSandbox } from './helpers.js';
import { BROWSER_DRIVER } from './oauth-helpers.js';
import { object, isoTime, string, strings, boolean, validate, type Schema } from './json-schemas.js';

beforeAll(requireSecretService);

let idp: CompanyIdp;
beforeAll(async () => {
  idp = await startCompanyIdp({ clientIdAt: () => 'unused' });
});
afterAll(async () => {
  await idp?.close();
});

const sandbox = useSandbox();
const SECRET_ENV = () => ({ IDP_CORP_OAUTH_CLIENT_SECRET: idp.client.clientSecret! });
const browserEnv = () => ({ ...SECRET_ENV(), BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

const sessionSchema: Schema = object({ status: { type: 'string', enum: ['authorized', 'expired-refreshable', 'expired', 'not-authorized', 'unknown'] }, subject: string, expiresAt: isoTime }, ['subject', 'expiresAt']);
const idpListSchema: Schema = object({
  idps: { type: 'array', items: object({ name: string, issuer: string, clientId: string, clientAuth: string, session: sessionSchema, servers: strings }) },
  warnings: strings,
});
const loginSchema: Schema = object({ idp: string, issuer: string, subject: string, expiresAt: isoTime, refreshable: boolean, source: { type: 'string', enum: ['browser', 'stdin'] }, nextSteps: strings }, ['subject', 'expiresAt']);

async function addCorp(extra: string[] = []): Promise<void> {
  const added = await sandbox.run(['idp', 'add', 'corp', '--issuer', idp.issuer, '--client-id', idp.client.clientId, '--scope', 'offline_access', ...extra]);
  expect(added.code, added.stderr).toBe(0);
}

async function session(): Promise<Record<string, unknown> | undefined> {
  const raw = await sandbox.keychainValue('oauth-idp:corp');
  return raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>);
}

describe('idp add and ls', () => {
  it('records the provider without contacting it, and lists it with its sign-in', async () => {
    const requestsBefore = idp.requests().length;
    const added = await sandbox.run(['idp', 'add', 'corp', '--issuer', idp.issuer, '--client-id', idp.client.clientId, '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({
      name: 'corp',
      issuer: idp.issuer,
      clientId: idp.client.clientId,
      clientAuth: 'client_secret_basic',
      secret: { name: 'idp-corp.oauth_client_secret', env: 'IDP_CORP_OAUTH_CLIENT_SECRET' },
      replaced: false,
      nextSteps: ['mcpkey secret set idp-corp.oauth_client_secret', 'mcpkey idp login corp'],
      warnings: [],
    });
    expect(idp.requests().length).toBe(requestsBefore);
    const config = JSON.parse((await filesUnder(sandbox.mcpkeyHome)).find((file) => file.path.endsWith('config.json'))!.content);
    expect(config.idps).toEqual({ corp: { issuer: idp.issuer, clientId: idp.client.clientId, clientAuth: 'client_secret_basic' } });

    const listed = JSON.parse((await sandbox.run(['idp', 'ls', '--json'])).stdout);
    expect(validate(listed, idpListSchema)).toEqual([]);
    expect(listed.idps).toEqual([{ name: 'corp', issuer: idp.issuer, clientId: idp.client.clientId, clientAuth: 'client_secret_basic', session: { status: 'not-authorized' }, servers: [] }]);

    expectOneLine(await sandbox.run(['idp', 'add', 'corp', '--issuer', idp.issuer, '--client-id', 'x']), 2, /identity provider corp already exists/);
    expect((await sandbox.run(['idp', 'add', 'corp', '--issuer', idp.issuer, '--client-id', 'other', '--force'])).code).toBe(0);
    expectOneLine(await sandbox.run(['idp', 'add', 'web', '--issuer', 'http://idp.example.com', '--client-id', 'x']), 2, /not HTTPS/);
    expectOneLine(await sandbox.run(['idp', 'login', 'crop']), 3, /no identity provider named crop/);
    expect((await sandbox.run(['idp', 'login', 'crop'])).stderr).toMatch(/did you mean corp/);
  }, 120_000);
});

describe('idp login', () => {
  it('signs in once in the browser (code + PKCE + nonce); the ID and refresh tokens go to the keychain only', async () => {
    await addCorp();
    const result = await sandbox.run(['idp', 'login', 'corp', '--json'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(validate(summary, loginSchema)).toEqual([]);
    expect(summary).toMatchObject({ idp: 'corp', issuer: idp.issuer, subject: 'alice', refreshable: true, source: 'browser' });

    const request = idp.requests().filter((entry) => entry.query?.response_type === 'code').at(-1)!;
    expect(request.query).toMatchObject({ client_id: idp.client.clientId, scope: 'openid offline_access', code_challenge_method: 'S256' });
    expect(request.query!.nonce).toMatch(/.{16,}/);
    const token = idp.requests().filter((entry) => entry.route === 'token' && entry.body?.grant_type === 'authorization_code').at(-1)!;
    expect(token.authorization).toMatch(/^Basic /);

    const stored = (await session())!;
    expect(stored).toMatchObject({ version: 1, idp: 'corp', issuer: idp.issuer, clientId: idp.client.clientId, subject: 'alice', source: 'browser' });
    expect(String(stored.idToken).split('.')).toHaveLength(3);
    expect(stored.refreshToken).toBeTruthy();

    // Never shown, never in a file, never a secret.
    const listed = JSON.parse((await sandbox.run(['idp', 'ls', '--json'])).stdout);
    expect(listed.idps[0].session).toMatchObject({ status: 'authorized', subject: 'alice' });
    const secrets = JSON.parse((await sandbox.run(['secret', 'list', '--json'])).stdout);
    expect(JSON.stringify(secrets)).not.toContain('oauth-idp');
    const everything = [...sandbox.transcript.map((entry) => entry.stdout + entry.stderr), ...(await filesUnder(sandbox.dir)).map((file) => file.content)].join('\n');
    expect(everything).not.toContain(String(stored.idToken));
    expect(everything).not.toContain(String(stored.refreshToken));
    expect(everything).not.toContain(idp.client.clientSecret);
  }, 240_000);

  it('without its client secret it stops before the browser, naming the secret and its variable', async () => {
    await addCorp();
    const result = await sandbox.run(['idp', 'login', 'corp'], { env: { BROWSER: BROWSER_DRIVER } });
    expectOneLine(result, 7, /client secret of identity provider corp is not set \(idp-corp\.oauth_client_secret, or \$IDP_CORP_OAUTH_CLIENT_SECRET\)/);
    expect(result.stderr).toContain('mcpkey secret set idp-corp.oauth_client_secret');
  }, 120_000);

  it('--id-token-stdin keeps an ID token of this provider for this client, and refuses others', async () => {
    await addCorp();
    expect((await sandbox.run(['idp', 'login', 'corp'], { env: browserEnv(), timeoutMs: 180_000 })).code).toBe(0);
    const { idToken, refreshToken } = (await session()) as { idToken: string; refreshToken: string };
    expect((await idp.introspect(refreshToken)).active).toBe(true);
    const out = await sandbox.run(['idp', 'logout', 'corp', '--json'], { env: SECRET_ENV() });
    expect(JSON.parse(out.stdout)).toEqual({ idp: 'corp', signedOut: true, refreshToken: 'revoked', warnings: [] });
    expect(await session()).toBeUndefined();
    // Ended at the provider too, not only forgotten here.
    expect((await idp.introspect(refreshToken)).active).toBe(false);

    const piped = await sandbox.run(['idp', 'login', 'corp', '--id-token-stdin', '--json'], { input: `${idToken}\n`, env: SECRET_ENV() });
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ subject: 'alice', source: 'stdin', refreshable: false });
    expect(await session()).toMatchObject({ idToken, source: 'stdin' });
    expect(piped.stdout + piped.stderr).not.toContain(idToken);

    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://evil.example', aud: idp.client.clientId, sub: 'x', exp: 9e9 })).toString('base64url')}.`;
    expectOneLine(await sandbox.run(['idp', 'login', 'corp', '--id-token-stdin'], { input: forged, env: SECRET_ENV() }), 7, /refusing the ID token for corp: it was issued by https:\/\/evil\.example/);
    expectOneLine(await sandbox.run(['idp', 'login', 'corp', '--id-token-stdin'], { input: 'not-a-token', env: SECRET_ENV() }), 7, /refusing the ID token for corp: it is not a JWT/);
    expectOneLine(await sandbox.run(['idp', 'login', 'corp', '--id-token-stdin'], { input: '', env: SECRET_ENV() }), 2, /no ID token on stdin/);

    const removed = await sandbox.run(['idp', 'remove', 'corp', '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ idp: 'corp', sessionDeleted: true, servers: [], warnings: [] });
    expect(await session()).toBeUndefined();
    expect(JSON.parse((await sandbox.run(['idp', 'ls', '--json'])).stdout).idps).toEqual([]);
  }, 240_000);
});
