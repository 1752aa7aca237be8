import { describe, expect, it } from 'vitest';
import { discover } from '../../src/core/oauth/discovery.js';
import { OAuthError } from '../../src/core/oauth/errors.js';
import { recordIssuer, responseIssuerProblem } from '../../src/core/oauth/issuer.js';
import { startCallbackServer } from '../../src/core/oauth/loopback.js';
import { asMetadata, fakeFetch, json, oauthError, unauthorized } from './oauth-fakes.js';

const ISSUER = 'https://auth.example.com';

describe('responseIssuerProblem (RFC 9207 as the MCP spec tabulates it)', () => {
  const advertised = { issuer: ISSUER, advertised: true };
  const silent = { issuer: ISSUER, advertised: false };
  const params = (iss?: string) => new URLSearchParams({ code: 'c', state: 's', ...(iss === undefined ? {} : { iss }) });

  it('proceeds with the exact issuer, advertised or not, and without iss when it is not advertised', () => {
    expect(responseIssuerProblem(params(ISSUER), advertised)).toBeUndefined();
    expect(responseIssuerProblem(params(ISSUER), silent)).toBeUndefined();
    expect(responseIssuerProblem(params(), silent)).toBeUndefined();
  });

  it('refuses a missing iss when the metadata advertised it', () => {
    const problem = responseIssuerProblem(params(), advertised)!;
    expect(problem).toBeInstanceOf(OAuthError);
    expect(problem.code).toBe('issuer_mismatch');
    expect(problem.exitCode).toBe(7);
    expect(problem.message).toBe(`the authorization response has no iss, although ${ISSUER} sends one (RFC 9207)`);
  });

  it('compares a present iss by simple string comparison, advertised or not: no normalisation of any kind', () => {
    const variants = [
      `${ISSUER}/`, // trailing slash on an empty path (what new URL(x).href gives)
      'HTTPS://auth.example.com', // scheme case
      'https://AUTH.example.com', // host case
      'https://auth.example.com:443', // default port
      'https://auth.example.com/%7E', // percent-encoding
      'https://evil.example.com',
      '',
    ];
    for (const recorded of [advertised, silent]) {
      for (const iss of variants) {
        const problem = responseIssuerProblem(params(iss), recorded);
        expect(problem?.code, iss).toBe('issuer_mismatch');
        expect(problem!.message).toBe(`the authorization response came from issuer ${JSON.stringify(iss)}, expected ${JSON.stringify(ISSUER)}`);
        expect(problem!.message.split('\n')).toHaveLength(1);
      }
    }
    // The recorded issuer is compared as recorded: one published with a trailing slash needs the slash.
    expect(responseIssuerProblem(params(`${ISSUER}/`), { issuer: `${ISSUER}/`, advertised: true })).toBeUndefined();
    expect(responseIssuerProblem(params(ISSUER), { issuer: `${ISSUER}/`, advertised: true })?.code).toBe('issuer_mismatch');
  });

  it('records the issuer and the advertisement from validated metadata', () => {
    expect(recordIssuer(asMetadata(ISSUER, { authorization_response_iss_parameter_supported: true }))).toEqual(advertised);
    expect(recordIssuer(asMetadata(ISSUER))).toEqual(silent);
  });
});

describe('the loopback listener with the issuer check', () => {
  const STATE = 'state-0123456789abcdef';

  async function hit(redirectUri: string, query: Record<string, string>): Promise<{ status: number; html: string }> {
    const url = new URL(redirectUri);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url);
    return { status: response.status, html: await response.text() };
  }

  async function listener(advertised: boolean) {
    const recorded = { issuer: ISSUER, advertised };
    return startCallbackServer(STATE, 0, (params) => responseIssuerProblem(params, recorded));
  }

  it('ends the wait at once with the refusal, shows no error_description, and takes nothing after it', async () => {
    for (const iss of ['https://evil.example.com', `${ISSUER}/`]) {
      const callback = await listener(true);
      try {
        const started = Date.now();
        const outcome = callback.result.then(
          () => 'resolved',
          (error: unknown) => error,
        );
        const answer = await hit(callback.redirectUri, { code: 'c', state: STATE, iss, error: 'access_denied', error_description: 'PHISHING TEXT' });
        const error = (await outcome) as OAuthError;
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(error).toBeInstanceOf(OAuthError);
        expect(error.code).toBe('issuer_mismatch');
        expect(answer.status).toBe(400);
        expect(answer.html).toContain('Sign-in response refused');
        expect(answer.html).not.toContain('PHISHING TEXT');
        expect(answer.html).not.toContain('access_denied');
        // The real response arriving afterwards changes nothing.
        expect((await hit(callback.redirectUri, { code: 'c', state: STATE, iss: ISSUER })).status).toBe(409);
      } finally {
        await callback.close();
      }
    }
  });

  it('refuses a response without iss when the issuer advertised it', async () => {
    const callback = await listener(true);
    try {
      const outcome = callback.result.catch((error: unknown) => error);
      expect((await hit(callback.redirectUri, { code: 'c', state: STATE })).status).toBe(400);
      expect(((await outcome) as OAuthError).message).toMatch(/has no iss, although/);
    } finally {
      await callback.close();
    }
  });

  it('accepts the exact issuer, and no iss from an issuer that does not advertise it', async () => {
    for (const [advertised, query] of [
      [true, { code: 'c', state: STATE, iss: ISSUER }],
      [false, { code: 'c', state: STATE }],
      [false, { code: 'c', state: STATE, iss: ISSUER }],
    ] as const) {
      const callback = await listener(advertised);
      try {
        expect((await hit(callback.redirectUri, query)).status).toBe(200);
        expect((await callback.result).searchParams.get('code')).toBe('c');
      } finally {
        await callback.close();
      }
    }
  });

  it('still ignores a wrong state before any issuer check, and keeps waiting', async () => {
    const callback = await listener(true);
    try {
      let settled = false;
      void callback.result.then(
        () => (settled = true),
        () => (settled = true),
      );
      expect((await hit(callback.redirectUri, { code: 'c', state: 'forged', iss: 'https://evil.example.com' })).status).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      expect((await hit(callback.redirectUri, { code: 'c', state: STATE, iss: ISSUER })).status).toBe(200);
      await callback.result;
    } finally {
      await callback.close();
    }
  });
});

describe('authorization server metadata issuer', () => {
  const RESOURCE = 'https://mcp.example.com/mcp';
  const ORIGIN = 'https://mcp.example.com';
  const PRM_PATH = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;
  const LEGACY_MD = `${ORIGIN}/.well-known/oauth-authorization-server`;

  it('a metadata document naming another issuer is not used at all: no request goes to its endpoints', async () => {
    const poisoned = asMetadata('https://attacker.example.com', {
      authorization_endpoint: `${ISSUER}/mismatched-as/authorize`,
      token_endpoint: `${ISSUER}/mismatched-as/token`,
      registration_endpoint: `${ISSUER}/mismatched-as/register`,
    });
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized(`Bearer resource_metadata="${PRM_PATH}"`),
      [PRM_PATH]: () => json({ resource: RESOURCE, authorization_servers: [ISSUER] }),
      [`${ISSUER}/.well-known/oauth-authorization-server`]: () => json(poisoned),
    });
    const error = await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }));
    expect(error.code).toBe('issuer_mismatch');
    expect(fake.urls().some((url) => url.includes('mismatched-as'))).toBe(false);
    expect(fake.urls()).toEqual([RESOURCE, PRM_PATH, `${ISSUER}/.well-known/oauth-authorization-server`]);
  });

  it('2025-03-26 without resource metadata: takes the issuer the origin metadata names, such as {origin}/oauth', async () => {
    const issuer = `${ORIGIN}/oauth`;
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized('Bearer'),
      [LEGACY_MD]: () => json(asMetadata(issuer, { authorization_response_iss_parameter_supported: true })),
    });
    const result = await discover(RESOURCE, { fetch: fake.fetch });
    expect(result.via).toBe('legacy-metadata');
    expect(result.authServer.issuer).toBe(issuer);
    expect(result.authServer.token_endpoint).toBe(`${issuer}/token`);
    // Held to it from here on: the redirect's iss is compared with exactly this issuer.
    expect(recordIssuer(result.authServer)).toEqual({ issuer, advertised: true });
    expect(responseIssuerProblem(new URLSearchParams({ iss: ORIGIN }), recordIssuer(result.authServer))?.code).toBe('issuer_mismatch');
  });

  it('2025-03-26: an issuer off the MCP server origin, or none, is still refused', async () => {
    for (const issuer of ['https://evil.example.com', 'https://mcp.example.com.evil.example/oauth', 'http://mcp.example.com/oauth', undefined]) {
      const md = asMetadata(ISSUER);
      const fake = fakeFetch({ [RESOURCE]: () => unauthorized('Bearer'), [LEGACY_MD]: () => json({ ...md, issuer }) });
      const error = await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }));
      expect(error.code, String(issuer)).toBe('issuer_mismatch');
    }
  });

  it('the strict check stays on the resource-metadata path, even for an issuer on the MCP origin', async () => {
    const fake = fakeFetch({
      [RESOURCE]: () => unauthorized('Bearer'),
      [PRM_PATH]: () => json({ resource: RESOURCE, authorization_servers: [ORIGIN] }),
      [LEGACY_MD]: () => json(asMetadata(`${ORIGIN}/oauth`)),
    });
    expect((await oauthError(() => discover(RESOURCE, { fetch: fake.fetch }))).code).toBe('issuer_mismatch');
  });
});
