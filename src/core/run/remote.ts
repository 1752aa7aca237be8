import type { ResolvedEntry } from '../catalog/types.js';
import { usesOAuth } from '../auth/classify.js';
import type { Fetch } from '../oauth/discovery.js';
import { authorizedFetch, type AuthorizedFetchOptions } from '../oauth/fetch.js';
import { fillTemplate } from './launch.js';

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
  const origin = entry.transport.type === 'remote' ? new URL(entry.transport.url).origin : '';
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.origin !== origin) return inner(input, init);
    const headers = new Headers(init?.headers);
    for (const [name, template] of Object.entries(templates)) headers.set(name, fillTemplate(template, secrets));
    return inner(input, { ...init, headers });
  };
}
