import { limitResponse } from '../http-body.js';
import { METADATA_BODY_LIMIT } from '../limits.js';
import { untrusted } from '../text.js';
import { oversized, type AuthServerMetadata, type Fetch } from './metadata.js';
import { OAuthError } from './errors.js';
import type { ClientAuthMethod, ClientKind, DynamicClient, OAuthStore, TokenAuthMethod } from './store.js';
import { assertSecureEndpoint } from './urls.js';

/** The client mcpkey acts as at one authorization server. */
export interface ClientIdentity {
  kind: ClientKind;
  clientId: string;
  clientSecret?: string;
  authMethod: ClientAuthMethod;
}

export interface ClientChoice {
  server: string;
  issuer: string;
  metadata: AuthServerMetadata;
  redirectUri: string | undefined;
  /** --client-id, or the catalog's pre-registered client. */
  clientId?: string;
  clientSecret?: string;
  authMethod?: TokenAuthMethod;
  /** An HTTPS URL serving mcpkey's client metadata document (CIMD). */
  clientMetadataUrl?: string;
  /** Why this server needs a pre-registered client, from the catalog. */
  note?: string;
  store: OAuthStore;
  fetch?: Fetch;
}

export const GRANT_TYPES = ['authorization_code', 'refresh_token'];
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** How a client with a secret authenticates: what the AS supports, basic first (RFC 8414's default). */
export function secretAuthMethod(metadata: AuthServerMetadata): TokenAuthMethod {
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  throw new OAuthError(`${metadata.issuer} supports neither client_secret_basic nor client_secret_post`, 'mcpkey cannot authenticate this client', 'unsupported_client_auth');
}

export function checkMetadataUrl(value: string): string {
  const url = assertSecureEndpoint(value, 'client metadata URL');
  if (url.hash || url.username || url.password || value.includes('#')) {
    throw new OAuthError(`client metadata URL ${url.origin}${url.pathname} must not have a fragment or credentials`, 'use the plain https URL the document is served from', 'invalid_client_metadata_url');
  }
  if (url.pathname === '/' || url.pathname === '') {
    throw new OAuthError(`client metadata URL ${value} has no path`, 'a Client ID Metadata Document URL must be https with a path, e.g. https://example.com/mcpkey/client.json', 'invalid_client_metadata_url');
  }
  return url.href;
}

function grantTypesFor(metadata: AuthServerMetadata): string[] {
  return metadata.device_authorization_endpoint ? [...GRANT_TYPES, DEVICE_GRANT] : [...GRANT_TYPES];
}

/**
 * A registration answer that names no token endpoint auth method: without a secret, none; with one,
 * what the AS supports (RFC 7591's default, client_secret_basic, first), else none as asked for.
 */
function unstatedAuthMethod(metadata: AuthServerMetadata, hasSecret: boolean): TokenAuthMethod {
  if (!hasSecret) return 'none';
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  return 'none';
}

/** RFC 7591 registration of mcpkey as a native public client (grant_types with refresh_token, SEP-2207). */
export async function registerClient(metadata: AuthServerMetadata, redirectUri: string | undefined, fetchImpl: Fetch = fetch): Promise<DynamicClient> {
  const endpoint = assertSecureEndpoint(metadata.registration_endpoint, 'registration endpoint').href;
  // A device-flow client has no redirect at all: registering an empty redirect list for the code flow is refused.
  const grantTypes = redirectUri ? grantTypesFor(metadata) : [DEVICE_GRANT, 'refresh_token'];
  const body = {
    client_name: 'mcpkey',
    application_type: 'native',
    redirect_uris: redirectUri ? [redirectUri] : [],
    grant_types: grantTypes,
    response_types: redirectUri ? ['code'] : [],
    token_endpoint_auth_method: 'none',
  };
  let response: Response;
  try {
    response = await fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new OAuthError(`cannot reach the registration endpoint ${endpoint} (${(error as Error).message})`, 'check your network connection', 'unreachable');
  }
  let text: string;
  try {
    text = await limitResponse(response, METADATA_BODY_LIMIT, () => oversized('the registration answer', endpoint, METADATA_BODY_LIMIT)).text();
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError(`the registration endpoint ${endpoint} broke off its answer`, 'try again later', 'unreachable');
  }
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // handled below
  }
  if (!response.ok || typeof data.client_id !== 'string') {
    // The server's own words, without control characters and at a readable length.
    const reason = typeof data.error === 'string' ? untrusted(`${data.error}${typeof data.error_description === 'string' ? `: ${data.error_description}` : ''}`) : `HTTP ${response.status}`;
    throw new OAuthError(`dynamic client registration at ${metadata.issuer} failed (${reason})`, 'register a client with the provider yourself and pass --client-id', 'registration_failed');
  }
  const method = typeof data.token_endpoint_auth_method === 'string' ? data.token_endpoint_auth_method : unstatedAuthMethod(metadata, typeof data.client_secret === 'string');
  if (method !== 'none' && method !== 'client_secret_basic' && method !== 'client_secret_post') {
    throw new OAuthError(`${metadata.issuer} registered mcpkey with token endpoint authentication "${untrusted(method, 60)}", which mcpkey does not support`, 'register a client yourself and pass --client-id', 'unsupported_client_auth');
  }
  return {
    version: 1,
    issuer: metadata.issuer,
    clientId: data.client_id,
    ...(typeof data.client_secret === 'string' ? { clientSecret: data.client_secret } : {}),
    authMethod: method,
    redirectUris: Array.isArray(data.redirect_uris) ? (data.redirect_uris as string[]) : body.redirect_uris,
    grantTypes: Array.isArray(data.grant_types) ? (data.grant_types as string[]) : grantTypes,
    registeredAt: new Date().toISOString(),
  };
}

/**
 * The client identity, in the MCP spec's order: a pre-registered client, then a Client ID Metadata
 * Document, then dynamic registration (reused per authorization server while its redirect URI fits).
 */
export async function chooseClient(choice: ClientChoice): Promise<ClientIdentity> {
  const { metadata } = choice;
  if (choice.clientId) {
    return {
      kind: 'pre-registered',
      clientId: choice.clientId,
      ...(choice.clientSecret ? { clientSecret: choice.clientSecret } : {}),
      authMethod: choice.authMethod ?? (choice.clientSecret ? secretAuthMethod(metadata) : 'none'),
    };
  }
  if (metadata.client_id_metadata_document_supported === true && choice.clientMetadataUrl) {
    return { kind: 'metadata-document', clientId: checkMetadataUrl(choice.clientMetadataUrl), authMethod: 'none' };
  }
  if (metadata.registration_endpoint) {
    const existing = await choice.store.dynamicClient(choice.issuer);
    const fits =
      existing &&
      (choice.redirectUri === undefined
        ? existing.grantTypes.includes(DEVICE_GRANT)
        : existing.redirectUris.includes(choice.redirectUri) && existing.grantTypes.includes('authorization_code'));
    const client = fits ? existing : await registerClient(metadata, choice.redirectUri, choice.fetch);
    if (!fits) await choice.store.saveDynamicClient(client);
    return {
      kind: 'dynamic',
      clientId: client.clientId,
      ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
      authMethod: client.authMethod,
    };
  }
  throw new OAuthError(
    `${choice.issuer} offers no dynamic client registration${metadata.client_id_metadata_document_supported ? ' and no client metadata URL is configured' : ''}`,
    choice.note ?? `register a client with the provider and run \`mcpkey oauth authorize ${choice.server} --client-id <id>\``,
    'client_required',
  );
}
