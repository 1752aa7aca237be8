import type { webcrypto } from 'node:crypto';
import type * as Client from 'openid-client';
import { untrusted } from '../text.js';
import { OAuthError } from './errors.js';
import type { AuthServerMetadata, ResourceMetadata } from './metadata.js';
import { openidClient } from './openid.js';
import type { ChallengeParams } from './probe.js';

type JsonWebKey = webcrypto.JsonWebKey;

/**
 * DPoP (RFC 9449, MCP SEP-1932): tokens bound to a key pair made for the grant. The private key lives
 * in the grant's keychain record and nowhere else; openid-client signs the proofs and keeps the
 * servers' nonces (per origin, for the life of the process).
 */
export interface DPoPKey {
  /** The JWS algorithm of the proofs. */
  alg: string;
  /** The private key as a JWK (it holds the public members too). */
  jwk: JsonWebKey;
}

/** Most preferred first; ES256 is what RFC 9449 and SEP-1932 expect every party to know. */
const ALGORITHMS: Record<string, webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams | webcrypto.Algorithm> = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
  Ed25519: { name: 'Ed25519' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'key_ops', 'ext'];

/** The algorithm to sign with: ES256 unless the authorization server lists others only. */
export function chooseAlgorithm(metadata: AuthServerMetadata, server = 'NAME'): string {
  const listed = metadata.dpop_signing_alg_values_supported;
  if (!Array.isArray(listed) || listed.length === 0) return 'ES256';
  const alg = Object.keys(ALGORITHMS).find((name) => listed.includes(name));
  if (!alg) {
    throw new OAuthError(
      `${metadata.issuer} accepts DPoP proofs only in algorithms mcpkey does not sign with (${untrusted(listed.filter((value) => typeof value === 'string').join(', ').slice(0, 200))})`,
      `authorize without DPoP: \`mcpkey oauth authorize ${server} --no-dpop\``,
      'dpop_unsupported_algorithm',
    );
  }
  return alg;
}

/**
 * Whether to bind this grant to a key. `--dpop` / `--no-dpop` (or the entry's `oauth.dpop`) decide;
 * else DPoP is used when the authorization server supports it and the MCP server shows that it does
 * too (a DPoP challenge, or its resource metadata), or the grant being replaced was bound. Servers
 * built on common authorization servers advertise DPoP by default while their MCP server accepts
 * only Bearer tokens, so the authorization server's word alone is not enough.
 */
export function dpopWanted(
  setting: boolean | undefined,
  discovery: { authServer: AuthServerMetadata; challenge?: ChallengeParams; resourceMetadata?: ResourceMetadata },
  previous?: { issuer: string; dpop?: DPoPKey },
): boolean {
  if (setting !== undefined) return setting;
  const { authServer, challenge, resourceMetadata } = discovery;
  if (!Array.isArray(authServer.dpop_signing_alg_values_supported) || authServer.dpop_signing_alg_values_supported.length === 0) return false;
  if (previous?.dpop && previous.issuer === authServer.issuer) return true;
  if (challenge?.dpop) return true;
  return resourceMetadata?.dpop_bound_access_tokens_required === true || Array.isArray(resourceMetadata?.dpop_signing_alg_values_supported);
}

/** The key for a new grant when it is to be bound (dpopWanted), else none. */
export async function keyForGrant(server: string, setting: boolean | undefined, discovery: Parameters<typeof dpopWanted>[1], previous?: Parameters<typeof dpopWanted>[2]): Promise<DPoPKey | undefined> {
  return dpopWanted(setting, discovery, previous) ? newDPoPKey(chooseAlgorithm(discovery.authServer, server)) : undefined;
}

/** With `--dpop` a Bearer answer is an error, never a quiet downgrade. */
export function checkBound(setting: boolean | undefined, grant: { dpop?: DPoPKey }, issuer: string): void {
  if (setting === true && !grant.dpop) {
    throw new OAuthError(`${issuer} issued a Bearer token although DPoP was asked for`, 'authorize without --dpop, or check that the provider binds tokens for this client', 'dpop_not_bound');
  }
}

/** A new key pair for one grant. */
export async function newDPoPKey(alg: string): Promise<DPoPKey> {
  const lib = await openidClient();
  const pair = await lib.randomDPoPKeyPair(alg, { extractable: true });
  const { key_ops: _ops, ext: _ext, ...jwk } = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { alg, jwk };
}

interface Loaded {
  handle: Client.DPoPHandle;
  /** RFC 7638 thumbprint of the public key: the `dpop_jkt` of an authorization request. */
  thumbprint: Promise<string>;
}

/** One handle per key for the whole process, so a nonce a server gave is used by every later request. */
const loaded = new Map<string, Promise<Loaded>>();

function publicJwk(jwk: JsonWebKey): JsonWebKey {
  return Object.fromEntries(Object.entries(jwk).filter(([member]) => !PRIVATE_MEMBERS.includes(member))) as JsonWebKey;
}

async function load(key: DPoPKey, server: string): Promise<Loaded> {
  const algorithm = ALGORITHMS[key.alg];
  if (!algorithm) throw new OAuthError(`the DPoP key of ${server} uses ${untrusted(String(key.alg))}, which mcpkey cannot sign with`, `run \`mcpkey oauth authorize ${server}\` again`, 'dpop_key_invalid');
  let pair: webcrypto.CryptoKeyPair;
  try {
    pair = {
      privateKey: await crypto.subtle.importKey('jwk', key.jwk, algorithm, false, ['sign']),
      publicKey: await crypto.subtle.importKey('jwk', publicJwk(key.jwk), algorithm, true, ['verify']),
    };
  } catch {
    throw new OAuthError(`the DPoP key stored with the grant of ${server} cannot be read`, `run \`mcpkey oauth authorize ${server}\` again to make a new one`, 'dpop_key_invalid');
  }
  const lib = await openidClient();
  // The configuration only lends the handle its clock skew (none); the key and nonces are its own.
  const handle = lib.getDPoPHandle(new lib.Configuration({ issuer: 'urn:mcpkey:dpop' }, 'mcpkey'), pair);
  return { handle, thumbprint: handle.calculateThumbprint() };
}

/** The handle that signs proofs with this key (and remembers nonces). */
export function dpopHandle(key: DPoPKey, server = 'NAME'): Promise<Loaded> {
  const id = JSON.stringify(publicJwk(key.jwk));
  let entry = loaded.get(id);
  if (!entry) {
    entry = load(key, server);
    loaded.set(id, entry);
    entry.catch(() => loaded.delete(id));
  }
  return entry;
}

/** openid-client's options for a token request of a grant with this key (none without one). */
export async function dpopOptions(key: DPoPKey | undefined, server?: string): Promise<{ DPoP?: Client.DPoPHandle }> {
  return key ? { DPoP: (await dpopHandle(key, server)).handle } : {};
}

/** `oauth token` on a bound grant: the token alone is useless to whoever receives it, so it is not printed. */
export function boundTokenRefused(server: string): OAuthError {
  return new OAuthError(
    `the token of ${server} is bound to a DPoP key and cannot be used as a plain Authorization header`,
    `let mcpkey send it with a proof: \`mcpkey run ${server}\` or \`mcpkey tools call ${server} TOOL\` (or authorize with --no-dpop for a Bearer token)`,
    'dpop_bound_token',
  );
}
