import type { ClientAuthMethod, GrantSettings } from '../../catalog/types.js';
import type { dpopOptions } from '../dpop.js';
import type { Env } from '../../config/paths.js';
import type { grantFromTokens } from '../grant.js';
import type { AuthServerMetadata, Fetch } from '../metadata.js';
import type { IdpDeps } from '../../idp/exchange.js';
import type { IdpClient } from '../../idp/login.js';

/**
 * Credential material for grants without a person: secrets through the chain (process environment,
 * then .env.mcp, then the keychain) under `<server>.oauth_client_secret` / `<server>.oauth_private_key`,
 * and the environment (assertion variables, GitHub Actions). Asked afresh on every grant.
 */
export interface Credentials {
  secret(name: string): Promise<string | undefined>;
  env: Env;
  fetch?: Fetch;
  /** The enterprise grant's identity provider (`mcpkey idp add`): its client and its sign-in. */
  idp?(name: string): Promise<{ client: IdpClient; deps: IdpDeps }>;
}

/** Everything one run of a grant needs; the same for the first run and every renewal. */
export interface GrantContext {
  server: string;
  metadata: AuthServerMetadata;
  clientId: string;
  settings: GrantSettings;
  /** RFC 8707 resource; absent with --no-resource. */
  resource?: string;
  scope?: string;
  credentials: Credentials;
  /** openid-client's options for the token request: a DPoP proof when the grant is bound to a key (none otherwise). */
  dpop?: Awaited<ReturnType<typeof dpopOptions>>;
}

export type TokenResponse = Parameters<typeof grantFromTokens>[0];

/** What one run of a grant gave: the token endpoint's answer, and how the client authenticated (kept for renewals). */
export interface GrantOutcome {
  tokens: TokenResponse;
  authMethod: ClientAuthMethod;
}

/** One way of obtaining tokens at the token endpoint without a browser (grants/<kind>.ts). */
export interface Grant {
  /** The grant_type the authorization server must list in grant_types_supported, when it lists any. */
  grantType: string;
  obtain(ctx: GrantContext): Promise<GrantOutcome>;
}
