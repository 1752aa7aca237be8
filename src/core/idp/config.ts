import { UsageError } from '../errors.js';
import { isValidServerName, printable } from '../names.js';
import type { TokenAuthMethod } from '../oauth/store.js';

/**
 * A company identity provider, as `idp add` records it in the config file. Nothing secret here: the
 * client secret comes through the secret chain under `idpSecretName(name)`, the sign-in lives in the keychain.
 */
export interface IdpConfig {
  issuer: string;
  clientId: string;
  clientAuth: TokenAuthMethod;
  /** Scopes asked for at sign-in besides `openid` (e.g. `offline_access` for a refresh token). */
  scopes?: string[];
}

export const IDP_CLIENT_AUTH: readonly TokenAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** `idp-corp.oauth_client_secret`, read from IDP_CORP_OAUTH_CLIENT_SECRET, .env.mcp or the keychain. */
export function idpSecretName(name: string): string {
  return `idp-${name}.oauth_client_secret`;
}

export function assertIdpName(name: string): string {
  // The secret name's server part is `idp-NAME`: it must be a valid server name too.
  if (!isValidServerName(name) || name.length > 60) {
    throw new UsageError(`invalid identity provider name "${printable(name.split('=')[0]!)}"`, 'use lowercase letters, digits, "-" and "_" (e.g. corp)', 'invalid_idp_name');
  }
  return name;
}

/** The problem with one `idps` entry of the config file, or undefined when it is valid. */
export function idpProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const idp = value as Record<string, unknown>;
  if (typeof idp.issuer !== 'string' || !URL.canParse(idp.issuer)) return '"issuer" must be a URL';
  if (typeof idp.clientId !== 'string' || idp.clientId === '') return '"clientId" must be a non-empty string';
  if (!IDP_CLIENT_AUTH.includes(idp.clientAuth as TokenAuthMethod)) return `"clientAuth" must be one of ${IDP_CLIENT_AUTH.join(', ')}`;
  if (idp.scopes !== undefined && (!Array.isArray(idp.scopes) || idp.scopes.some((scope) => typeof scope !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)))) {
    return '"scopes" must be a list of scope words';
  }
  return undefined;
}

/** The `idps` member of the config file, checked; throws the problem (prefixed with the entry) as text. */
export function parseIdps(raw: unknown): { idps?: Record<string, IdpConfig>; problem?: string } {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problem: '"idps" must be an object' };
  const idps: Record<string, IdpConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!isValidServerName(name)) return { problem: `idps: "${name}" is not a valid name` };
    const problem = idpProblem(value);
    if (problem) return { problem: `idps.${name}: ${problem}` };
    const idp = value as IdpConfig;
    idps[name] = { issuer: idp.issuer, clientId: idp.clientId, clientAuth: idp.clientAuth, ...(idp.scopes ? { scopes: [...idp.scopes] } : {}) };
  }
  return { idps };
}
