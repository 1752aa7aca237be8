import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { grantSettingsFrom } from '../../src/cli/grant-options.js';
import { validateEntry } from '../../src/core/catalog/validate.js';
import { signingKey } from '../../src/core/oauth/grants/client-key.js';
import { grantSettingsProblem } from '../../src/core/oauth/grants/settings.js';

const pem = (pair: { privateKey: { export(options: { type: 'pkcs8'; format: 'pem' }): string | Buffer } }) => pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('grant settings', () => {
  it('accepts the combinations that can work and says what is wrong with the others', () => {
    expect(grantSettingsProblem({ grant: 'client-credentials', clientAuth: 'private_key_jwt' })).toBeUndefined();
    expect(grantSettingsProblem({ grant: 'jwt-bearer', assertion: { type: 'github-oidc', audience: 'api://x' } })).toBeUndefined();
    expect(grantSettingsProblem({ grant: 'jwt-bearer' })).toMatch(/needs an assertion source/);
    expect(grantSettingsProblem({ assertion: { type: 'env', variable: 'X' } })).toMatch(/jwt-bearer grant only/);
    expect(grantSettingsProblem({ grant: 'client-credentials', clientAuth: 'none' })).toMatch(/needs client authentication/);
    expect(grantSettingsProblem({ clientAuth: 'private_key_jwt' })).toMatch(/private_key_jwt applies/);
    expect(grantSettingsProblem({ grant: 'password' })).toMatch(/"grant" must be one of/);
    expect(grantSettingsProblem({ grant: 'jwt-bearer', assertion: { type: 'env', variable: '1X' } })).toMatch(/valid "variable"/);
    expect(grantSettingsProblem({ idp: 'corp' })).toMatch(/enterprise grant only/);
  });

  it('a catalog entry with bad grant settings is refused by validation', () => {
    const entry = { name: 'x', title: 'x', description: 'x', transport: { type: 'remote', url: 'https://x.test/mcp', transport: 'streamable-http' }, secrets: [] };
    expect(validateEntry({ ...entry, oauth: { grant: 'client-credentials', clientId: 'bot' } }, 'x')).toBeUndefined();
    expect(validateEntry({ ...entry, oauth: { grant: 'jwt-bearer', clientId: 'bot' } }, 'x')).toMatch(/^oauth: the jwt-bearer grant needs an assertion source/);
  });

  it('options: an assertion file is made absolute, one source only, --audience only with --github-oidc, another --grant drops the old source', () => {
    expect(grantSettingsFrom({ grant: 'jwt-bearer', assertionFile: 'token' }, '/work/dir')).toEqual({ grant: 'jwt-bearer', assertion: { type: 'file', path: '/work/dir/token' } });
    expect(() => grantSettingsFrom({ grant: 'jwt-bearer', assertionFile: 'a', assertionEnv: 'B' }, '/')).toThrow(/one assertion source/);
    expect(() => grantSettingsFrom({ grant: 'jwt-bearer', assertionEnv: 'B', audience: 'x' }, '/')).toThrow(/--audience applies to --github-oidc only/);
    const base = { grant: 'jwt-bearer' as const, assertion: { type: 'env' as const, variable: 'T' }, dpop: true };
    expect(grantSettingsFrom({ grant: 'client-credentials' }, '/', base)).toEqual({ grant: 'client-credentials', dpop: true });
    expect(grantSettingsFrom({ clientAuth: 'client_secret_post' }, '/', base)).toEqual({ ...base, clientAuth: 'client_secret_post' });
  });
});

describe('private keys for private_key_jwt', () => {
  it('signs ES256 with P-256, ES384 with P-384, RS256 with RSA, and takes a PEM with literal \\n (as CI secrets carry it)', async () => {
    expect((await signingKey('s', pem(generateKeyPairSync('ec', { namedCurve: 'P-256' })))).alg).toBe('ES256');
    expect((await signingKey('s', pem(generateKeyPairSync('ec', { namedCurve: 'P-384' })))).alg).toBe('ES384');
    const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    expect((await signingKey('s', rsa.replace(/\n/g, '\\n'))).alg).toBe('RS256');
  });

  it('refuses a short RSA key, an algorithm the server does not list, and text that is no key, without echoing it', async () => {
    const short = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }));
    await expect(signingKey('s', short)).rejects.toMatchObject({ code: 'unsupported_key_algorithm', exitCode: 7 });
    const ec = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    await expect(signingKey('s', ec, ['RS256'])).rejects.toThrow(/signing with ES256, which the authorization server does not accept \(it accepts RS256\)/);
    const failure = await signingKey('s', 'not-a-key-canary-9f8e').catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'client_key_unreadable', message: expect.stringContaining('s.oauth_private_key') });
    expect((failure as Error).message).not.toContain('canary');
  });
});
