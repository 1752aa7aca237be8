import type { Fetch } from './discovery.js';
import { OAuthError } from './errors.js';
import { validGrant, type TokenDeps } from './tokens.js';
import { bearerChallenge } from './www-authenticate.js';

export interface AuthorizedFetchOptions extends TokenDeps {
  server: string;
  /** Re-authorizes with these scopes (step-up). Absent: a 403 insufficient_scope is returned as is. */
  stepUp?: (scope: string) => Promise<void>;
  /** Step-ups per request before giving up. */
  maxStepUps?: number;
  log?: (message: string) => void;
  fetch?: Fetch;
}

function withAuthorization(init: RequestInit | undefined, token: string): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

/**
 * A fetch for the MCP SDK's transports that carries the stored grant: the token is refreshed before
 * it expires, refreshed once more when the server answers 401, and on 403 insufficient_scope the user
 * is asked to authorize the union of the granted and the demanded scopes (at most twice). The token
 * goes only to the origin of the resource it was issued for. Our OAuth code stays the single source.
 */
export function authorizedFetch(options: AuthorizedFetchOptions): Fetch {
  const base = options.fetch ?? fetch;
  const maxStepUps = options.maxStepUps ?? 2;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    let grant = await validGrant(options.server, options);
    if (url.origin !== new URL(grant.resource).origin) return base(input, init);
    let response = await base(input, withAuthorization(init, grant.accessToken));
    if (response.status === 401) {
      await response.body?.cancel();
      options.log?.(`${options.server} refused the access token; refreshing it`);
      grant = await validGrant(options.server, options, { rejected: grant.accessToken });
      response = await base(input, withAuthorization(init, grant.accessToken));
    }
    for (let attempt = 1; response.status === 403; attempt += 1) {
      const challenge = bearerChallenge(response.headers.get('www-authenticate'));
      if (challenge?.params.error !== 'insufficient_scope' || !options.stepUp) break;
      if (attempt > maxStepUps) {
        await response.body?.cancel();
        throw new OAuthError(
          `${options.server} still demands more scope after ${maxStepUps} authorizations (${challenge.params.scope ?? 'no scope named'})`,
          'the account may lack the permission; check it with the provider',
          'insufficient_scope',
        );
      }
      await response.body?.cancel();
      const scopes = new Set([...(grant.scope?.split(' ') ?? []), ...(challenge.params.scope?.split(' ') ?? [])].filter(Boolean));
      options.log?.(`${options.server} needs more permission (${challenge.params.scope ?? 'unspecified'}); authorizing again`);
      await options.stepUp([...scopes].join(' '));
      grant = await validGrant(options.server, options);
      response = await base(input, withAuthorization(init, grant.accessToken));
    }
    return response;
  };
}
