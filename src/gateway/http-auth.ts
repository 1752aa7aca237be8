/**
 * Who may talk to `mcpkey gateway --http`: a caller that knows the bearer token, from a loopback
 * address, through a Host and an Origin that name this machine. The token keeps other local users
 * and programs out; the Host and Origin checks keep web pages out (DNS rebinding, cross-site POSTs).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KeychainStore } from '../core/secrets/keychain.js';

/** The keychain account of the token: not a valid secret name (no dot), so `secret list` never shows it. */
export const HTTP_TOKEN_ACCOUNT = 'gateway:http-token';

export interface GatewayToken {
  token: string;
  /** Made just now (first start, or --rotate-token): the one time it is shown unasked. */
  created: boolean;
}

/** The token kept in the keychain, made and stored on first use (or anew when `rotate`). */
export async function gatewayToken(keychain: KeychainStore, options: { rotate?: boolean } = {}): Promise<GatewayToken> {
  if (!options.rotate) {
    const stored = await keychain.get(HTTP_TOKEN_ACCOUNT);
    if (stored) return { token: stored, created: false };
  }
  const token = `mcpk_${randomBytes(32).toString('base64url')}`;
  await keychain.set(HTTP_TOKEN_ACCOUNT, token);
  return { token, created: true };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** `Authorization: Bearer <token>`, compared in constant time (digests of equal length, whatever was sent). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A Host header naming this listener: a page that rebinds its own name to 127.0.0.1 still sends its own name. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  return match !== null && LOOPBACK_HOSTS.has(match[1]!) && Number(match[2] ?? 80) === port;
}

/** An Origin header, when a browser sent one: only pages served from this machine (any port), or those allowed. */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname) && url.origin === origin;
  } catch {
    return false;
  }
}

export interface Refusal {
  status: 401 | 403;
  message: string;
}

/** Why a request is refused before its body is read, or nothing. */
export function refusal(request: IncomingMessage, options: { port: number; token: string; allowedOrigins: readonly string[] }): Refusal | undefined {
  if (!hostAllowed(request.headers.host, options.port)) return { status: 403, message: 'Forbidden: the Host header does not name this gateway' };
  const origin = request.headers.origin;
  if (!originAllowed(typeof origin === 'string' ? origin : undefined, options.allowedOrigins)) return { status: 403, message: 'Forbidden: requests from this Origin are not allowed' };
  if (!bearerMatches(request.headers.authorization, options.token)) return { status: 401, message: 'Unauthorized: a valid bearer token is required (mcpkey gateway --http --print-token)' };
  return undefined;
}
