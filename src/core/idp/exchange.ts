import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from '../lock.js';
import { OAuthError } from '../oauth/errors.js';
import type { Fetch } from '../oauth/metadata.js';
import { oauthFailure, openidClient } from '../oauth/openid.js';
import { REFRESH_LOCK_WAIT_MS, REFRESH_TIMEOUT_MS, ROTATED_GRANT_PATIENCE_MS } from '../oauth/tokens.js';
import { withSignalsDeferred } from '../oauth/defer-signals.js';
import { idpConfiguration, idpMetadata, type IdpClient } from './login.js';
import { sessionFrom, type IdpSession, type IdpSessionStore } from './session.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/** An ID token this close to its expiry is renewed first: the provider must still accept it when the exchange arrives. */
const ID_TOKEN_MARGIN_MS = 60_000;

export interface IdpDeps {
  sessions: IdpSessionStore;
  /** Where the per-provider lock lives (the config directory). */
  lockDir: string;
  fetch?: Fetch;
  now?: () => number;
}

export function loginRequired(idp: string, detail: string): OAuthError {
  return new OAuthError(detail, `run \`mcpkey idp login ${idp}\``, 'idp_login_required');
}

function usable(session: IdpSession, now: number): boolean {
  return session.idTokenExpiresAt === undefined || Date.parse(session.idTokenExpiresAt) - now > ID_TOKEN_MARGIN_MS;
}

/**
 * The session with an ID token the provider still accepts, renewed with its refresh token when
 * needed. The renewal runs under a per-provider lock and re-reads the session inside it: servers
 * renewed at once share one refresh (a rotated refresh token used twice would end the sign-in).
 */
export async function currentSession(idp: IdpClient, deps: IdpDeps): Promise<IdpSession> {
  const now = deps.now ?? Date.now;
  const first = await deps.sessions.get(idp.name);
  const check = (session: IdpSession | undefined): IdpSession => {
    if (!session) throw loginRequired(idp.name, `not signed in to the identity provider ${idp.name}`);
    if (session.issuer !== idp.config.issuer || session.clientId !== idp.config.clientId) {
      throw loginRequired(idp.name, `the sign-in to ${idp.name} was made with another issuer or client than it is configured with now`);
    }
    return session;
  };
  if (usable(check(first), now())) return first!;
  await mkdir(deps.lockDir, { recursive: true, mode: 0o700 });
  return withLock(
    join(deps.lockDir, `idp-${idp.name}`),
    async () => {
      const session = check(await deps.sessions.get(idp.name));
      if (usable(session, now())) return session;
      if (!session.refreshToken) throw loginRequired(idp.name, `the sign-in to the identity provider ${idp.name} has expired`);
      return renewSession(idp, session, deps, now);
    },
    { timeoutMs: REFRESH_LOCK_WAIT_MS },
  );
}

async function renewSession(idp: IdpClient, session: IdpSession, deps: IdpDeps, now: () => number): Promise<IdpSession> {
  const lib = await openidClient();
  const config = await idpConfiguration(idp, await idpMetadata(idp, deps.fetch));
  config.timeout = REFRESH_TIMEOUT_MS / 1000;
  return withSignalsDeferred(async () => {
    let tokens;
    try {
      tokens = await lib.refreshTokenGrant(config, session.refreshToken!);
    } catch (error) {
      const failure = oauthFailure(error, `renewing the sign-in to ${idp.name}`);
      if (failure.code === 'invalid_grant') {
        await deps.sessions.delete(idp.name);
        throw loginRequired(idp.name, `the sign-in to the identity provider ${idp.name} has expired (invalid_grant)`);
      }
      throw failure;
    }
    if (!tokens.id_token) throw loginRequired(idp.name, `${idp.name} renewed the sign-in without a new ID token`);
    const renewed = sessionFrom(idp.name, idp.config, { idToken: tokens.id_token, ...((tokens.refresh_token ?? session.refreshToken) ? { refreshToken: tokens.refresh_token ?? session.refreshToken! } : {}) }, session.source, now());
    await deps.sessions.save(renewed, { patienceMs: ROTATED_GRANT_PATIENCE_MS });
    return renewed;
  });
}

export interface AssertionTarget {
  /** For messages: the MCP server the grant is for. */
  server: string;
  /** The MCP server's authorization server issuer. */
  audience: string;
  /** The MCP server's resource identifier. */
  resource: string;
  scope?: string;
}

/** RFC 8693 token exchange at the provider: the ID token for an Identity Assertion JWT Authorization Grant (ID-JAG). */
export async function requestIdJag(idp: IdpClient, target: AssertionTarget, deps: IdpDeps): Promise<{ assertion: string; scope?: string }> {
  const session = await currentSession(idp, deps);
  const lib = await openidClient();
  const config = await idpConfiguration(idp, await idpMetadata(idp, deps.fetch));
  config.timeout = REFRESH_TIMEOUT_MS / 1000;
  let answer;
  try {
    answer = await lib.genericGrantRequest(config, TOKEN_EXCHANGE_GRANT, {
      requested_token_type: ID_JAG_TYPE,
      subject_token: session.idToken,
      subject_token_type: ID_TOKEN_TYPE,
      audience: target.audience,
      resource: target.resource,
      ...(target.scope ? { scope: target.scope } : {}),
    });
  } catch (error) {
    const failure = oauthFailure(error, `the token exchange at ${idp.name}`);
    if (failure.code === 'timeout' || failure.code === 'unreachable') throw failure;
    throw new OAuthError(
      `the identity provider ${idp.name} refused access to ${target.server}: ${failure.message.replace(/^.*?failed: (the server answered )?/, '')}`,
      `ask your administrator to allow ${target.server} at ${idp.name}; if your sign-in is stale, run \`mcpkey idp login ${idp.name}\``,
      'idp_exchange_refused',
    );
  }
  if (answer.issued_token_type !== ID_JAG_TYPE || typeof answer.access_token !== 'string' || answer.access_token.split('.').length !== 3) {
    throw new OAuthError(`the identity provider ${idp.name} did not answer the token exchange with an ID-JAG`, 'the provider may not support enterprise-managed authorization (ID-JAG); ask your administrator', 'invalid_response');
  }
  return { assertion: answer.access_token, ...(typeof answer.scope === 'string' ? { scope: answer.scope } : {}) };
}
