import type { AssertionSource } from '../../catalog/types.js';
import { decodeUtf8, fileProblem, readBoundedFile } from '../../files.js';
import { limitResponse } from '../../http-body.js';
import { KiB } from '../../limits.js';
import { printable } from '../../names.js';
import { OAuthError } from '../errors.js';
import { oversized, request } from '../metadata.js';
import { isLoopback } from '../urls.js';
import type { Credentials } from './types.js';

/** Platform tokens are a few KiB; anything much larger is not one. */
const ASSERTION_LIMIT = 64 * KiB;
const GITHUB_TIMEOUT_MS = 15_000;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function checked(value: string, where: string): string {
  const token = value.trim();
  if (token === '') throw new OAuthError(`the assertion from ${where} is empty`, 'check that the platform wrote its token there', 'assertion_missing');
  // Never quoted: a wrong value may still be a credential.
  if (!JWT.test(token)) throw new OAuthError(`the assertion from ${where} is not a JWT`, 'point the grant at the platform-issued token (three base64url parts)', 'invalid_assertion');
  return token;
}

/** GitHub Actions' OIDC token service: GET the request URL with `audience`, bearer request token, JSON {value}. */
async function githubOidc(credentials: Credentials, audience: string): Promise<string> {
  const url = credentials.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = credentials.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !token) {
    throw new OAuthError(
      'GitHub Actions OIDC is not available: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set',
      'run inside a GitHub Actions job with `permissions: id-token: write`',
      'assertion_missing',
    );
  }
  if (!URL.canParse(url)) throw new OAuthError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL', 'run inside a GitHub Actions job', 'assertion_missing');
  const target = new URL(url);
  // The request token is a credential: only over HTTPS (or to this machine).
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && isLoopback(target))) {
    throw new OAuthError(`refusing to send the Actions request token to ${target.protocol}//${printable(target.host)}`, 'ACTIONS_ID_TOKEN_REQUEST_URL must be https', 'insecure_endpoint');
  }
  target.searchParams.set('audience', audience);
  const where = `${target.origin}${target.pathname}`;
  const response = await request(credentials.fetch ?? fetch, target.href, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, GITHUB_TIMEOUT_MS);
  if (!response.ok) {
    await response.body?.cancel();
    throw new OAuthError(`the GitHub Actions token service answered HTTP ${response.status}`, 'check that the job has `permissions: id-token: write`', 'assertion_unavailable');
  }
  let data: unknown;
  try {
    data = await limitResponse(response, ASSERTION_LIMIT, () => oversized('the OIDC token', where, ASSERTION_LIMIT)).json();
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError(`the GitHub Actions token service at ${where} did not answer JSON`, 'try again; report it if it persists', 'assertion_unavailable');
  }
  const value = (data as { value?: unknown } | null)?.value;
  if (typeof value !== 'string') throw new OAuthError(`the GitHub Actions token service at ${where} sent no token`, 'try again; report it if it persists', 'assertion_unavailable');
  return checked(value, 'GitHub Actions OIDC');
}

/**
 * The assertion for one jwt-bearer grant, read afresh every time: a projected service-account token
 * rotates on disk, an OIDC token is short-lived. `audience` defaults to the authorization server's issuer.
 */
export async function readAssertion(source: AssertionSource, credentials: Credentials, defaultAudience: string): Promise<string> {
  if (source.type === 'env') {
    const value = credentials.env[source.variable];
    if (value === undefined || value === '') {
      throw new OAuthError(`the assertion variable ${source.variable} is not set`, `set ${source.variable} to the platform-issued JWT`, 'assertion_missing');
    }
    return checked(value, `$${source.variable}`);
  }
  if (source.type === 'file') {
    const shown = printable(source.path, 200);
    let bytes: Buffer;
    try {
      bytes = await readBoundedFile(source.path, ASSERTION_LIMIT);
    } catch (error) {
      throw new OAuthError(`cannot read the assertion file ${shown}: ${fileProblem(error)}`, 'check --assertion-file: the platform should write its token there', 'assertion_unreadable');
    }
    const text = decodeUtf8(bytes);
    if (text === undefined) throw new OAuthError(`the assertion file ${shown} is not text`, 'point --assertion-file at the token file', 'invalid_assertion');
    return checked(text, shown);
  }
  return githubOidc(credentials, source.audience ?? defaultAudience);
}
