import { CREDENTIAL_NAME, isLiteralCredentialHeader, looksLikeCredentialValue } from '../catalog/credentials.js';
import type { CatalogEntry } from '../catalog/types.js';

/** Text that is nothing but `${VAR}` placeholders and plain words around them is a template, not a value. */
const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * A plain variable whose name says credential and whose value could be one: at least 8 characters, no
 * spaces, not a path or a template. `AUTH_MODE=oauth` and `TOKEN_FILE=/run/token` stay allowed.
 */
function literalEnv(name: string, value: string): boolean {
  if (looksLikeCredentialValue(value, { pathsAllowed: true })) return true;
  return CREDENTIAL_NAME.test(name) && value.length >= 8 && !/\s/.test(value) && !PLACEHOLDER.test(value) && !/^(\.{0,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(value);
}

/** A query parameter named like a credential (`?api_key=…`) with a literal value. */
function literalQuery(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.username || parsed.password) return 'url';
  for (const [name, value] of parsed.searchParams) {
    if (CREDENTIAL_NAME.test(name) && value !== '' && !PLACEHOLDER.test(value)) return `url (query parameter ${name})`;
  }
  return undefined;
}

/**
 * Where in the entry a literal credential seems to stand, as a dotted path relative to the entry
 * (`transport.env.API_KEY`, `transport.headers.Authorization`), or undefined. Never the value.
 */
export function literalCredentialIn(entry: CatalogEntry): string | undefined {
  const transport = entry.transport;
  if (transport.type === 'stdio') {
    for (const [name, value] of Object.entries(transport.env ?? {})) if (literalEnv(name, value)) return `transport.env.${name}`;
    const index = [transport.command, ...transport.args].findIndex((arg) => looksLikeCredentialValue(arg, { pathsAllowed: true }));
    if (index === 0) return 'transport.command';
    if (index > 0) return `transport.args[${index - 1}]`;
  } else {
    const query = literalQuery(transport.url);
    if (query) return `transport.${query}`;
    for (const [header, value] of Object.entries(transport.headers ?? {})) {
      if (isLiteralCredentialHeader(header, value) || looksLikeCredentialValue(value)) return `transport.headers.${header}`;
    }
  }
  // Fields mcpkey does not read are kept as written: a key pasted there would be committed all the same.
  for (const [field, value] of Object.entries(entry as unknown as Record<string, unknown>)) {
    if (['name', 'title', 'description', 'homepage', 'transport', 'secrets', 'oauth', 'requires'].includes(field)) continue;
    if (typeof value === 'string' && (CREDENTIAL_NAME.test(field) || looksLikeCredentialValue(value))) return field;
  }
  if (typeof entry.oauth === 'object') {
    for (const [field, value] of Object.entries(entry.oauth as Record<string, unknown>)) {
      if (field !== 'clientId' && typeof value === 'string' && CREDENTIAL_NAME.test(field)) return `oauth.${field}`;
    }
  }
  return undefined;
}
