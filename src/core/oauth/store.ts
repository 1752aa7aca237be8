import { KeychainUnavailableError } from '../errors.js';
import type { KeychainStore } from '../secrets/keychain.js';
import type { GrantStatusSource, OAuthStatus } from '../auth/classify.js';

/** Everything needed to use and renew a grant without discovering again. Kept in the keychain only. */
export interface StoredGrant {
  version: 1;
  server: string;
  resource: string;
  /** Authorized with --no-resource: refreshes leave the parameter out too. */
  noResourceIndicator?: true;
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  clientId: string;
  client: ClientKind;
  authMethod: TokenAuthMethod;
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  /** ISO 8601; absent when the server gave no lifetime. */
  expiresAt?: string;
  /** What the server granted (its `scope`), else what was asked for. */
  scope?: string;
  /** What was asked for: a step-up asks for this, what was granted, and what the server demands. */
  requestedScope?: string;
  obtainedAt: string;
}

export type TokenAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';
export type ClientKind = 'pre-registered' | 'metadata-document' | 'dynamic';

/** A client mcpkey registered dynamically, reused for every server behind the same authorization server. */
export interface DynamicClient {
  version: 1;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  authMethod: TokenAuthMethod;
  redirectUris: string[];
  grantTypes: string[];
  registeredAt: string;
}

/** A client the user registered with the provider (--client-id); the secret, if any, only ever here. */
export interface PreRegisteredClient {
  version: 1;
  clientId: string;
  clientSecret?: string;
  authMethod?: TokenAuthMethod;
  /** The authorization server it was first used with: credentials are never presented to another (SEP-2352). */
  issuer?: string;
}

// Keychain accounts. None of them is a valid secret name (no dot before a colon), so `secret list` never shows them.
export const grantAccount = (server: string) => `oauth:${server}`;
export const dynamicClientAccount = (issuer: string) => `oauth-dcr:${issuer}`;
export const preRegisteredAccount = (server: string) => `oauth-client:${server}`;

function parse<T extends { version: 1 }>(value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    const data = JSON.parse(value) as T;
    return data && data.version === 1 ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Grant and client records in the keychain, and the OAuth status the auth core reports. */
export class OAuthStore implements GrantStatusSource {
  constructor(
    private readonly keychain: KeychainStore,
    private readonly now: () => number = Date.now,
  ) {}

  async grant(server: string): Promise<StoredGrant | undefined> {
    return parse<StoredGrant>(await this.keychain.get(grantAccount(server)));
  }

  async saveGrant(grant: StoredGrant): Promise<void> {
    await this.keychain.set(grantAccount(grant.server), JSON.stringify(grant));
  }

  async deleteGrant(server: string): Promise<boolean> {
    return this.keychain.delete(grantAccount(server));
  }

  async dynamicClient(issuer: string): Promise<DynamicClient | undefined> {
    return parse<DynamicClient>(await this.keychain.get(dynamicClientAccount(issuer)));
  }

  async saveDynamicClient(client: DynamicClient): Promise<void> {
    await this.keychain.set(dynamicClientAccount(client.issuer), JSON.stringify(client));
  }

  async deleteDynamicClient(issuer: string): Promise<boolean> {
    return this.keychain.delete(dynamicClientAccount(issuer));
  }

  async preRegistered(server: string): Promise<PreRegisteredClient | undefined> {
    return parse<PreRegisteredClient>(await this.keychain.get(preRegisteredAccount(server)));
  }

  async savePreRegistered(server: string, client: PreRegisteredClient): Promise<void> {
    await this.keychain.set(preRegisteredAccount(server), JSON.stringify(client));
  }

  /** Every stored grant, from one enumeration of the keychain. */
  async grants(): Promise<StoredGrant[]> {
    const entries = await this.keychain.entries();
    return entries
      .filter((entry) => entry.account.startsWith('oauth:'))
      .map((entry) => parse<StoredGrant>(entry.value))
      .filter((grant): grant is StoredGrant => grant !== undefined);
  }

  describe(grant: StoredGrant | undefined): OAuthStatus {
    if (!grant) return { state: 'not-authorized' };
    const expired = grant.expiresAt !== undefined && Date.parse(grant.expiresAt) <= this.now();
    return {
      state: !expired ? 'authorized' : grant.refreshToken ? 'expired-refreshable' : 'expired',
      issuer: grant.issuer,
      ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
      ...(grant.scope ? { scopes: grant.scope.split(' ').filter(Boolean) } : {}),
    };
  }

  async status(server: string): Promise<OAuthStatus> {
    let grants: StoredGrant[];
    try {
      grants = await this.grants();
    } catch (error) {
      // Without a keychain there is no grant to find; the secret resolver reports the keychain problem.
      if (error instanceof KeychainUnavailableError) return { state: 'not-authorized' };
      throw error;
    }
    return this.describe(grants.find((grant) => grant.server === server));
  }

  /** Removes the grant and the dynamic registration it used (the next authorization registers afresh). */
  async clear(server: string): Promise<boolean> {
    const grant = await this.grant(server);
    if (grant?.client === 'dynamic') await this.deleteDynamicClient(grant.issuer);
    return this.deleteGrant(server);
  }
}
