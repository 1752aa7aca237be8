import { OAuthError } from './errors.js';
import type { OAuthStore, StoredGrant, TokenAuthMethod } from './store.js';

/**
 * SEP-2352: client credentials and tokens belong to the authorization server that issued them.
 * Dynamic registrations are kept per issuer (store.ts); this keeps a pre-registered client to the
 * issuer it was first used with, and tells the user when the server moved to another one.
 */

export interface PreRegisteredChoice {
  clientId?: string;
  clientSecret?: string;
  authMethod?: TokenAuthMethod;
}

export interface PreRegisteredRequest {
  server: string;
  /** Named on this command line: bound to the issuer found now. */
  clientId?: string;
  clientSecret?: string;
  clientAuthMethod?: TokenAuthMethod;
  /** The catalog's or the entry's client. */
  entryClientId?: string;
}

/**
 * The pre-registered client for this authorization, if any: the one named now, else the stored one,
 * else the entry's. A client not named now is refused at an issuer other than the one it was used
 * with (the spec says to surface an error rather than try mismatched credentials).
 */
export async function preRegisteredFor(request: PreRegisteredRequest, issuer: string, store: OAuthStore, previous: StoredGrant | undefined): Promise<PreRegisteredChoice> {
  const stored = await store.preRegistered(request.server);
  const clientId = request.clientId ?? stored?.clientId ?? request.entryClientId;
  if (!clientId) return {};
  const known = stored && stored.clientId === clientId ? stored : undefined;
  const clientSecret = request.clientSecret ?? known?.clientSecret;
  const authMethod = request.clientAuthMethod ?? known?.authMethod;
  if (!request.clientId) {
    const boundTo = known?.issuer ?? (previous?.client === 'pre-registered' && previous.clientId === clientId ? previous.issuer : undefined);
    if (boundTo !== undefined && boundTo !== issuer) {
      throw new OAuthError(
        `${request.server} now uses the authorization server ${issuer}, but client ${clientId} is registered with ${boundTo}`,
        `register a client with the new provider and run \`mcpkey oauth authorize ${request.server} --client-id <id>\``,
        'issuer_changed',
      );
    }
  }
  if (request.clientId || (known && known.issuer === undefined)) {
    // Remember the client (and where it belongs), so that refreshes and later authorizations use it too.
    await store.savePreRegistered(request.server, {
      version: 1,
      clientId,
      ...(clientSecret ? { clientSecret } : {}),
      ...(authMethod ? { authMethod } : {}),
      issuer,
    });
  }
  return { clientId, ...(clientSecret ? { clientSecret } : {}), ...(authMethod ? { authMethod } : {}) };
}

/** One line for the user when the server's authorization server is not the one its grant came from. */
export function issuerChangeNotice(server: string, previous: StoredGrant | undefined, issuer: string): string | undefined {
  if (!previous || previous.issuer === issuer) return undefined;
  return `${server} now uses the authorization server ${issuer} (was ${previous.issuer}); the client and grant from there are not used with it`;
}
