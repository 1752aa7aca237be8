import { CLIENT_AUTH_METHODS, GRANT_KINDS, type GrantKind, type GrantSettings } from '../../catalog/types.js';
import { isValidEnvName, isValidServerName } from '../../names.js';

/** Grants that run without a person at a browser, and so are simply run again when their token expires. */
export function isMachineGrant(kind: GrantKind | undefined): kind is Exclude<GrantKind, 'authorization-code'> {
  return kind !== undefined && kind !== 'authorization-code';
}

/**
 * The first problem with grant settings, from a catalog file or from options; undefined when they fit.
 * Shape first (values from disk are untyped), then the combinations that cannot work.
 */
export function grantSettingsProblem(value: Record<string, unknown>): string | undefined {
  const { grant, clientAuth, assertion, idp, dpop } = value;
  if (grant !== undefined && !(GRANT_KINDS as readonly unknown[]).includes(grant)) return `"grant" must be one of ${GRANT_KINDS.join(', ')}`;
  if (clientAuth !== undefined && !(CLIENT_AUTH_METHODS as readonly unknown[]).includes(clientAuth)) return `"clientAuth" must be one of ${CLIENT_AUTH_METHODS.join(', ')}`;
  if (idp !== undefined && (typeof idp !== 'string' || !isValidServerName(idp))) return '"idp" must be the name of an IdP';
  if (dpop !== undefined && typeof dpop !== 'boolean') return '"dpop" must be true or false';
  if (assertion !== undefined) {
    const source = assertion as Record<string, unknown>;
    if (typeof source !== 'object' || source === null) return '"assertion" must be an object';
    if (source.type === 'file') {
      if (typeof source.path !== 'string' || source.path === '') return 'an assertion file needs a "path"';
    } else if (source.type === 'env') {
      if (typeof source.variable !== 'string' || !isValidEnvName(source.variable)) return 'an assertion variable needs a valid "variable" name';
    } else if (source.type === 'github-oidc') {
      if (source.audience !== undefined && (typeof source.audience !== 'string' || source.audience === '')) return '"assertion.audience" must be a non-empty string';
    } else return '"assertion.type" must be "file", "env" or "github-oidc"';
  }
  const kind = (grant ?? 'authorization-code') as GrantKind;
  if (assertion !== undefined && kind !== 'jwt-bearer') return 'an assertion source applies to the jwt-bearer grant only';
  if (kind === 'jwt-bearer' && assertion === undefined) return 'the jwt-bearer grant needs an assertion source (a file, a variable or GitHub OIDC)';
  if (idp !== undefined && kind !== 'enterprise') return 'an IdP applies to the enterprise grant only';
  if (kind === 'enterprise' && idp === undefined) return 'the enterprise grant needs the IdP that issues its assertions (--idp NAME, see mcpkey idp ls)';
  if (kind === 'client-credentials' && clientAuth === 'none') return 'the client-credentials grant needs client authentication (a secret or a private key), not "none"';
  if (clientAuth === 'private_key_jwt' && !isMachineGrant(kind)) return 'private_key_jwt applies to the client-credentials, jwt-bearer and enterprise grants';
  return undefined;
}

/** The settings a grant or entry keeps: only those that say something. */
export function settingsOf(spec: GrantSettings): GrantSettings {
  return {
    ...(spec.grant && spec.grant !== 'authorization-code' ? { grant: spec.grant } : {}),
    ...(spec.clientAuth ? { clientAuth: spec.clientAuth } : {}),
    ...(spec.assertion ? { assertion: spec.assertion } : {}),
    ...(spec.idp ? { idp: spec.idp } : {}),
    // false is a choice too (--no-dpop): never DPoP, even where both servers offer it.
    ...(typeof spec.dpop === 'boolean' ? { dpop: spec.dpop } : {}),
  };
}
