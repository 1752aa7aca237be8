import { limitResponse } from '../http-body.js';
import { formatSize, METADATA_BODY_LIMIT } from '../limits.js';
import { OAuthError } from './errors.js';
import { assertSecureEndpoint } from './urls.js';

export type Fetch = typeof fetch;

/** RFC 9728 protected resource metadata (the fields mcpkey uses). */
export interface ResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  [key: string]: unknown;
}

/** RFC 8414 / OpenID Connect discovery metadata (the fields mcpkey uses). */
export interface AuthServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
  revocation_endpoint?: string;
  device_authorization_endpoint?: string;
  scopes_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  client_id_metadata_document_supported?: boolean;
  [key: string]: unknown;
}

/** A GET or POST that never follows redirects and turns network failures into one-line OAuthErrors. */
export async function request(fetchImpl: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new OAuthError(`cannot reach ${url} (${reason})`, 'check the URL and your network connection', 'unreachable');
  }
}

/** An OAuth peer's answer that passed its size limit: nothing of it is used. */
export function oversized(what: string, url: string, limit: number): OAuthError {
  return new OAuthError(`${what} at ${url} is larger than ${formatSize(limit)}`, 'refusing it; report it to the server operator', 'response_too_large');
}

async function readJson(response: Response, url: string): Promise<Record<string, unknown>> {
  let data: unknown;
  try {
    data = await limitResponse(response, METADATA_BODY_LIMIT, () => oversized('the metadata', url, METADATA_BODY_LIMIT)).json();
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError(`${url} did not return JSON`, 'the server metadata is broken; report it to the server operator', 'invalid_metadata');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new OAuthError(`${url} did not return a JSON object`, 'the server metadata is broken; report it to the server operator', 'invalid_metadata');
  }
  return data as Record<string, unknown>;
}

function wellKnown(origin: string, name: string, path: string): string {
  const suffix = path === '/' ? '' : path.replace(/\/$/, '');
  return `${origin}/.well-known/${name}${suffix}`;
}

/** Protected resource metadata: from the challenge's URL only, else the path well-known URL, then the root one. */
export async function fetchResourceMetadata(fetchImpl: Fetch, serverUrl: string, named: string | undefined, timeoutMs: number): Promise<ResourceMetadata | undefined> {
  const url = new URL(serverUrl);
  const candidates = named
    ? [assertSecureEndpoint(named, 'resource metadata URL').href]
    : [...new Set([wellKnown(url.origin, 'oauth-protected-resource', url.pathname), wellKnown(url.origin, 'oauth-protected-resource', '/')])];
  for (const candidate of candidates) {
    const response = await request(fetchImpl, candidate, { headers: { accept: 'application/json' } }, timeoutMs);
    if (!response.ok) {
      await response.body?.cancel();
      if (named) throw new OAuthError(`the resource metadata at ${candidate} answered HTTP ${response.status}`, 'the server advertises metadata it does not serve; report it to the server operator', 'invalid_metadata');
      if (response.status >= 400 && response.status < 500) continue;
      throw new OAuthError(`${candidate} answered HTTP ${response.status}`, 'try again later', 'server_error');
    }
    const data = (await readJson(response, candidate)) as ResourceMetadata;
    if (typeof data.resource !== 'string') throw new OAuthError(`${candidate} has no "resource"`, 'the resource metadata is broken; report it to the server operator', 'invalid_metadata');
    return data;
  }
  return undefined;
}

/** The metadata URLs for an issuer, in the order the MCP spec gives. */
export function authServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') {
    return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/**
 * How the `issuer` of a metadata document is checked.
 * - `exact` (RFC 8414 §3.3): identical, character for character, to the issuer the URL was built from.
 * - `same-origin` (2025-03-26 servers without resource metadata): no issuer was known in advance, so
 *   the one the document names is taken, provided it lives on the MCP server's own origin — anything
 *   else could claim another authorization server's identity (and its stored client).
 */
export type IssuerCheck = 'exact' | 'same-origin';

function issuerProblem(found: unknown, expected: string, check: IssuerCheck): string | undefined {
  if (typeof found !== 'string') return 'names no issuer';
  if (check === 'exact') {
    if (found === expected) return undefined;
    const slashOnly = found.replace(/\/$/, '') === expected.replace(/\/$/, '');
    return `names issuer ${JSON.stringify(found)}, expected ${expected}${slashOnly ? ' (the trailing slash differs; issuers must match exactly)' : ''}`;
  }
  if (URL.canParse(found) && new URL(found).origin === new URL(expected).origin) return undefined;
  return `names issuer ${JSON.stringify(found)}, which is not on ${new URL(expected).origin}`;
}

/** Authorization server metadata; 4xx moves on to the next place, and an issuer that fails the check stops everything. */
export async function fetchAuthServerMetadata(fetchImpl: Fetch, issuer: string, timeoutMs: number, check: IssuerCheck = 'exact'): Promise<AuthServerMetadata | undefined> {
  assertSecureEndpoint(issuer, 'authorization server');
  for (const candidate of authServerMetadataUrls(issuer)) {
    const response = await request(fetchImpl, candidate, { headers: { accept: 'application/json' } }, timeoutMs);
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status >= 400 && response.status < 500) continue;
      throw new OAuthError(`${candidate} answered HTTP ${response.status}`, 'try again later', 'server_error');
    }
    const data = (await readJson(response, candidate)) as AuthServerMetadata;
    const problem = issuerProblem(data.issuer, issuer, check);
    if (problem) {
      // Not used at all: no registration, authorization or token request goes to its endpoints.
      throw new OAuthError(`the authorization server metadata at ${candidate} ${problem}`, 'refusing to continue: the metadata may be forged; report it to the server operator', 'issuer_mismatch');
    }
    if (check === 'same-origin') assertSecureEndpoint(data.issuer, 'issuer');
    return data;
  }
  return undefined;
}

/** PKCE S256 is a must, and every endpoint must be HTTPS (or loopback). */
export function checkAuthServer(metadata: AuthServerMetadata): void {
  if (!metadata.code_challenge_methods_supported?.includes('S256')) {
    throw new OAuthError(
      `${metadata.issuer} does not list PKCE S256 in code_challenge_methods_supported`,
      'the MCP authorization spec requires it; report it to the server operator',
      'pkce_unsupported',
    );
  }
  for (const field of ['authorization_endpoint', 'token_endpoint'] as const) assertSecureEndpoint(metadata[field], field.replace(/_/g, ' '));
  for (const field of ['registration_endpoint', 'revocation_endpoint', 'device_authorization_endpoint'] as const) {
    if (metadata[field] !== undefined) assertSecureEndpoint(metadata[field], field.replace(/_/g, ' '));
  }
}
