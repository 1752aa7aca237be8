import { untrusted } from '../text.js';
import { dpopResourceFetch } from './dpop-fetch.js';
import { notAuthorized, OAuthError } from './errors.js';
import { unionScopes } from './grant.js';
import { fetchResourceMetadata, type Fetch } from './metadata.js';
import { challengeOf, type ChallengeParams } from './probe.js';
import type { StoredGrant } from './store.js';
import { validGrant, type TokenDeps } from './tokens.js';
import { resourceMatches } from './urls.js';

export interface AuthorizedFetchOptions extends TokenDeps {
  server: string;
  /**
   * Authorizes again with these scopes: step-up on 403 insufficient_scope, or after the server moved
   * to another authorization server. Absent: such responses are returned as they are.
   */
  stepUp?: (scope: string, reason: 'scope' | 'issuer') => Promise<void>;
  /** Re-authorizations for everything this fetch sends (one command) before giving up. */
  maxStepUps?: number;
  log?: (message: string) => void;
  fetch?: Fetch;
  /** For the resource metadata read after a 401. */
  timeoutMs?: number;
}

function withAuthorization(init: RequestInit | undefined, token: string, server: string): RequestInit {
  const headers = new Headers(init?.headers);
  try {
    headers.set('authorization', `Bearer ${token}`);
  } catch {
    // Headers.set quotes the refused value in its message: say what is wrong without it.
    throw new OAuthError(`the access token of ${server} cannot be sent: it contains a line break or another character a header cannot carry`, `the authorization server issued a malformed token; run \`mcpkey oauth authorize ${server}\` again, and report it if it persists`, 'invalid_token');
  }
  return { ...init, headers };
}

/**
 * The authorization server the resource metadata names now, when it is not the grant's: read after a
 * 401, from the URL that challenge names (else the well-known places). Metadata that cannot be read or
 * describes another resource changes nothing: the token is then refreshed as usual.
 */
async function movedTo(fetchImpl: Fetch, requestUrl: URL, grant: StoredGrant, challenge: ChallengeParams, timeoutMs: number): Promise<string | undefined> {
  try {
    const metadata = await fetchResourceMetadata(fetchImpl, `${requestUrl.origin}${requestUrl.pathname}`, challenge.resourceMetadata, timeoutMs);
    if (!metadata || !resourceMatches(metadata.resource, requestUrl.href)) return undefined;
    const issuers = (metadata.authorization_servers ?? []).filter((issuer): issuer is string => typeof issuer === 'string');
    return issuers.length > 0 && !issuers.includes(grant.issuer) ? issuers[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A fetch for the MCP transports that carries the stored grant: the token is refreshed before it
 * expires, and every 401/403 is read afresh. A 401 whose resource metadata names another authorization
 * server means the grant belongs to the old one (SEP-2352): it is not refreshed there, the user
 * authorizes at the new one. Any other 401 refreshes once. On 403 insufficient_scope the user
 * authorizes the union of the scopes asked for, granted and now demanded. At most `maxStepUps`
 * (default 2) authorizations per fetch, i.e. per command. The token goes only to the origin of the
 * resource it was issued for. Our OAuth code stays the single source of tokens.
 */
export function authorizedFetch(options: AuthorizedFetchOptions): Fetch {
  const base = options.fetch ?? fetch;
  const maxStepUps = options.maxStepUps ?? 2;
  const timeoutMs = options.timeoutMs ?? 15_000;
  let authorizations = 0;

  const reauthorize = async (scope: string, reason: 'scope' | 'issuer', exhausted: () => OAuthError): Promise<StoredGrant> => {
    if (!options.stepUp) throw exhausted();
    if (authorizations >= maxStepUps) throw exhausted();
    authorizations += 1;
    await options.stepUp(scope, reason);
    return validGrant(options.server, options);
  };

  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    let grant = await validGrant(options.server, options);
    if (url.origin !== new URL(grant.resource).origin) return base(input, init);
    let refreshed = false;
    for (;;) {
      // A DPoP-bound token goes with a fresh proof of its key (dpop-fetch.ts), a Bearer one as it is.
      const response = grant.dpop ? await dpopResourceFetch(base, input, init, { ...grant, dpop: grant.dpop }) : await base(input, withAuthorization(init, grant.accessToken, options.server));
      if (response.status === 401 && !refreshed) {
        const challenge = challengeOf(response);
        await response.body?.cancel();
        refreshed = true;
        const issuer = await movedTo(base, url, grant, challenge, timeoutMs);
        if (issuer) {
          // The authorization tells the user what happened, in one line (binding.ts).
          const old = grant.issuer;
          const scope = challenge.scope ?? unionScopes(grant.requestedScope, grant.scope);
          grant = await reauthorize(scope, 'issuer', () =>
            options.stepUp
              ? new OAuthError(`${options.server} moved to the authorization server ${issuer} after ${maxStepUps} authorizations`, 'run the command again', 'issuer_changed')
              : notAuthorized(options.server, `${options.server} now uses the authorization server ${issuer}; its grant from ${old} is not sent there`),
          );
          refreshed = false;
          continue;
        }
        options.log?.(`${options.server} refused the access token; refreshing it`);
        grant = await validGrant(options.server, options, { rejected: grant.accessToken });
        continue;
      }
      if (response.status === 403 && options.stepUp) {
        const challenge = challengeOf(response);
        if (challenge.error === 'insufficient_scope') {
          await response.body?.cancel();
          const scope = unionScopes(grant.requestedScope, grant.scope, challenge.scope);
          if (authorizations < maxStepUps) options.log?.(`${options.server} needs more permission (${challenge.scope ? untrusted(challenge.scope) : 'unspecified'}); authorizing again`);
          grant = await reauthorize(
            scope,
            'scope',
            () =>
              new OAuthError(
                `${options.server} still demands more scope after ${maxStepUps} authorizations (${challenge.scope ? untrusted(challenge.scope) : 'no scope named'})`,
                'the account may lack the permission; check it with the provider',
                'insufficient_scope',
              ),
          );
          refreshed = false;
          continue;
        }
      }
      return response;
    }
  };
}
