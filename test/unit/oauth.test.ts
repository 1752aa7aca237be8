import { describe, expect, it } from 'vitest';
import { chooseScope, grantFromTokens } from '../../src/core/oauth/authorize.js';
import { chooseClient, DEVICE_GRANT, secretAuthMethod, type ClientChoice, type ClientIdentity } from '../../src/core/oauth/clients.js';
import { authServerMetadataUrls, discover, type AuthServerMetadata, type DiscoveryResult, type Fetch } from '../../src/core/oauth/discovery.js';
import { OAuthError } from '../../src/core/oauth/errors.js';
import { OAuthStore, type DynamicClient, type StoredGrant } from '../../src/core/oauth/store.js';
import { fresh, REFRESH_MARGIN_MS } from '../../src/core/oauth/tokens.js';
import { assertSecureEndpoint, canonicalResource, resourceMatches } from '../../src/core/oauth/urls.js';
import { bearerChallenge, parseWwwAuthenticate } from '../../src/core/oauth/www-authenticate.js';
import { ExitCode } from '../../src/core/errors.js';
import { MemoryKeychain } from './memory-keychain.js';
import { asMetadata, fakeFetch, json, oauthError, unauthorized } from './oauth-fakes.js';

// ---------------------------------------------------------------------------
// www-authenticate.ts
// ---------------------------------------------------------------------------

describe('parseWwwAuthenticate / bearerChallenge', () => {
  it('parses several challenges with their parameters', () => {
    const header = 'Basic realm="x", Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="a b"';
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: 'Basic', params: { realm: 'x' } },
      { scheme: 'Bearer', params: { resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp', scope: 'a b' } },
    ]);
    expect(bearerChallenge(header)).toEqual({
      scheme: 'Bearer',
      params: { resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp', scope: 'a b' },
    });
  });

  it('keeps commas inside quoted values and unescapes escaped quotes and backslashes', () => {
    const challenge = bearerChallenge('Bearer realm="a, b", error="invalid_token", error_description="say \\"hi\\" \\\\ bye", scope="x,y"');
    expect(challenge?.params).toEqual({ realm: 'a, b', error: 'invalid_token', error_description: 'say "hi" \\ bye', scope: 'x,y' });
  });

  it('reads bare (unquoted) values, and lower-cases parameter names', () => {
    expect(bearerChallenge('Bearer Error=invalid_token, SCOPE="mcp:read"')?.params).toEqual({ error: 'invalid_token', scope: 'mcp:read' });
  });

  it('skips a token68 challenge with padding and still finds the Bearer one', () => {
    const challenges = parseWwwAuthenticate('Negotiate abc==, Bearer scope="x"');
    expect(challenges.map((c) => c.scheme)).toEqual(['Negotiate', 'Bearer']);
    expect(challenges[1]!.params).toEqual({ scope: 'x' });
    expect(bearerChallenge('Negotiate YWJjZA==')).toBeUndefined();
  });

  it('takes a token68 without "=" padding as the credentials of its challenge, not as a new challenge (RFC 9110 §11.2)', () => {
    // `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`: after a scheme and a space, a
    // token that is not followed by "=" is a token68 (padding is optional), not another scheme.
    const challenges = parseWwwAuthenticate('Negotiate abc, Bearer scope="x"');
    expect(challenges.map((c) => c.scheme)).toEqual(['Negotiate', 'Bearer']);
    expect(bearerChallenge('Negotiate abc, Bearer scope="x"')?.params).toEqual({ scope: 'x' });
  });

  it('matches the scheme case-insensitively', () => {
    expect(bearerChallenge('bearer scope="a"')?.params.scope).toBe('a');
    expect(bearerChallenge('BEARER scope="b"')?.params.scope).toBe('b');
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
  });

  it('copes with a missing or empty header and a Bearer challenge without parameters', () => {
    expect(bearerChallenge(undefined)).toBeUndefined();
    expect(bearerChallenge(null)).toBeUndefined();
    expect(bearerChallenge('')).toBeUndefined();
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(bearerChallenge('Bearer')).toEqual({ scheme: 'Bearer', params: {} });
  });
});

// ---------------------------------------------------------------------------
// urls.ts
// ---------------------------------------------------------------------------

describe('assertSecureEndpoint', () => {
  it('accepts https anywhere and http on the loopback interface only', () => {
    expect(assertSecureEndpoint('https://auth.example.com/token', 'token endpoint').href).toBe('https://auth.example.com/token');
    for (const url of ['http://127.0.0.1:8080/token', 'http://[::1]:8080/token', 'http://localhost/token']) {
      expect(assertSecureEndpoint(url, 'token endpoint').href).toBe(url);
    }
  });

  it('refuses http elsewhere with exit code 7', async () => {
    for (const url of ['http://auth.example.com/token', 'http://10.0.0.1/token', 'http://127.0.0.1.example.com/token', 'http://localhost.example.com/token']) {
      const error = await oauthError(() => assertSecureEndpoint(url, 'token endpoint'));
      expect(error.code).toBe('insecure_endpoint');
      expect(error.exitCode).toBe(ExitCode.oauth);
      expect(error.exitCode).toBe(7);
      expect(error.message).toContain('token endpoint');
    }
  });

  it('refuses other schemes and values that are no URL', async () => {
    expect((await oauthError(() => assertSecureEndpoint('ftp://127.0.0.1/x', 'x'))).code).toBe('insecure_endpoint');
    for (const value of [undefined, '', 'not a url', '/relative/path']) {
      const error = await oauthError(() => assertSecureEndpoint(value, 'authorization endpoint'));
      expect(error.code).toBe('invalid_metadata');
      expect(error.exitCode).toBe(7);
    }
  });
});

describe('canonicalResource', () => {
  it('drops the fragment, lower-cases scheme and host, drops the default port, keeps path and query', () => {
    expect(canonicalResource('HTTPS://MCP.Example.COM:443/Path/mcp?x=1#frag')).toBe('https://mcp.example.com/Path/mcp?x=1');
    expect(canonicalResource('http://127.0.0.1:80/mcp#')).toBe('http://127.0.0.1/mcp');
    expect(canonicalResource('https://mcp.example.com:8443/mcp/')).toBe('https://mcp.example.com:8443/mcp/');
  });
});

describe('resourceMatches', () => {
  const server = 'https://mcp.example.com/mcp';
  it('accepts the same URL, a parent path and the root', () => {
    expect(resourceMatches('https://mcp.example.com/mcp', server)).toBe(true);
    expect(resourceMatches('https://mcp.example.com/', 'https://mcp.example.com/v1/mcp')).toBe(true);
    expect(resourceMatches('https://mcp.example.com/v1', 'https://mcp.example.com/v1/mcp')).toBe(true);
    expect(resourceMatches('https://mcp.example.com', server)).toBe(true);
  });

  it('treats a trailing slash on either side as the same path', () => {
    expect(resourceMatches('https://mcp.example.com/mcp/', server)).toBe(true);
    expect(resourceMatches('https://mcp.example.com/mcp', 'https://mcp.example.com/mcp/')).toBe(true);
  });

  it('refuses another origin, a sibling path, a child path and garbage', () => {
    expect(resourceMatches('https://evil.example.com/mcp', server)).toBe(false);
    expect(resourceMatches('http://mcp.example.com/mcp', server)).toBe(false);
    expect(resourceMatches('https://mcp.example.com:8443/mcp', server)).toBe(false);
    expect(resourceMatches('https://mcp.example.com/mcp', 'https://mcp.example.com/mcp2')).toBe(false);
    expect(resourceMatches('https://mcp.example.com/mcp2', server)).toBe(false);
    expect(resourceMatches('https://mcp.example.com/mcp/sub', server)).toBe(false);
    expect(resourceMatches('not a url', server)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// discovery.ts
// ---------------------------------------------------------------------------

describe('authServerMetadataUrls', () => {
  it('gives exactly the two root URLs for an issuer without a path', () => {
    const expected = ['https://auth.example.com/.well-known/oauth-authorization-server', 'https://auth.example.com/.well-known/openid-configuration'];
    expect(authServerMetadataUrls('https://auth.example.com')).toEqual(expected);
    expect(authServerMetadataUrls('https://auth.example.com/')).toEqual(expected);
  });

  it('gives exactly the three URLs of the MCP spec, in order, for an issuer with a path', () => {
    const expected = [
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ];
    expect(authServerMetadataUrls('https://auth.example.com/tenant1')).toEqual(expected);
    expect(authServerMetadataUrls('https://auth.example.com/tenant1/')).toEqual(expected);
  });
});

describe('discover', () => {
  const RESOURCE = 'https://mcp.example.com/mcp';
  const ISSUER = 'https://auth.example.com';
  const PRM_PATH = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
  const PRM_ROOT = 'https://mcp.example.com/.well-known/oauth-protected-resource';
  const AS_MD = `${ISSUER}/.well-known/oauth-authorization-server`;
  const OIDC_MD = `${ISSUER}/.well-known/openid-configuration`;
  const prm = (extra: Record<string, unknown> = {}) => () => json({ resource: RESOURCE, authorization_servers: [ISSUER], ...extra });

  it('fetches exactly the resource_metadata URL the challenge names, and no other', async () => {
    const named = 'https://mcp.example.com/custom/prm.json';
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized(`Bearer resource_metadata="${named}", scope="mcp:read"`),
      [named]: prm({ scopes_supported: ['mcp:read', 'mcp:write'] }),
      // Well-known documents that would point elsewhere: they must not be read.
      [PRM_PATH]: () => json({ resource: RESOURCE, authorization_servers: ['https://other.example.com'] }),
      [PRM_ROOT]: () => json({ resource: RESOURCE, authorization_servers: ['https://other.example.com'] }),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const result = await discover(`${RESOURCE}#ignored`, { fetch: fake.fetch });
    expect(fake.urls()).toEqual([RESOURCE, named, AS_MD]);
    expect(result).toMatchObject({
      resource: RESOURCE,
      via: 'resource-metadata',
      challenge: { scope: 'mcp:read', resourceMetadata: named },
      resourceMetadata: { resource: RESOURCE, scopes_supported: ['mcp:read', 'mcp:write'] },
      authServer: { issuer: ISSUER },
    });
    // The probe is an unauthenticated 2026-07-28 tools/list; it was challenged, so no initialize follows.
    const probe = fake.calls[0]!;
    expect(probe.method).toBe('POST');
    expect(probe.headers.get('authorization')).toBeNull();
    expect(probe.headers.get('mcp-protocol-version')).toBe('2026-07-28');
    expect(JSON.parse(probe.body!)).toMatchObject({ jsonrpc: '2.0', method: 'tools/list' });
  });

  it('does not fall back to the well-known URLs when the named resource metadata is missing', async () => {
    const named = 'https://mcp.example.com/custom/prm.json';
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized(`Bearer resource_metadata="${named}"`),
      [PRM_PATH]: prm(),
      [PRM_ROOT]: prm(),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const error = await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }));
    expect(error.code).toBe('invalid_metadata');
    expect(error.message).toContain(named);
    expect(fake.urls()).toEqual([RESOURCE, named]);
  });

  it('refuses a named resource metadata URL over plain http off loopback', async () => {
    const fake = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer resource_metadata="http://mcp.example.com/prm"') });
    expect((await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }))).code).toBe('insecure_endpoint');
    expect(fake.urls()).toEqual([RESOURCE]);
  });

  it('without resource_metadata, tries the path well-known URL, then the root one', async () => {
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized('Bearer scope="mcp:read"'),
      [PRM_ROOT]: prm(),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    expect(fake.urls()).toEqual([RESOURCE, PRM_PATH, PRM_ROOT, AS_MD]);
    expect(result.via).toBe('resource-metadata');
    expect(result.challenge).toEqual({ scope: 'mcp:read' });

    // Found at the path URL: the root one is never asked.
    const first = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [PRM_PATH]: prm(), [PRM_ROOT]: prm(), [AS_MD]: () => json(asMetadata(ISSUER)) });
    await discover(RESOURCE, { fetch: first.fetch });
    expect(first.urls()).toEqual([RESOURCE, PRM_PATH, AS_MD]);
  });

  it('inserts a longer server path into the well-known URL, and asks the root once for a root server', async () => {
    const nested = 'https://mcp.example.com/v1/tools/mcp';
    const fake = fakeFetch({ [nested]: () => unauthorized('Bearer') });
    await discover(nested, { fetch: fake.fetch }).catch(() => undefined);
    expect(fake.urls().slice(0, 3)).toEqual([nested, 'https://mcp.example.com/.well-known/oauth-protected-resource/v1/tools/mcp', PRM_ROOT]);

    const root = fakeFetch({ 'https://mcp.example.com/': () => unauthorized('Bearer') });
    await discover('https://mcp.example.com/', { fetch: root.fetch }).catch(() => undefined);
    expect(root.urls().filter((url) => url.includes('oauth-protected-resource'))).toEqual([PRM_ROOT]);
  });

  it('moves on to the next authorization server metadata URL on a 4xx', async () => {
    const issuer = 'https://auth.example.com/tenant1';
    const [first, second, third] = authServerMetadataUrls(issuer);
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized('Bearer'),
      [PRM_PATH]: () => json({ resource: RESOURCE, authorization_servers: [issuer] }),
      [first!]: () => json({ error: 'not_found' }, 404),
      [second!]: () => json({ error: 'forbidden' }, 403),
      [third!]: () => json(asMetadata(issuer)),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    expect(fake.urls()).toEqual([RESOURCE, PRM_PATH, first, second, third]);
    expect(result.authServer.issuer).toBe(issuer);
    expect(result.authServer.token_endpoint).toBe(`${issuer}/token`);
  });

  it('stops on a 5xx from the authorization server metadata', async () => {
    const fake = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [PRM_PATH]: prm(), [AS_MD]: () => json({}, 503), [OIDC_MD]: () => json(asMetadata(ISSUER)) });
    expect((await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }))).code).toBe('server_error');
    expect(fake.urls()).not.toContain(OIDC_MD);
  });

  it('refuses metadata whose issuer is not the authorization server named', async () => {
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized('Bearer'),
      [PRM_PATH]: prm(),
      [AS_MD]: () => json(asMetadata('https://evil.example.com')),
      [OIDC_MD]: () => json(asMetadata(ISSUER)),
    });
    const error = await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }));
    expect(error.code).toBe('issuer_mismatch');
    expect(error.exitCode).toBe(7);
    expect(fake.urls()).not.toContain(OIDC_MD);
  });

  it('refuses an issuer that differs only by a trailing slash: RFC 8414 §3.3 means identical, and nothing else is asked of it', async () => {
    for (const [named, published] of [[ISSUER, `${ISSUER}/`], [`${ISSUER}/`, ISSUER]] as const) {
      const fake = fakeFetch({
        [RESOURCE]: () => unauthorized('Bearer'),
        [PRM_PATH]: () => json({ resource: RESOURCE, authorization_servers: [named] }),
        [AS_MD]: () => json(asMetadata(ISSUER, { issuer: published })),
      });
      const error = await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }));
      expect(error.code).toBe('issuer_mismatch');
      expect(error.exitCode).toBe(7);
      expect(error.message).toContain(`names issuer ${JSON.stringify(published)}, expected ${named} (the trailing slash differs`);
      expect(fake.urls()).toEqual([RESOURCE, PRM_PATH, AS_MD]);
    }
  });

  it('refuses resource metadata for another resource', async () => {
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized('Bearer'),
      [PRM_PATH]: () => json({ resource: 'https://mcp.example.com/other', authorization_servers: [ISSUER] }),
      [AS_MD]: () => json(asMetadata(ISSUER)),
    });
    expect((await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }))).code).toBe('resource_mismatch');
    expect(fake.urls()).not.toContain(AS_MD);
  });

  it('refuses an authorization server without PKCE S256 or with a plain-http endpoint', async () => {
    const noPkce = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [PRM_PATH]: prm(), [AS_MD]: () => json(asMetadata(ISSUER, { code_challenge_methods_supported: ['plain'] })) });
    expect((await oauthError(() => discover(RESOURCE, { fetch: noPkce.fetch }))).code).toBe('pkce_unsupported');
    const insecure = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [PRM_PATH]: prm(), [AS_MD]: () => json(asMetadata(ISSUER, { token_endpoint: 'http://auth.example.com/token' })) });
    expect((await oauthError(() => discover(RESOURCE, { fetch: insecure.fetch }))).code).toBe('insecure_endpoint');
  });

  it('falls back to /authorize, /token and /register at the origin when nothing is published and the server answered 401', async () => {
    const legacy = 'https://mcp.example.com/v1/mcp';
    const fake = fakeFetch({ [legacy]: () => unauthorized() });
    const result = await discover(legacy, { fetch: fake.fetch });
    expect(result.via).toBe('legacy-defaults');
    expect(result.authServer).toMatchObject({
      issuer: 'https://mcp.example.com',
      authorization_endpoint: 'https://mcp.example.com/authorize',
      token_endpoint: 'https://mcp.example.com/token',
      registration_endpoint: 'https://mcp.example.com/register',
      code_challenge_methods_supported: ['S256'],
    });
    expect(result.challenge).toBeUndefined();
    expect(fake.urls()).toEqual([
      legacy,
      'https://mcp.example.com/.well-known/oauth-protected-resource/v1/mcp',
      PRM_ROOT,
      'https://mcp.example.com/.well-known/oauth-authorization-server',
      'https://mcp.example.com/.well-known/openid-configuration',
    ]);
  });

  it("uses the origin's own metadata (2025-03-26) when it publishes some, but still refuses a wrong issuer there", async () => {
    const origin = 'https://mcp.example.com';
    const fake = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [`${origin}/.well-known/oauth-authorization-server`]: () => json(asMetadata(origin)) });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    expect(result.via).toBe('legacy-metadata');
    expect(result.authServer.token_endpoint).toBe(`${origin}/token`);

    const forged = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [`${origin}/.well-known/oauth-authorization-server`]: () => json(asMetadata('https://evil.example.com')) });
    expect((await oauthError(() => discover(RESOURCE, { fetch: forged.fetch }))).code).toBe('issuer_mismatch');
  });

  it("uses the catalog's authorization server hint when the server publishes no resource metadata", async () => {
    const fake = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [AS_MD]: () => json(asMetadata(ISSUER)) });
    const result = await discover(RESOURCE, { fetch: fake.fetch, authorizationServerHint: ISSUER });
    expect(result.via).toBe('catalog-hint');
    expect(result.authServer.issuer).toBe(ISSUER);
  });

  it("reports no_oauth when the server answers 200 and publishes no metadata", async () => {
    const fake = fakeFetch({ [RESOURCE]: () => json({ jsonrpc: '2.0', id: 0, result: {} }) });
    const error = await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }));
    expect(error.code).toBe('no_oauth');
    expect(error.exitCode).toBe(7);
    // Both probes (tools/list, then initialize), and no legacy guessing for a server that never asked for authorization.
    expect(fake.urls()).toEqual([RESOURCE, RESOURCE, PRM_PATH, PRM_ROOT]);
  });

  it('reports an unreachable server as such', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as Fetch;
    const error = await oauthError(() => discover(RESOURCE, { fetch: failing }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

// ---------------------------------------------------------------------------
// authorize.ts
// ---------------------------------------------------------------------------

function discovery(parts: { challengeScope?: string; scopesSupported?: string[]; asScopes?: string[] } = {}): DiscoveryResult {
  return {
    serverUrl: 'https://mcp.example.com/mcp',
    resource: 'https://mcp.example.com/mcp',
    ...(parts.challengeScope ? { challenge: { scope: parts.challengeScope } } : {}),
    ...(parts.scopesSupported ? { resourceMetadata: { resource: 'https://mcp.example.com/mcp', scopes_supported: parts.scopesSupported } } : {}),
    authServer: asMetadata('https://auth.example.com', parts.asScopes ? { scopes_supported: parts.asScopes } : {}),
    via: 'resource-metadata',
  };
}

describe('chooseScope', () => {
  const all = { challengeScope: 'challenge:a', scopesSupported: ['prm:a', 'prm:b'] };
  it('prefers the explicit scope, then the entry scopes, then the challenge, then scopes_supported', () => {
    expect(chooseScope({ scope: 'explicit:a explicit:b', oauth: { scopes: ['entry:a'] } }, discovery(all))).toBe('explicit:a explicit:b');
    expect(chooseScope({ oauth: { scopes: ['entry:a', 'entry:b'] } }, discovery(all))).toBe('entry:a entry:b');
    expect(chooseScope({ oauth: { scopes: [] } }, discovery(all))).toBe('challenge:a');
    expect(chooseScope({}, discovery(all))).toBe('challenge:a');
    expect(chooseScope({}, discovery({ scopesSupported: ['prm:a', 'prm:b'] }))).toBe('prm:a prm:b');
    expect(chooseScope({}, discovery({ scopesSupported: [] }))).toBeUndefined();
    expect(chooseScope({}, discovery())).toBeUndefined();
  });

  it('appends offline_access only when the authorization server lists it, never twice, never alone', () => {
    expect(chooseScope({}, discovery({ challengeScope: 'mcp:read', asScopes: ['mcp:read', 'offline_access'] }))).toBe('mcp:read offline_access');
    expect(chooseScope({}, discovery({ challengeScope: 'mcp:read', asScopes: ['mcp:read'] }))).toBe('mcp:read');
    expect(chooseScope({}, discovery({ challengeScope: 'mcp:read' }))).toBe('mcp:read');
    expect(chooseScope({ scope: 'offline_access mcp:read' }, discovery({ asScopes: ['offline_access'] }))).toBe('offline_access mcp:read');
    expect(chooseScope({ oauth: { scopes: ['entry:a'] } }, discovery({ asScopes: ['offline_access'] }))).toBe('entry:a offline_access');
    // Nothing to ask for: no scope at all, not a lone offline_access.
    expect(chooseScope({}, discovery({ asScopes: ['offline_access'] }))).toBeUndefined();
  });

  it('normalises whitespace between scopes', () => {
    expect(chooseScope({}, discovery({ challengeScope: '  a   b ' }))).toBe('a b');
  });
});

describe('grantFromTokens', () => {
  const metadata = asMetadata('https://auth.example.com', { revocation_endpoint: 'https://auth.example.com/revoke' });
  const client: ClientIdentity = { kind: 'dynamic', clientId: 'client-1', authMethod: 'none' };
  const now = Date.parse('2030-01-01T00:00:00.000Z');
  const base = { server: 'demo', resource: 'https://mcp.example.com/mcp', metadata, client, now };

  it('computes expiresAt from expires_in and the injected clock, and records where the grant came from', () => {
    const grant = grantFromTokens({ access_token: 'at', token_type: 'bearer', refresh_token: 'rt', expires_in: 3600, scope: 'mcp:read' }, base);
    expect(grant).toEqual({
      version: 1,
      server: 'demo',
      resource: 'https://mcp.example.com/mcp',
      issuer: 'https://auth.example.com',
      tokenEndpoint: 'https://auth.example.com/token',
      revocationEndpoint: 'https://auth.example.com/revoke',
      clientId: 'client-1',
      client: 'dynamic',
      authMethod: 'none',
      accessToken: 'at',
      refreshToken: 'rt',
      tokenType: 'Bearer',
      expiresAt: '2030-01-01T01:00:00.000Z',
      scope: 'mcp:read',
      obtainedAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('leaves expiresAt out when the server gave no lifetime, and falls back to the requested scope', () => {
    const grant = grantFromTokens({ access_token: 'at' }, { ...base, requestedScope: 'mcp:read offline_access' });
    expect(grant.expiresAt).toBeUndefined();
    expect(grant.tokenType).toBe('Bearer');
    expect(grant.scope).toBe('mcp:read offline_access');
    expect(grant.refreshToken).toBeUndefined();
  });

  it('keeps the refresh token and scope of the previous grant when a refresh response omits them', () => {
    const previous = grantFromTokens({ access_token: 'old', refresh_token: 'rt-1', expires_in: 60, scope: 'mcp:read mcp:write' }, base);
    const later = now + 55_000;
    const renewed = grantFromTokens({ access_token: 'new', token_type: 'Bearer', expires_in: 60 }, { ...base, now: later, previous });
    expect(renewed).toMatchObject({ accessToken: 'new', refreshToken: 'rt-1', scope: 'mcp:read mcp:write', obtainedAt: new Date(later).toISOString(), expiresAt: new Date(later + 60_000).toISOString() });
    // A rotated refresh token and a narrowed scope replace the old ones.
    const rotated = grantFromTokens({ access_token: 'newer', refresh_token: 'rt-2', scope: 'mcp:read' }, { ...base, previous });
    expect(rotated).toMatchObject({ refreshToken: 'rt-2', scope: 'mcp:read' });
  });

  it('refuses a token that is not a Bearer token', async () => {
    for (const tokenType of ['DPoP', 'mac', 'N_A']) {
      const error = await oauthError(() => grantFromTokens({ access_token: 'at', token_type: tokenType }, base));
      expect(error.code).toBe('unsupported_token_type');
      expect(error.message).toContain(tokenType);
      expect(error.message).not.toContain('"at"');
    }
  });
});

// ---------------------------------------------------------------------------
// tokens.ts
// ---------------------------------------------------------------------------

describe('fresh', () => {
  const obtained = Date.parse('2030-01-01T00:00:00.000Z');
  const grant = (lifetimeMs: number | undefined): StoredGrant => ({
    version: 1,
    server: 'demo',
    resource: 'https://mcp.example.com/mcp',
    issuer: 'https://auth.example.com',
    tokenEndpoint: 'https://auth.example.com/token',
    clientId: 'c',
    client: 'dynamic',
    authMethod: 'none',
    accessToken: 'at',
    tokenType: 'Bearer',
    ...(lifetimeMs === undefined ? {} : { expiresAt: new Date(obtained + lifetimeMs).toISOString() }),
    obtainedAt: new Date(obtained).toISOString(),
  });

  it('is always fresh without an expiry', () => {
    expect(fresh(grant(undefined), obtained + 10 * 365 * 86_400_000, REFRESH_MARGIN_MS)).toBe(true);
  });

  it('uses the 60 s margin for a long-lived token', () => {
    expect(REFRESH_MARGIN_MS).toBe(60_000);
    const hour = grant(3_600_000);
    expect(fresh(hour, obtained, REFRESH_MARGIN_MS)).toBe(true);
    expect(fresh(hour, obtained + 3_600_000 - 61_000, REFRESH_MARGIN_MS)).toBe(true);
    expect(fresh(hour, obtained + 3_600_000 - 60_000, REFRESH_MARGIN_MS)).toBe(false);
    expect(fresh(hour, obtained + 3_600_000 - 59_000, REFRESH_MARGIN_MS)).toBe(false);
    expect(fresh(hour, obtained + 3_600_000 + 1, REFRESH_MARGIN_MS)).toBe(false);
  });

  it('uses half the lifetime for a token that lives less than two margins', () => {
    const short = grant(10_000); // margin min(60 s, 5 s) = 5 s
    expect(fresh(short, obtained + 4_999, REFRESH_MARGIN_MS)).toBe(true);
    expect(fresh(short, obtained + 5_000, REFRESH_MARGIN_MS)).toBe(false);
    expect(fresh(short, obtained + 9_000, REFRESH_MARGIN_MS)).toBe(false);
    const twoMinutes = grant(120_000); // exactly two margins: min(60 s, 60 s)
    expect(fresh(twoMinutes, obtained + 59_999, REFRESH_MARGIN_MS)).toBe(true);
    expect(fresh(twoMinutes, obtained + 60_000, REFRESH_MARGIN_MS)).toBe(false);
  });

  it('honours a custom margin', () => {
    const hour = grant(3_600_000);
    expect(fresh(hour, obtained + 3_600_000 - 1, 0)).toBe(true);
    expect(fresh(hour, obtained + 3_600_000, 0)).toBe(false);
    expect(fresh(hour, obtained + 3_000_000, 700_000)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// clients.ts
// ---------------------------------------------------------------------------

describe('secretAuthMethod', () => {
  const md = (methods?: string[]) => asMetadata('https://auth.example.com', methods ? { token_endpoint_auth_methods_supported: methods } : {});
  it('prefers client_secret_basic, the RFC 8414 default when nothing is listed', () => {
    expect(secretAuthMethod(md())).toBe('client_secret_basic');
    expect(secretAuthMethod(md(['client_secret_post', 'client_secret_basic']))).toBe('client_secret_basic');
    expect(secretAuthMethod(md(['none', 'client_secret_post']))).toBe('client_secret_post');
  });

  it('refuses an AS that supports neither secret method', async () => {
    for (const methods of [['private_key_jwt'], ['none'], []]) {
      const error = await oauthError(() => secretAuthMethod(md(methods)));
      expect(error.code).toBe('unsupported_client_auth');
      expect(error.exitCode).toBe(7);
    }
  });
});

describe('chooseClient', () => {
  const ISSUER = 'https://auth.example.com';
  const REGISTER = `${ISSUER}/register`;
  const CIMD_URL = 'https://example.com/mcpkey/client-metadata.json';
  const REDIRECT = 'http://127.0.0.1:49152/callback';

  /** A registration endpoint that hands out client-1, client-2, ... and echoes the metadata. */
  function registrar(answer?: (body: Record<string, unknown>, n: number) => Response) {
    let n = 0;
    return fakeFetch({
      [REGISTER]: (call) => {
        n += 1;
        const body = JSON.parse(call.body!) as Record<string, unknown>;
        return answer ? answer(body, n) : json({ ...body, client_id: `client-${n}` }, 201);
      },
    });
  }

  function choice(overrides: Partial<ClientChoice> & { metadata?: AuthServerMetadata } = {}): ClientChoice & { keychain: MemoryKeychain } {
    const keychain = new MemoryKeychain();
    return {
      server: 'demo',
      issuer: ISSUER,
      metadata: asMetadata(ISSUER, { client_id_metadata_document_supported: true }),
      redirectUri: REDIRECT,
      store: new OAuthStore(keychain),
      keychain,
      ...overrides,
    };
  }

  it('uses a pre-registered client first, even when CIMD and DCR are available', async () => {
    const fake = registrar();
    const c = choice({ clientId: 'pre-1', clientMetadataUrl: CIMD_URL, fetch: fake.fetch });
    expect(await chooseClient(c)).toEqual({ kind: 'pre-registered', clientId: 'pre-1', authMethod: 'none' });
    expect(fake.calls).toHaveLength(0);
    expect(c.keychain.store.size).toBe(0);
  });

  it('gives a pre-registered client with a secret the AS-supported secret method, unless one is named', async () => {
    const metadata = asMetadata(ISSUER, { token_endpoint_auth_methods_supported: ['client_secret_post'] });
    expect(await chooseClient(choice({ metadata, clientId: 'pre-1', clientSecret: 's3cret' }))).toEqual({
      kind: 'pre-registered',
      clientId: 'pre-1',
      clientSecret: 's3cret',
      authMethod: 'client_secret_post',
    });
    expect(await chooseClient(choice({ metadata, clientId: 'pre-1', clientSecret: 's3cret', authMethod: 'client_secret_basic' }))).toMatchObject({ authMethod: 'client_secret_basic' });
  });

  it('uses the Client ID Metadata Document before DCR when the AS advertises it', async () => {
    const fake = registrar();
    const c = choice({ clientMetadataUrl: CIMD_URL, fetch: fake.fetch });
    expect(await chooseClient(c)).toEqual({ kind: 'metadata-document', clientId: CIMD_URL, authMethod: 'none' });
    expect(fake.calls).toHaveLength(0);
    expect(c.keychain.store.size).toBe(0);
  });

  it('prefers the document to a dynamic registration kept from before, once the AS advertises CIMD (DCR is deprecated)', async () => {
    const fake = registrar();
    const c = choice({ clientMetadataUrl: CIMD_URL, fetch: fake.fetch });
    await c.store.saveDynamicClient({ version: 1, issuer: ISSUER, clientId: 'old-dcr', authMethod: 'none', redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'], registeredAt: '2030-01-01T00:00:00.000Z' });
    expect(await chooseClient(c)).toEqual({ kind: 'metadata-document', clientId: CIMD_URL, authMethod: 'none' });
    expect(fake.calls).toHaveLength(0);
  });

  it('accepts an http loopback document URL with a path, refuses one without a path or off loopback', async () => {
    const loopback = 'http://127.0.0.1:8080/mcpkey/client.json';
    expect(await chooseClient(choice({ clientMetadataUrl: loopback }))).toMatchObject({ kind: 'metadata-document', clientId: loopback });
    for (const url of ['https://example.com/', 'https://example.com', 'http://127.0.0.1:8080/']) {
      const error = await oauthError(() => chooseClient(choice({ clientMetadataUrl: url })));
      expect(error.code).toBe('invalid_client_metadata_url');
      expect(error.exitCode).toBe(7);
      expect(error.message).toMatch(/no path/);
    }
    expect((await oauthError(() => chooseClient(choice({ clientMetadataUrl: 'http://example.com/mcpkey/client.json' })))).code).toBe('insecure_endpoint');
  });

  it('refuses a document URL with a fragment or with user credentials, which the CIMD draft forbids in a client_id', async () => {
    // draft-ietf-oauth-client-id-metadata-document §3: the URL MUST NOT contain a fragment, nor a
    // username or password. Such a client_id is refused by the AS (oidc-provider's isValidClientIdUrl
    // does), so mcpkey should say so up front instead of sending it.
    for (const url of ['https://example.com/mcpkey/client.json#frag', 'https://user:pw@example.com/mcpkey/client.json']) {
      const error = await oauthError(() => chooseClient(choice({ clientMetadataUrl: url })));
      expect(error.code, url).toBe('invalid_client_metadata_url');
      expect(error.exitCode).toBe(7);
    }
  });

  it('ignores the document URL when the AS does not advertise client_id_metadata_document_supported', async () => {
    for (const flag of [undefined, false]) {
      const fake = registrar();
      const metadata = asMetadata(ISSUER, flag === undefined ? {} : { client_id_metadata_document_supported: flag });
      const result = await chooseClient(choice({ metadata, clientMetadataUrl: CIMD_URL, fetch: fake.fetch }));
      expect(result).toEqual({ kind: 'dynamic', clientId: 'client-1', authMethod: 'none' });
      expect(fake.urls()).toEqual([REGISTER]);
    }
    // Without it, even a document URL without a path is not looked at.
    const fake = registrar();
    expect(await chooseClient(choice({ metadata: asMetadata(ISSUER), clientMetadataUrl: 'https://example.com/', fetch: fake.fetch }))).toMatchObject({ kind: 'dynamic' });
  });

  it('registers dynamically as a native public client, and stores the registration', async () => {
    const fake = registrar();
    const c = choice({ fetch: fake.fetch });
    expect(await chooseClient(c)).toEqual({ kind: 'dynamic', clientId: 'client-1', authMethod: 'none' });
    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0]!;
    expect(call.method).toBe('POST');
    expect(JSON.parse(call.body!)).toEqual({
      client_name: 'mcpkey',
      application_type: 'native',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const stored = (await c.store.dynamicClient(ISSUER))!;
    expect(stored).toMatchObject({ version: 1, issuer: ISSUER, clientId: 'client-1', authMethod: 'none', redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'] });
    expect(c.keychain.store.has(`oauth-dcr:${ISSUER}`)).toBe(true);
  });

  it('reuses a stored registration whose redirect URI fits, and registers again when it does not', async () => {
    const fake = registrar();
    const c = choice({ fetch: fake.fetch });
    expect((await chooseClient(c)).clientId).toBe('client-1');
    expect((await chooseClient(c)).clientId).toBe('client-1');
    expect(fake.calls).toHaveLength(1);

    const otherPort = 'http://127.0.0.1:49153/callback';
    const moved = await chooseClient({ ...c, redirectUri: otherPort });
    expect(moved).toEqual({ kind: 'dynamic', clientId: 'client-2', authMethod: 'none' });
    expect(fake.calls).toHaveLength(2);
    expect(JSON.parse(fake.calls[1]!.body!).redirect_uris).toEqual([otherPort]);
    expect((await c.store.dynamicClient(ISSUER))!.clientId).toBe('client-2');
    expect((await chooseClient({ ...c, redirectUri: otherPort })).clientId).toBe('client-2');
    expect(fake.calls).toHaveLength(2);
  });

  it('registers again for the device flow unless the stored client has the device grant', async () => {
    const metadata = asMetadata(ISSUER, { device_authorization_endpoint: `${ISSUER}/device` });
    const fake = registrar();
    const c = choice({ metadata, fetch: fake.fetch });
    // A code-flow registration at an AS with a device endpoint asks for the device grant too ...
    await chooseClient(c);
    expect(JSON.parse(fake.calls[0]!.body!).grant_types).toEqual(['authorization_code', 'refresh_token', DEVICE_GRANT]);
    // ... so the device flow can reuse it.
    expect((await chooseClient({ ...c, redirectUri: undefined })).clientId).toBe('client-1');
    expect(fake.calls).toHaveLength(1);

    // A stored client without the device grant is replaced by a device registration (no redirect URIs).
    const old: DynamicClient = { version: 1, issuer: ISSUER, clientId: 'old', authMethod: 'none', redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'], registeredAt: '2030-01-01T00:00:00.000Z' };
    await c.store.saveDynamicClient(old);
    expect((await chooseClient({ ...c, redirectUri: undefined })).clientId).toBe('client-2');
    expect(JSON.parse(fake.calls[1]!.body!)).toMatchObject({ redirect_uris: [], response_types: [], grant_types: [DEVICE_GRANT, 'refresh_token'] });
  });

  it('keeps a secret the AS issued at registration', async () => {
    const fake = registrar((body, n) => json({ ...body, client_id: `client-${n}`, client_secret: 'issued-secret', token_endpoint_auth_method: 'client_secret_post' }, 201));
    const c = choice({ fetch: fake.fetch, metadata: asMetadata(ISSUER) });
    expect(await chooseClient(c)).toEqual({ kind: 'dynamic', clientId: 'client-1', clientSecret: 'issued-secret', authMethod: 'client_secret_post' });
    expect((await c.store.dynamicClient(ISSUER))!.clientSecret).toBe('issued-secret');
  });

  it('gives a registration answer with a secret but no auth method one the AS supports (RFC 7591 default first)', async () => {
    for (const [methods, expected] of [[undefined, 'client_secret_basic'], [['client_secret_post'], 'client_secret_post'], [['none'], 'none']] as const) {
      const fake = registrar((body, n) => json({ client_id: `client-${n}`, client_secret: 'issued', redirect_uris: body.redirect_uris }, 201));
      const metadata = asMetadata(ISSUER, methods ? { token_endpoint_auth_methods_supported: [...methods] } : {});
      expect((await chooseClient(choice({ fetch: fake.fetch, metadata }))).authMethod).toBe(expected);
    }
  });

  it('reports a refused registration and an unsupported registered auth method', async () => {
    const refused = registrar(() => json({ error: 'invalid_redirect_uri', error_description: 'loopback not allowed' }, 400));
    const error = await oauthError(() => chooseClient(choice({ fetch: refused.fetch, metadata: asMetadata(ISSUER) })));
    expect(error.code).toBe('registration_failed');
    expect(error.message).toContain('invalid_redirect_uri: loopback not allowed');
    expect(error.hint).toMatch(/--client-id/);

    const jwt = registrar((body, n) => json({ ...body, client_id: `client-${n}`, token_endpoint_auth_method: 'private_key_jwt' }, 201));
    const c = choice({ fetch: jwt.fetch, metadata: asMetadata(ISSUER) });
    expect((await oauthError(() => chooseClient(c))).code).toBe('unsupported_client_auth');
    expect(await c.store.dynamicClient(ISSUER)).toBeUndefined();
  });

  it("fails with client_required, and the catalog's note as the hint, when no way works", async () => {
    const metadata = asMetadata(ISSUER, { registration_endpoint: undefined });
    delete metadata.registration_endpoint;
    const fake = registrar();
    const note = 'Register an OAuth app at https://provider.example.com/apps and pass its client ID';
    const error = await oauthError(() => chooseClient(choice({ metadata, note, fetch: fake.fetch })));
    expect(error.code).toBe('client_required');
    expect(error.exitCode).toBe(7);
    expect(error.hint).toBe(note);
    expect(error.message).toContain(ISSUER);
    expect(fake.calls).toHaveLength(0);

    // Without a note, the hint says how to pass a client ID; CIMD support without a URL is named.
    const withCimd = await oauthError(() => chooseClient(choice({ metadata: { ...metadata, client_id_metadata_document_supported: true } })));
    expect(withCimd.code).toBe('client_required');
    expect(withCimd.message).toMatch(/no client metadata URL is configured/);
    expect(withCimd.hint).toContain('mcpkey oauth authorize demo --client-id');
    const plain = await oauthError(() => chooseClient(choice({ metadata })));
    expect(plain.message).not.toMatch(/metadata URL/);
  });
});
