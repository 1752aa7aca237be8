/** A secret an MCP server needs, and the environment variable the server reads it from. */
export interface SecretSpec {
  /** `<server>.<key>`, e.g. `neon.api_key`. */
  name: string;
  /** The variable the server reads, e.g. `NEON_API_KEY`. */
  env: string;
  description: string;
  /** Where to obtain it. */
  url?: string;
  /** Optional secrets improve the server but do not block it (default: required). */
  optional?: boolean;
}

export interface StdioTransport {
  type: 'stdio';
  command: string;
  /**
   * `${VAR}` in an argument is replaced by a secret's value at launch. Only for servers that read
   * their key from argv (Neon, Postgres): less safe, because argv is visible to other local users.
   */
  args: string[];
  /** Plain, non-secret environment for the server. */
  env?: Record<string, string>;
}

export interface RemoteTransport {
  type: 'remote';
  url: string;
  transport: 'streamable-http' | 'sse';
  /** Headers sent with every request; `${VAR}` is replaced by a secret's value. */
  headers?: Record<string, string>;
}

export type Transport = StdioTransport | RemoteTransport;

/** How a grant is obtained, and so how it is renewed. Absent on a grant or entry: authorization-code. */
export type GrantKind = 'authorization-code' | 'client-credentials' | 'jwt-bearer' | 'enterprise';
export const GRANT_KINDS: readonly GrantKind[] = ['authorization-code', 'client-credentials', 'jwt-bearer', 'enterprise'];

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** Where a JWT bearer grant takes its assertion from; read afresh on every grant (they rotate). */
export type AssertionSource = { type: 'file'; path: string } | { type: 'env'; variable: string } | { type: 'github-oidc'; audience?: string };

/**
 * What a grant without a person at a browser needs to run again. Never secret material: client
 * secrets, private keys and assertions come from the secret chain (or their source) every time.
 */
export interface GrantSettings {
  grant?: GrantKind;
  clientAuth?: ClientAuthMethod;
  assertion?: AssertionSource;
  /** Enterprise-managed authorization: the IdP (`mcpkey idp add`) that issues the assertion. */
  idp?: string;
  /** Sender-constrained tokens (RFC 9449): true always, false never; absent, when both servers support them. */
  dpop?: boolean;
}

export interface OAuthSpec extends GrantSettings {
  scopes?: string[];
  /** A client registered ahead of time with the authorization server (no dynamic registration). */
  clientId?: string;
  /** Issuer URL, when the server's metadata does not name one. */
  authorizationServer?: string;
  /** Why the entry needs a pre-registered client, and where to create one. */
  note?: string;
}

/** What the machine must offer for the entry's server to run, beyond its launcher. */
export interface Requirements {
  /**
   * Minimum Node.js major version, for an npx server whose current release declares a newer
   * `engines.node` than mcpkey's own (on an older Node, npx would quietly run an old release).
   */
  node?: number;
}

export interface CatalogEntry {
  name: string;
  title: string;
  description: string;
  homepage?: string;
  transport: Transport;
  secrets: SecretSpec[];
  /**
   * OAuth settings. A remote entry without required secrets is OAuth-capable even without this;
   * `false` marks a remote server that needs no authorization at all.
   */
  oauth?: OAuthSpec | false;
  requires?: Requirements;
}

/** Where an entry comes from: mcpkey itself, the user's config.json, or the project's mcpkey.json. */
export type EntrySource = 'builtin' | 'user' | 'project';

export interface ResolvedEntry extends CatalogEntry {
  source: EntrySource;
  /** A user entry that replaces the built-in entry of the same name (added with --force). */
  overridesBuiltin?: boolean;
}
