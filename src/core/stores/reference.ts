/**
 * A secret reference names where a value lives in a team's secret store (`op://Dev/Neon/credential`),
 * so that only the reference is kept and the value is fetched when it is used. Only the schemes below
 * are references; any other text — including a URL of another scheme — is a literal value.
 */
export const REFERENCE_SCHEMES = ['op', 'vault', 'pass', 'gopass', 'aws-sm', 'gcp-sm'] as const;
export type ReferenceScheme = (typeof REFERENCE_SCHEMES)[number];

export interface SecretReference {
  scheme: ReferenceScheme;
  /** The reference as written, e.g. `op://Dev/Neon/credential`. Not secret. */
  text: string;
  /** What follows `scheme://`. */
  rest: string;
}

const pattern = /^([a-z][a-z0-9-]*):\/\/(.+)$/;

/** The scheme of `text` if it has the shape `scheme://…`, known or not. */
export function schemeOf(text: string): string | undefined {
  return pattern.exec(text)?.[1];
}

/** The reference `text` is, or undefined when it is a literal value. */
export function parseReference(text: string): SecretReference | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const scheme = match[1] as ReferenceScheme;
  if (!REFERENCE_SCHEMES.includes(scheme)) return undefined;
  return { scheme, text, rest: match[2]! };
}

export function isReference(text: string): boolean {
  return parseReference(text) !== undefined;
}
