import type { KeychainStore } from '../../secrets/keychain.js';

/**
 * A keychain that lives as long as the process: where there is no OS keychain (a CI runner without
 * D-Bus), a grant without a person is obtained by each command and kept nowhere else.
 */
export function processKeychain(service: string): KeychainStore {
  const values = new Map<string, string>();
  return {
    service,
    get: async (account) => values.get(account),
    set: async (account, value) => void values.set(account, value),
    delete: async (account) => values.delete(account),
    entries: async () => [...values].map(([account, value]) => ({ account, value })),
  };
}
