import { untrusted } from '../text.js';
import { invalidReference, StoreError, StoreItemNotFoundError } from './errors.js';
import { usableValue } from './exec.js';
import { fieldOf } from './json-field.js';
import type { SecretReference } from './reference.js';
import type { StoreContext, StoreResolver } from './types.js';
import { vaultErrors, vaultGet, vaultSettings, type VaultResponse, type VaultSettings } from './vault-http.js';

const SHAPE = 'vault://<mount>/<path>#<key> (e.g. vault://secret/team/neon#api_key)';

function parse(ref: SecretReference): { path: string; key?: string } {
  const hash = ref.rest.indexOf('#');
  const path = (hash === -1 ? ref.rest : ref.rest.slice(0, hash)).replace(/\/+$/, '');
  const key = hash === -1 ? undefined : ref.rest.slice(hash + 1);
  const segments = path.split('/');
  if (segments.length < 2 || segments.some((segment) => segment === '' || segment === '.' || segment === '..') || key === '') throw invalidReference(ref, SHAPE);
  return { path, ...(key !== undefined ? { key } : {}) };
}

const encode = (path: string) => path.split('/').filter(Boolean).map(encodeURIComponent).join('/');

/**
 * Which mount holds the path and which KV version it is, as the Vault CLI learns it:
 * `sys/internal/ui/mounts/<path>`. A server without that endpoint (404) is taken as KV v1 with the
 * first segment as the mount, as the CLI does.
 */
async function mountOf(settings: VaultSettings, path: string, ref: SecretReference, ctx: StoreContext): Promise<{ mount: string; version: 1 | 2 } | VaultResponse> {
  const response = await vaultGet(settings, `sys/internal/ui/mounts/${encode(path)}`, ref, ctx.timeoutMs);
  if (response.status === 404) return { mount: `${path.split('/')[0]}/`, version: 1 };
  if (response.status !== 200) return response;
  const data = (response.body as { data?: { path?: unknown; options?: { version?: unknown } | null } } | undefined)?.data;
  const mount = typeof data?.path === 'string' && data.path !== '' ? data.path.replace(/\/?$/, '/') : `${path.split('/')[0]}/`;
  return { mount, version: String(data?.options?.version ?? '1') === '2' ? 2 : 1 };
}

/** A refusal: a token Vault does not accept is "not signed in"; a valid one without the policy is "permission denied". */
async function refused(settings: VaultSettings, response: VaultResponse, ref: SecretReference, ctx: StoreContext): Promise<StoreError> {
  const said = vaultErrors(response.body);
  if (response.status === 403 || response.status === 401) {
    const self = await vaultGet(settings, 'auth/token/lookup-self', ref, ctx.timeoutMs);
    if (self.status === 403 || self.status === 401) return new StoreError('store_not_signed_in', ref, 'Vault does not accept the token (invalid or expired)', 'sign in with `vault login` (OpenBao: `bao login`), or set VAULT_TOKEN');
    return new StoreError('store_permission_denied', ref, `Vault refused access${said ? ` (${said})` : ''}`, 'ask for a policy with "read" on that path (KV v2: <mount>/data/<path>)');
  }
  if (response.status === 404) return new StoreItemNotFoundError(ref, 'Vault has no secret at that path', 'check the mount and path (`vault kv get <mount>/<path>` shows it)');
  if (response.status === 503) return new StoreError('store_failed', ref, `Vault is sealed or in standby${said ? ` (${said})` : ''}`, 'unseal it, or point VAULT_ADDR at the active node');
  return new StoreError('store_failed', ref, `Vault answered HTTP ${response.status}${said ? `: ${said}` : ''}`, 'check VAULT_ADDR and VAULT_NAMESPACE');
}

export const resolver: StoreResolver = {
  scheme: 'vault',
  check(ref) {
    parse(ref);
  },
  async resolve(ref, ctx) {
    const { path, key } = parse(ref);
    const settings = vaultSettings(ctx.env, ref);
    if (!settings.token) throw new StoreError('store_not_signed_in', ref, 'no Vault token (VAULT_TOKEN is not set and there is no ~/.vault-token)', 'sign in with `vault login` (OpenBao: `bao login`), or set VAULT_TOKEN');
    const mounted = await mountOf(settings, path, ref, ctx);
    if (!('mount' in mounted)) throw await refused(settings, mounted, ref, ctx);
    const mount = `${path}/`.startsWith(mounted.mount) ? mounted.mount : `${path.split('/')[0]}/`;
    const inner = path.slice(mount.length);
    if (inner === '') throw invalidReference(ref, SHAPE);
    const apiPath = mounted.version === 2 ? `${encode(mount)}/data/${encode(inner)}` : `${encode(mount)}/${encode(inner)}`;
    const response = await vaultGet(settings, apiPath, ref, ctx.timeoutMs);
    if (response.status !== 200) throw await refused(settings, response, ref, ctx);
    const outer = (response.body as { data?: unknown } | undefined)?.data;
    // KV v2 nests the fields one level deeper, next to the version's metadata; a deleted version has data null.
    const fields = mounted.version === 2 ? (outer as { data?: unknown } | undefined)?.data : outer;
    if (fields === null || fields === undefined) throw new StoreItemNotFoundError(ref, 'the latest version of that secret is deleted or destroyed', 'restore it (`vault kv undelete`) or write a new version');
    if (key !== undefined) return usableValue(fieldOf(fields, key, ref, 'the Vault secret'), ref);
    // Without #key: the only field, when there is exactly one.
    const names = typeof fields === 'object' && !Array.isArray(fields) ? Object.keys(fields) : [];
    if (names.length === 1) return usableValue(fieldOf(fields, names[0]!, ref, 'the Vault secret'), ref);
    throw new StoreItemNotFoundError(ref, `the Vault secret has ${names.length} fields; name one with #<key>`, names.length ? `its fields are: ${names.slice(0, 20).map((name) => untrusted(name, 60)).join(', ')}` : 'write a field to it first');
  },
};
