import type { KeychainStore } from '../../src/core/secrets/keychain.js';

/** An in-memory keychain for unit tests; counts how often it is listed. */
export class MemoryKeychain implements KeychainStore {
  readonly service = 'mcpkey-test';
  readonly store = new Map<string, string>();
  entriesCalls = 0;

  constructor(initial: Record<string, string> = {}) {
    for (const [account, value] of Object.entries(initial)) this.store.set(account, value);
  }

  async get(account: string): Promise<string | undefined> {
    return this.store.get(account);
  }

  async set(account: string, value: string): Promise<void> {
    this.store.set(account, value);
  }

  async delete(account: string): Promise<boolean> {
    return this.store.delete(account);
  }

  async entries(): Promise<Array<{ account: string; value: string }>> {
    this.entriesCalls += 1;
    return [...this.store].map(([account, value]) => ({ account, value }));
  }
}
