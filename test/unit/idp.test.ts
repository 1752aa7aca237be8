import { describe, expect, it } from 'vitest';
import { idpProblem, parseIdps, idpSecretName } from '../../src/core/idp/config.js';
import { sessionFromIdToken } from '../../src/core/idp/login.js';
import { jwtClaims, sessionFrom } from '../../src/core/idp/session.js';

const jwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const corp = { name: 'corp', config: { issuer: 'https://login.example.com', clientId: 'mcpkey', clientAuth: 'none' as const } };
const NOW = Date.parse('2026-12-02T00:00:00Z');

describe('identity provider entries of the config file', () => {
  it('accepts a complete entry and refuses what cannot work', () => {
    expect(parseIdps({ corp: { issuer: 'https://login.example.com', clientId: 'mcpkey', clientAuth: 'client_secret_basic', scopes: ['offline_access'] } })).toEqual({
      idps: { corp: { issuer: 'https://login.example.com', clientId: 'mcpkey', clientAuth: 'client_secret_basic', scopes: ['offline_access'] } },
    });
    expect(parseIdps(undefined)).toEqual({});
    expect(parseIdps([]).problem).toBe('"idps" must be an object');
    expect(parseIdps({ 'Bad Name': {} }).problem).toMatch(/not a valid name/);
    expect(idpProblem({ issuer: 'not a url', clientId: 'x', clientAuth: 'none' })).toBe('"issuer" must be a URL');
    expect(idpProblem({ issuer: 'https://a.example', clientId: '', clientAuth: 'none' })).toMatch(/clientId/);
    expect(idpProblem({ issuer: 'https://a.example', clientId: 'x', clientAuth: 'private_key_jwt' })).toMatch(/clientAuth/);
    expect(idpProblem({ issuer: 'https://a.example', clientId: 'x', clientAuth: 'none', scopes: ['two words'] })).toMatch(/scopes/);
    expect(idpSecretName('corp')).toBe('idp-corp.oauth_client_secret');
  });
});

describe('ID tokens handed in on stdin', () => {
  it('keeps one of this provider for this client, with its expiry and subject', () => {
    const token = jwt({ iss: corp.config.issuer, aud: ['mcpkey', 'other'], sub: 'alice', exp: NOW / 1000 + 600 });
    expect(sessionFromIdToken(corp, token, NOW)).toEqual({
      version: 1, idp: 'corp', issuer: corp.config.issuer, clientId: 'mcpkey', idToken: token,
      idTokenExpiresAt: new Date(NOW + 600_000).toISOString(), subject: 'alice', obtainedAt: new Date(NOW).toISOString(), source: 'stdin',
    });
  });

  it('refuses another issuer, another client, an expired token and a non-JWT, without quoting the token', () => {
    const refuse = (token: string) => () => sessionFromIdToken(corp, token, NOW);
    expect(refuse(jwt({ iss: 'https://evil.example', aud: 'mcpkey', exp: NOW / 1000 + 600 }))).toThrow(/issued by https:\/\/evil\.example, not https:\/\/login\.example\.com/);
    expect(refuse(jwt({ iss: corp.config.issuer, aud: 'someone-else', exp: NOW / 1000 + 600 }))).toThrow(/not issued to client mcpkey/);
    expect(refuse(jwt({ iss: corp.config.issuer, aud: 'mcpkey', exp: NOW / 1000 - 1 }))).toThrow(/has expired/);
    expect(refuse('secret-looking-value')).toThrow(/^refusing the ID token for corp: it is not a JWT$/);
  });

  it('reads claims without trusting them, and a token without exp never expires for mcpkey', () => {
    expect(jwtClaims('a.b')).toBeUndefined();
    expect(jwtClaims(`x.${Buffer.from('[1]').toString('base64url')}.y`)).toBeUndefined();
    const session = sessionFrom('corp', corp.config, { idToken: jwt({ sub: 'bob' }), refreshToken: 'rt' }, 'browser', NOW);
    expect(session).toMatchObject({ subject: 'bob', refreshToken: 'rt', source: 'browser' });
    expect(session.idTokenExpiresAt).toBeUndefined();
  });
});

describe('enterprise grant settings', () => {
  it('need the IdP that issues the assertions', async () => {
    const { grantSettingsProblem } = await import('../../src/core/oauth/grants/settings.js');
    expect(grantSettingsProblem({ grant: 'enterprise' })).toMatch(/needs the IdP/);
    expect(grantSettingsProblem({ grant: 'enterprise', idp: 'corp' })).toBeUndefined();
    expect(grantSettingsProblem({ grant: 'client-credentials', idp: 'corp' })).toMatch(/enterprise grant only/);
  });
});
