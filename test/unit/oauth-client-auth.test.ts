import { describe, expect, it } from 'vitest';
import { basicCredentials, formEncode } from '../../src/core/oauth/client-auth.js';
import { configuration, openidClient } from '../../src/core/oauth/openid.js';
import { asMetadata } from './oauth-fakes.js';

/** What a server that does not URL-decode Basic credentials sees: the base64-decoded header, as is. */
function raw(header: string): string {
  return Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
}

/** What a server that form-decodes them (RFC 6749 §2.3.1) sees. */
function decoded(header: string): [string, string] {
  const text = raw(header);
  const colon = text.indexOf(':');
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, '%20'));
  return [decode(text.slice(0, colon)), decode(text.slice(colon + 1))];
}

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('leaves unreserved characters alone: pre-registered-client stays pre-registered-client', () => {
    expect(raw(basicCredentials('pre-registered-client', 'pre-registered-secret'))).toBe('pre-registered-client:pre-registered-secret');
    expect(formEncode('A-Za-z0-9-._~*')).toBe('A-Za-z0-9-._~*');
  });

  it('form-encodes what must be: ":" (the separator), "%", "+", space, and non-ASCII as UTF-8 octets', () => {
    expect(formEncode('a:b')).toBe('a%3Ab');
    expect(formEncode('100%+x y')).toBe('100%25%2Bx+y');
    expect(formEncode('clé')).toBe('cl%C3%A9');
    expect(formEncode('密')).toBe('%E5%AF%86');
    expect(formEncode('a/b?c=d&e#f')).toBe('a%2Fb%3Fc%3Dd%26e%23f');
  });

  it('round-trips through a form-decoding server for ids and secrets with - . _ : ~ and non-ASCII', () => {
    const cases: Array<[string, string]> = [
      ['pre-registered-client', 'pre-registered-secret'],
      ['my.client_id-1', 's3cr3t:with:colons'],
      ['urn:example:client', 'späce and ünïcode ✓'],
      ['tilde~id', '+plus%percent'],
    ];
    for (const [id, secret] of cases) {
      expect(decoded(basicCredentials(id, secret))).toEqual([id, secret]);
      // Exactly one unencoded colon: the separator.
      expect(raw(basicCredentials(id, secret)).split(':')).toHaveLength(2);
    }
  });

  it('is what openid-client sends at the token endpoint for a client_secret_basic client', async () => {
    const lib = await openidClient();
    const config = await configuration(asMetadata('https://auth.example.com'), {
      clientId: 'pre-registered-client',
      clientSecret: 'pre-registered-secret',
      authMethod: 'client_secret_basic',
    });
    const seen: Array<{ url: string; authorization: string | null; body: string }> = [];
    config[lib.customFetch] = async (url, options) => {
      seen.push({ url: String(url), authorization: new Headers(options.headers).get('authorization'), body: String(options.body) });
      return new Response(JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 60 }), { headers: { 'content-type': 'application/json' } });
    };
    await lib.refreshTokenGrant(config, 'rt', { resource: 'http://127.0.0.1:8123' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://auth.example.com/token');
    expect(raw(seen[0]!.authorization!)).toBe('pre-registered-client:pre-registered-secret');
    const body = new URLSearchParams(seen[0]!.body);
    expect(body.get('client_secret')).toBeNull();
    // RFC 8707 resource exactly as given: no trailing slash added.
    expect(body.get('resource')).toBe('http://127.0.0.1:8123');
  });
});
