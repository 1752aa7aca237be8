import { describe, expect, it } from 'vitest';
import { mergeCatalog } from '../../src/core/catalog/index.js';
import type { CatalogEntry } from '../../src/core/catalog/types.js';
import { emptyConfig, type ConfigData } from '../../src/core/config/store.js';
import { KeychainUnavailableError } from '../../src/core/errors.js';
import { OAuthStore, type DynamicClient, type StoredGrant } from '../../src/core/oauth/store.js';
import { disableServer, partialFailure } from '../../src/commands/server/disable.js';
import { MemoryKeychain } from './memory-keychain.js';

const ISSUER = 'https://as.example';

function grant(server: string, clientId: string, issuer = ISSUER): StoredGrant {
  return {
    version: 1,
    server,
    resource: `https://${server}.example/mcp`,
    issuer,
    tokenEndpoint: `${issuer}/token`,
    clientId,
    client: 'dynamic',
    authMethod: 'client_secret_basic',
    accessToken: 'a',
    refreshToken: 'r',
    tokenType: 'Bearer',
    obtainedAt: new Date().toISOString(),
  };
}

const registration: DynamicClient = {
  version: 1,
  issuer: ISSUER,
  clientId: 'shared-client',
  clientSecret: 'shared-secret',
  authMethod: 'client_secret_basic',
  redirectUris: ['http://127.0.0.1:5000/callback'],
  grantTypes: ['authorization_code', 'refresh_token'],
  registeredAt: new Date().toISOString(),
};

function keychainWith(...grants: StoredGrant[]): MemoryKeychain {
  const keychain = new MemoryKeychain({ [`oauth-dcr:${ISSUER}`]: JSON.stringify(registration) });
  for (const g of grants) keychain.store.set(`oauth:${g.server}`, JSON.stringify(g));
  return keychain;
}

describe('OAuthStore.forget: a registration is deleted only when no other grant uses it', () => {
  it('keeps a confidential registration (and its secret) while another server uses it, then deletes it with the last one', async () => {
    const store = new OAuthStore(keychainWith(grant('a', 'shared-client'), grant('b', 'shared-client')));
    expect(await store.forget('a')).toEqual({ grantDeleted: true, clientDeleted: false, clientSharedWith: ['b'] });
    expect((await store.dynamicClient(ISSUER))?.clientSecret).toBe('shared-secret');
    expect(await store.forget('b')).toEqual({ grantDeleted: true, clientDeleted: true, clientSharedWith: [] });
    expect(await store.dynamicClient(ISSUER)).toBeUndefined();
  });

  it('grants of another issuer, another client id or another kind do not keep it', async () => {
    const other = [grant('x', 'shared-client', 'https://other.example'), grant('y', 'older-client'), { ...grant('z', 'shared-client'), client: 'pre-registered' as const }];
    const store = new OAuthStore(keychainWith(grant('a', 'shared-client'), ...other));
    expect(await store.forget('a')).toEqual({ grantDeleted: true, clientDeleted: true, clientSharedWith: [] });
  });
});

describe('server disable without a keychain', () => {
  const remote: CatalogEntry = { name: 'remote', title: 'Remote', description: 'r', transport: { type: 'remote', url: 'https://r.example/mcp', transport: 'streamable-http' }, secrets: [] };
  const catalog = mergeCatalog({ remote });
  const down = new MemoryKeychain();
  down.delete = async () => {
    throw new KeychainUnavailableError('no Secret Service on the D-Bus session bus');
  };

  it('applies the config change, then reports what could not be done with the keychain’s exit code', async () => {
    let config: ConfigData = { ...emptyConfig(), enabled: ['remote'] };
    const result = await disableServer('remote', {}, {
      catalog,
      keychain: down,
      forgetGrant: () => new OAuthStore(down).forget('remote'),
      updateConfig: async (mutate) => {
        const next = structuredClone(config);
        const out = mutate(next);
        config = next;
        return out;
      },
    });
    expect(config.enabled).toEqual([]);
    expect(result).toMatchObject({ wasEnabled: true, grantCleared: false, notDone: ['its OAuth grant'] });
    const failure = partialFailure(result, {})!;
    expect(failure.exitCode).toBe(5);
    expect(failure.code).toBe('keychain_unavailable');
    expect(failure.message).toBe('remote is disabled, but its OAuth grant could not be removed from the keychain: the OS keychain is unavailable (no Secret Service on the D-Bus session bus)');
    expect(failure.hint).toMatch(/run `mcpkey server disable remote` again to finish$/);
  });
});
