import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';
import type * as Client from 'openid-client';
import type { ClientAuthMethod } from '../../catalog/types.js';
import { secretAuthMethod } from '../clients.js';
import { OAuthError } from '../errors.js';
import { configuration, openidClient } from '../openid.js';
import type { GrantContext } from './types.js';

/** The documented secret names grants read their client credentials from (README "CI and companies"). */
export const clientSecretName = (server: string) => `${server}.oauth_client_secret`;
export const privateKeyName = (server: string) => `${server}.oauth_private_key`;

type KeyAlgorithm = { jws: string; import: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm };

/** The JWS algorithm a private key signs with: ES256/384/512 by curve, RS256 for RSA of 2048 bits or more, Ed25519. */
function algorithmOf(key: KeyObject): KeyAlgorithm | string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const jws = { 'prime256v1': 'ES256', 'secp384r1': 'ES384', 'secp521r1': 'ES512' }[details.namedCurve ?? ''];
    if (!jws) return `an EC key on the curve ${details.namedCurve ?? 'unknown'} (use P-256, P-384 or P-521)`;
    const namedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[jws]!;
    return { jws, import: { name: 'ECDSA', namedCurve } };
  }
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < 2048) return `an RSA key of ${details.modulusLength ?? 0} bits (use 2048 or more)`;
    return { jws: 'RS256', import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
  }
  if (key.asymmetricKeyType === 'ed25519') return { jws: 'Ed25519', import: { name: 'Ed25519' } };
  return `a ${key.asymmetricKeyType ?? 'secret'} key (use EC P-256 or RSA)`;
}

const keyMessage = (server: string, problem: string) => `the private key of ${server} (${privateKeyName(server)}) is ${problem}`;
const keyHint = (server: string) => `store a PEM private key (ES256 or RS256) with \`mcpkey secret set ${privateKeyName(server)}\` or its variable`;

/** A PEM private key as a non-extractable signing key, with the algorithm it signs with. Never echoes the key. */
export async function signingKey(server: string, pem: string, allowed?: readonly string[]): Promise<{ key: webcrypto.CryptoKey; alg: string }> {
  let key: KeyObject;
  try {
    // CI secrets often carry the PEM on one line with literal \n.
    key = createPrivateKey(pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n'));
  } catch {
    throw new OAuthError(keyMessage(server, 'not a readable PEM private key'), keyHint(server), 'client_key_unreadable');
  }
  const algorithm = algorithmOf(key);
  if (typeof algorithm === 'string') throw new OAuthError(keyMessage(server, algorithm), keyHint(server), 'unsupported_key_algorithm');
  if (allowed && allowed.length > 0 && !allowed.includes(algorithm.jws)) {
    throw new OAuthError(keyMessage(server, `signing with ${algorithm.jws}, which the authorization server does not accept (it accepts ${allowed.join(', ')})`), keyHint(server), 'unsupported_key_algorithm');
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const cryptoKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm.import, false, ['sign']);
  return { key: cryptoKey, alg: algorithm.jws };
}

/**
 * How the client authenticates: as configured, else private_key_jwt when a private key is stored,
 * else the secret method the server prefers when a secret is stored, else none (a public client,
 * for the jwt-bearer grant: the assertion is the credential).
 */
export async function clientAuthentication(ctx: GrantContext): Promise<{ method: ClientAuthMethod; secret?: string; auth?: Client.ClientAuth }> {
  const { server, metadata, credentials } = ctx;
  const configured = ctx.settings.clientAuth;
  const key = configured === undefined || configured === 'private_key_jwt' ? await credentials.secret(privateKeyName(server)) : undefined;
  const secret = configured === undefined || configured === 'client_secret_basic' || configured === 'client_secret_post' ? await credentials.secret(clientSecretName(server)) : undefined;
  // Client credentials always authenticate the client: without a key, a secret is what is missing.
  const keyOnly = metadata.token_endpoint_auth_methods_supported?.every((method) => method === 'private_key_jwt' || method === 'none');
  const unconfigured = (): ClientAuthMethod => {
    if (key) return 'private_key_jwt';
    if (secret) return secretAuthMethod(metadata);
    if (ctx.settings.grant !== 'client-credentials') return 'none';
    return keyOnly ? 'private_key_jwt' : secretAuthMethod(metadata);
  };
  const method: ClientAuthMethod = configured ?? unconfigured();
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (method !== 'none' && supported && !supported.includes(method)) {
    throw new OAuthError(`${metadata.issuer} does not accept ${method} client authentication (it accepts ${supported.join(', ')})`, 'choose another with --client-auth', 'unsupported_client_auth');
  }
  if (method === 'private_key_jwt') {
    if (!key) throw new OAuthError(keyMessage(server, 'not stored'), keyHint(server), 'client_key_missing');
    const lib = await openidClient();
    const signing = await signingKey(server, key, metadata.token_endpoint_auth_signing_alg_values_supported as string[] | undefined);
    // oauth4webapi's assertion: iss = sub = client id, aud = the issuer, exp 60 s, fresh jti.
    return { method, auth: lib.PrivateKeyJwt(signing.key) };
  }
  if (method === 'client_secret_basic' || method === 'client_secret_post') {
    if (!secret) {
      throw new OAuthError(`the client secret of ${server} is not stored (${clientSecretName(server)})`, `set it with \`mcpkey secret set ${clientSecretName(server)}\` or its variable`, 'client_secret_missing');
    }
    return { method, secret };
  }
  return { method };
}

/** An openid-client configuration for one grant run, with its client authentication. */
export async function grantConfiguration(ctx: GrantContext): Promise<{ config: Client.Configuration; method: ClientAuthMethod }> {
  const auth = await clientAuthentication(ctx);
  const config = await configuration(ctx.metadata, {
    clientId: ctx.clientId,
    authMethod: auth.method,
    ...(auth.secret ? { clientSecret: auth.secret } : {}),
    ...(auth.auth ? { clientAuth: auth.auth } : {}),
  });
  return { config, method: auth.method };
}
