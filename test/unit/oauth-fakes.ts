/** Fakes shared by the OAuth unit tests: a routed fetch that records calls, canned responses, metadata. */
import { expect } from 'vitest';
import type { AuthServerMetadata, Fetch } from '../../src/core/oauth/discovery.js';
import { OAuthError } from '../../src/core/oauth/errors.js';

/** Runs `fn` and returns the OAuthError it throws (fails the test if it throws nothing or something else). */
export async function oauthError(fn: () => unknown): Promise<OAuthError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return error as OAuthError;
  }
  throw new Error('expected an OAuthError, nothing was thrown');
}


export interface FetchCall {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

export type Route = (call: FetchCall) => Response | Promise<Response>;

/** A fetch that answers from a URL → handler table (404 for anything else) and records every call. */
export function fakeFetch(routes: Record<string, Route>) {
  const calls: FetchCall[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const call: FetchCall = {
      url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    calls.push(call);
    const route = routes[url];
    return route ? route(call) : json({ error: 'not_found' }, 404);
  }) as Fetch;
  return { fetch: fetchImpl, calls, urls: () => calls.map((call) => call.url) };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function unauthorized(challenge?: string): Response {
  return new Response('unauthorized', { status: 401, headers: challenge ? { 'www-authenticate': challenge } : {} });
}

export function asMetadata(issuer: string, extra: Partial<AuthServerMetadata> = {}): AuthServerMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    code_challenge_methods_supported: ['S256'],
    ...extra,
  };
}
