/**
 * What a literal credential looks like where only non-secret text belongs (config.json's plain
 * `--env`, a project file committed to a repository). Heuristics: they name what they match, never quote it.
 */

/** Variable and header names that usually carry a credential. */
export const CREDENTIAL_NAME = /key|token|secret|passw|pwd|credential|auth/i;

/** Values that are credentials whatever their name: URL passwords, well-known token prefixes. */
const CREDENTIAL_VALUE = [/:\/\/[^/@\s]+:[^/@\s]+@/, /^(sk|pk|rk)[-_]/, /^(ghp|gho|ghs|github_pat|glpat|xox[abprs])[-_]/, /^(AKIA|AIza|eyJ)/];
/** A long opaque string of letters and digits: a key, unless it is a path (which has the same alphabet). */
const OPAQUE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-+/=.]{32,}$/;

const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

export function looksLikeCredentialValue(value: string, options: { pathsAllowed?: boolean } = {}): boolean {
  if (CREDENTIAL_VALUE.some((pattern) => pattern.test(value))) return true;
  if (options.pathsAllowed && /^(\.{0,2}\/|~\/)/.test(value)) return false;
  return OPAQUE.test(value);
}

/** A header that names a credential and carries no `${VAR}`: the value itself is written there. */
export function isLiteralCredentialHeader(header: string, value: string): boolean {
  return /authorization|key|token|secret|password/i.test(header) && !PLACEHOLDER.test(value);
}
