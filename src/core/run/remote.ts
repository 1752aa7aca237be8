import type { ResolvedEntry } from '../catalog/types.js';
import { usesOAuth } from '../auth/classify.js';
import { NotReadyError } from '../errors.js';
import { printable } from '../names.js';
import type { Fetch } from '../oauth/discovery.js';
import { authorizedFetch, type AuthorizedFetchOptions } from '../oauth/fetch.js';
import { fillTemplate } from './launch.js';

/**
 * The entry's header templates filled with its secrets, checked once before anything is sent: a value
 * with a line break or a NUL byte cannot go into a header, and `Headers.set` would quote it in its error.
 */
function filledHeaders(entry: ResolvedEntry, templates: Record<string, string>, secrets: Record<string, string>): Array<[string, string]> {
  const filled: Array<[string, string]> = [];
  for (const [name, template] of Object.entries(templates)) {
    const value = fillTemplate(template, secrets);
    try {
      new Headers().set(name, value);
    } catch {
      const used = entry.secrets.filter((secret) => template.includes(`\${${secret.env}}`)).map((secret) => secret.name);
      const what = used.length ? `the secret ${used.join(', ')}` : 'its value';
      throw new NotReadyError(
        `${entry.name}: ${what} cannot be sent in the ${printable(name, 60)} header: it contains a line break, a NUL byte or another character a header cannot carry`,
        used.map((secret) => `mcpkey secret set ${secret}`),
        used.length ? `set it again without them: mcpkey secret set ${used[0]}` : 'check the header template with mcpkey server inspect',
        'invalid_secret_value',
      );
    }
    filled.push([name, value]);
  }
  return filled;
}

/**
 * The fetch a remote entry is reached with: the OAuth grant for an OAuth entry, the entry's header
 * templates filled with its secrets for an API-key entry, nothing for an open server.
 */
export function remoteFetch(
  entry: ResolvedEntry,
  secrets: Record<string, string>,
  oauth: Omit<AuthorizedFetchOptions, 'server'>,
): Fetch {
  const base = oauth.fetch ?? fetch;
  let inner: Fetch = base;
  if (usesOAuth(entry)) inner = authorizedFetch({ ...oauth, server: entry.name });
  const templates = entry.transport.type === 'remote' ? entry.transport.headers : undefined;
  if (!templates) return inner;
  const filled = filledHeaders(entry, templates, secrets);
  const origin = entry.transport.type === 'remote' ? new URL(entry.transport.url).origin : '';
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.origin !== origin) return inner(input, init);
    const headers = new Headers(init?.headers);
    for (const [name, value] of filled) headers.set(name, value);
    return inner(input, { ...init, headers });
  };
}
