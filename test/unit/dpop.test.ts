import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseAlgorithm, dpopHandle, dpopWanted, newDPoPKey } from '../../src/core/oauth/dpop.js';
import { dpopResourceFetch } from '../../src/core/oauth/dpop-fetch.js';
import { grantFromTokens } from '../../src/core/oauth/grant.js';
import { challengeOf } from '../../src/core/oauth/probe.js';
import { tokenChallenge } from '../../src/core/oauth/www-authenticate.js';

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, any>;

describe('DPoP challenges read like Bearer ones', () => {
  it('a DPoP-only challenge gives its parameters and says DPoP', () => {
    const response = new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP algs="ES256 PS256", resource_metadata="https://mcp.test/.well-known/oauth-protected-resource/mcp", scope="mcp:read"' } });
    expect(challengeOf(response)).toEqual({ dpop: true, scope: 'mcp:read', resourceMetadata: 'https://mcp.test/.well-known/oauth-protected-resource/mcp' });
  });

  it('with both schemes, the one naming an error wins, parameters of the other fill in', () => {
    const both = tokenChallenge('Bearer resource_metadata="https://m/prm", DPoP error="insufficient_scope", scope="a b"');
    expect(both).toEqual({ dpop: true, challenge: { scheme: 'DPoP', params: { resource_metadata: 'https://m/prm', error: 'insufficient_scope', scope: 'a b' } } });
    expect(tokenChallenge('Bearer error="invalid_token", DPoP algs="ES256"').challenge?.params.error).toBe('invalid_token');
    expect(tokenChallenge('Basic realm="x"')).toEqual({ dpop: false });
    expect(challengeOf(new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer scope="x"' } }))).toEqual({ scope: 'x' });
  });
});

describe('when a grant is bound to a key', () => {
  const as = { issuer: 'https://as.test', dpop_signing_alg_values_supported: ['ES256'] };
  it('an explicit setting decides; else the authorization server and the MCP server must both show support', () => {
    expect(dpopWanted(true, { authServer: { issuer: 'https://as.test' } })).toBe(true);
    expect(dpopWanted(false, { authServer: as, challenge: { dpop: true } })).toBe(false);
    expect(dpopWanted(undefined, { authServer: as })).toBe(false);
    expect(dpopWanted(undefined, { authServer: as, challenge: { dpop: true } })).toBe(true);
    expect(dpopWanted(undefined, { authServer: { issuer: 'https://as.test' }, challenge: { dpop: true } })).toBe(false);
    expect(dpopWanted(undefined, { authServer: as, resourceMetadata: { resource: 'r', dpop_bound_access_tokens_required: true } })).toBe(true);
    expect(dpopWanted(undefined, { authServer: as, resourceMetadata: { resource: 'r', dpop_signing_alg_values_supported: ['ES256'] } })).toBe(true);
    // A grant that was bound stays bound when it is replaced (step-up) at the same authorization server.
    const jwk = { kty: 'EC' };
    expect(dpopWanted(undefined, { authServer: as }, { issuer: 'https://as.test', dpop: { alg: 'ES256', jwk } })).toBe(true);
    expect(dpopWanted(undefined, { authServer: as }, { issuer: 'https://other.test', dpop: { alg: 'ES256', jwk } })).toBe(false);
  });

  it('ES256 unless the server lists others only; none mcpkey signs with is an error', () => {
    expect(chooseAlgorithm({ issuer: 'x' })).toBe('ES256');
    expect(chooseAlgorithm({ issuer: 'x', dpop_signing_alg_values_supported: ['RS256', 'ES256'] })).toBe('ES256');
    expect(chooseAlgorithm({ issuer: 'x', dpop_signing_alg_values_supported: ['PS256'] })).toBe('PS256');
    expect(() => chooseAlgorithm({ issuer: 'x', dpop_signing_alg_values_supported: ['HS256'] }, 'acme')).toThrow(expect.objectContaining({ code: 'dpop_unsupported_algorithm', exitCode: 7, hint: expect.stringContaining('mcpkey oauth authorize acme --no-dpop') }));
    // The server's words are escaped.
    expect(() => chooseAlgorithm({ issuer: 'x', dpop_signing_alg_values_supported: ['\u001b]52;c;x\u0007'] })).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/[\u001b\u0007]/) }));
  });

  it('a stored key that cannot be read is one clear error', async () => {
    await expect(dpopHandle({ alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } }, 'acme')).rejects.toMatchObject({ code: 'dpop_key_invalid', exitCode: 7, message: 'the DPoP key stored with the grant of acme cannot be read' });
    await expect(dpopHandle({ alg: 'HS256', jwk: { kty: 'oct' } }, 'acme')).rejects.toMatchObject({ code: 'dpop_key_invalid' });
  });

  it('a DPoP token is kept with its key; one without a proven key is refused', async () => {
    const key = await newDPoPKey('ES256');
    const context = { server: 's', resource: 'https://mcp.test/mcp', metadata: { issuer: 'https://as.test', token_endpoint: 'https://as.test/token' }, client: { kind: 'dynamic' as const, clientId: 'c', authMethod: 'none' as const }, now: 0 };
    const bound = grantFromTokens({ access_token: 'at', token_type: 'dpop', refresh_token: 'rt' }, { ...context, dpop: key });
    expect(bound).toMatchObject({ tokenType: 'DPoP', dpop: key });
    // A refresh keeps the key of the grant it renews.
    expect(grantFromTokens({ access_token: 'at2', token_type: 'DPoP' }, { ...context, previous: bound })).toMatchObject({ tokenType: 'DPoP', dpop: key, refreshToken: 'rt' });
    // An authorization server that ignored the proof issued a Bearer token: kept as one, without the key.
    expect(grantFromTokens({ access_token: 'at', token_type: 'bearer' }, { ...context, dpop: key }).dpop).toBeUndefined();
    expect(() => grantFromTokens({ access_token: 'at', token_type: 'DPoP' }, context)).toThrow(expect.objectContaining({ code: 'unsupported_token_type' }));
  });
});

describe('a request with a DPoP-bound token', () => {
  it('sends the DPoP scheme and a new proof (htm, htu without query, iat, jti, ath), retries once with a nonce, and returns challenges as they came', async () => {
    const key = await newDPoPKey('ES256');
    const seen: Array<{ url: string; headers: Headers; signal?: AbortSignal | null }> = [];
    const answers = [
      new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n-1' } }),
      new Response('{}', { status: 200 }),
      new Response(null, { status: 403, headers: { 'www-authenticate': 'DPoP error="insufficient_scope", scope="x"' } }),
    ];
    const base = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(url), headers: new Headers(init?.headers), signal: init?.signal ?? null });
      return answers.shift()!;
    }) as typeof fetch;
    const grant = { accessToken: 'token-1', dpop: key, server: 's' };
    const controller = new AbortController();
    const ok = await dpopResourceFetch(base, new URL('https://mcp.test/mcp?session=1#f'), { method: 'post', body: '{}', headers: { authorization: 'Bearer old', 'content-type': 'application/json' }, signal: controller.signal }, grant);
    expect(ok.status).toBe(200);
    expect(seen).toHaveLength(2);
    const proofs = seen.map((request) => {
      expect(request.headers.get('authorization')).toBe('DPoP token-1');
      expect(request.headers.get('content-type')).toBe('application/json');
      expect(request.signal).toBe(controller.signal);
      const [header, payload] = request.headers.get('dpop')!.split('.');
      expect(decode(header!)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
      expect(decode(header!).jwk.d).toBeUndefined();
      return decode(payload!);
    });
    for (const claims of proofs) expect(claims).toMatchObject({ htm: 'POST', htu: 'https://mcp.test/mcp', ath: createHash('sha256').update('token-1').digest('base64url'), iat: expect.any(Number) });
    expect(proofs[0]!.nonce).toBeUndefined();
    expect(proofs[1]!.nonce).toBe('n-1');
    expect(proofs[0]!.jti).not.toBe(proofs[1]!.jti);

    // The nonce is kept for the origin; a challenge that is not about the nonce comes back to the caller.
    const refused = await dpopResourceFetch(base, 'https://mcp.test/mcp', { method: 'POST', body: '{}' }, grant);
    expect(refused.status).toBe(403);
    expect(decode(seen[2]!.headers.get('dpop')!.split('.')[1]!).nonce).toBe('n-1');
  });
});
