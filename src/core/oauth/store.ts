import type { KeychainStore, WriteOptions } from '../secrets/keychain.js';
import { isKeychainError } from '../secrets/keychain-errors.js';
import { readerOf, type KeychainReader } from '../secrets/reader.js';
import type { GrantStatusSource, OAuthStatus } from '../auth/classify.js';
import type { DPoPKey } from './dpop.js';
import type { ClientAuthMethod, GrantKind, GrantSettings } from '../catalog/types.js';

export type { ClientAuthMethod, GrantKind, GrantSettings } from '../catalog/types.js';

/** Everything needed to use and renew a grant without discovering again. Kept in the keychain only. */
export interface StoredGrant {
  version: 1;
  server: string;
  /** How it was obtained; records from before grants had kinds are authorization-code (see grantKind). */
  grant?: GrantKind;
  /** For grants without a person: how to run the grant again (client auth, assertion source, …). */
  settings?: GrantSettings;
  resource: string;
  /** Authorized with --no-resource: refreshes leave the parameter out too. */
  noResourceIndicator?: true;
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  clientId: string;
  client: ClientKind;
  authMethod: ClientAuthMethod;
  accessToken: string;
  refreshToken?: string;
  /** `Bearer`, or `DPoP` for a token bound to `dpop`'s key. */
  tokenType: string;
  /** RFC 9449: the key the tokens are bound to (the private key lives only here, in the keychain). */
  dpop?: DPoPKey;
  /** ISO 8601; absent when the server gave no lifetime. */
  expiresAt?: string;
  /** What the server granted (its `scope`), else what was asked for. */
  scope?: string;
  /** What was asked for: a step-up asks for this, what was granted, and what the server demands. */
  requestedScope?: string;
  obtainedAt: string;
}

export type TokenAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** The grant kind of a stored grant; absent in records written before kinds existed. */
export function grantKind(grant: Pick<StoredGrant, 'grant'>): GrantKind {
  return grant.grant ?? 'authorization-code';
}
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

const GRANT_PREFIX = 'oauth:';

// Keychain accounts. None of them is a valid secret name (no dot before a colon), so `secret list` never shows them.
export const grantAccount = (server: string) => `${GRANT_PREFIX}${server}`;
export const dynamicClientAccount = (issuer: string) => `oauth-dcr:${issuer}`;
export const preRegisteredAccount = (server: string) => `oauth-client:${server}`;

/** What forgetting a server's OAuth state removed, and the registration it kept because others use it. */
export interface ForgetResult {
  grantDeleted: boolean;
  clientDeleted: boolean;
  /** Servers whose grants still use the dynamic registration, which is therefore kept. */
  clientSharedWith: string[];
}

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
  private readonly reader: KeychainReader;

  constructor(
    private readonly keychain: KeychainStore,
    private readonly now: () => number = Date.now,
  ) {
    this.reader = readerOf(keychain);
  }

  /** The grant as the keychain holds it now (one round trip, never from a cache). */
  async grant(server: string): Promise<StoredGrant | undefined> {
    return parse<StoredGrant>(await this.keychain.get(grantAccount(server)));
  }

  async saveGrant(grant: StoredGrant, options?: WriteOptions): Promise<void> {
    await this.keychain.set(grantAccount(grant.server), JSON.stringify(grant), options);
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

  /** Every stored grant, from one enumeration of the keychain (shared with the secret listing). */
  async grants(): Promise<StoredGrant[]> {
    return grantsIn(await this.reader.all());
  }

  describe(grant: StoredGrant | undefined): OAuthStatus {
    if (!grant) return { status: 'not-authorized' };
    const expired = grant.expiresAt !== undefined && Date.parse(grant.expiresAt) <= this.now();
    return {
      // A grant without a person renews itself by running again: as good as a refresh token.
      status: !expired ? 'authorized' : grant.refreshToken || grantKind(grant) !== 'authorization-code' ? 'expired-refreshable' : 'expired',
      issuer: grant.issuer,
      ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
      ...(grant.scope ? { scopes: grant.scope.split(' ').filter(Boolean) } : {}),
    };
  }

  /** One read of this server's grant (or an answer from a listing this process already made). */
  async status(server: string): Promise<OAuthStatus> {
    let grant: StoredGrant | undefined;
    try {
      grant = parse<StoredGrant>(await this.reader.read(grantAccount(server)));
    } catch (error) {
      // Without a keychain there is no grant to find; the secret resolver reports the keychain problem.
      if (isKeychainError(error)) return { status: 'not-authorized' };
      throw error;
    }
    return this.describe(grant?.server === server ? grant : undefined);
  }

  /**
   * Servers other than `except` whose grants were issued to this dynamic registration. Registrations
   * are shared by every server behind the same authorization server, so one is deleted only when no
   * grant uses it any more. Reads the keychain afresh: the answer decides a deletion.
   */
  async dynamicClientUsers(issuer: string, clientId: string, except: string): Promise<string[]> {
    const all = new Map((await this.keychain.entries()).map((entry) => [entry.account, entry.value]));
    return grantsIn(all)
      .filter((grant) => grant.server !== except && grant.client === 'dynamic' && grant.issuer === issuer && grant.clientId === clientId)
      .map((grant) => grant.server)
      .sort();
  }

  /** Deletes the dynamic registration of `issuer` unless another server's grant still uses it. */
  async forgetDynamicClient(issuer: string, except: string): Promise<{ deleted: boolean; sharedWith: string[] }> {
    const client = await this.dynamicClient(issuer);
    if (!client) return { deleted: false, sharedWith: [] };
    const sharedWith = await this.dynamicClientUsers(issuer, client.clientId, except);
    if (sharedWith.length > 0) return { deleted: false, sharedWith };
    return { deleted: await this.deleteDynamicClient(issuer), sharedWith };
  }

  /** Removes the grant, and the dynamic registration it used when no other grant uses it. */
  async forget(server: string): Promise<ForgetResult> {
    const grant = await this.grant(server);
    // The grant first: two servers forgotten at once then see each other's grant gone, not still there.
    const grantDeleted = await this.deleteGrant(server);
    const client = grant?.client === 'dynamic' ? await this.forgetDynamicClient(grant.issuer, server) : { deleted: false, sharedWith: [] };
    return { grantDeleted, clientDeleted: client.deleted, clientSharedWith: client.sharedWith };
  }

  async clear(server: string): Promise<boolean> {
    return (await this.forget(server)).grantDeleted;
  }
}

function grantsIn(accounts: Map<string, string>): StoredGrant[] {
  return [...accounts]
    .filter(([account]) => account.startsWith(GRANT_PREFIX))
    .map(([, value]) => parse<StoredGrant>(value))
    .filter((grant): grant is StoredGrant => grant !== undefined);
}
