import { KeychainUnavailableError } from '../errors.js';
import type { Env } from '../config/paths.js';

/** The OS keychain as mcpkey uses it: one service, one account per name. */
export interface KeychainStore {
  readonly service: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  /** Every account stored under the service, with its value (the platform API returns both). */
  entries(): Promise<Array<{ account: string; value: string }>>;
}

export const DEFAULT_KEYCHAIN_SERVICE = 'mcpkey';

export function keychainService(env: Env): string {
  return env.MCPKEY_KEYCHAIN_SERVICE || DEFAULT_KEYCHAIN_SERVICE;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/dbus|zbus|secret service|org\.freedesktop/i.test(message)) return 'no Secret Service on the D-Bus session bus';
  if (/locked/i.test(message)) return 'the keyring is locked';
  return message.split('\n')[0]!.slice(0, 160);
}

type KeyringModule = typeof import('@napi-rs/keyring');

/**
 * The real keychain through @napi-rs/keyring, loaded on first use so that commands that never
 * touch secrets (and --help, --version, completion) do not pay for the native module.
 * On Linux the store is pinned to the Secret Service: the library would otherwise fall back to
 * the kernel keyring, which forgets everything at reboot.
 */
export function createOsKeychain(service: string): KeychainStore {
  let modulePromise: Promise<KeyringModule> | undefined;
  const load = () => (modulePromise ??= import('@napi-rs/keyring'));
  const options = { linux: { store: 'secret-service' as const } };

  async function attempt<T>(operation: (keyring: KeyringModule) => Promise<T>): Promise<T> {
    let keyring: KeyringModule;
    try {
      keyring = await load();
    } catch (error) {
      throw new KeychainUnavailableError(`cannot load the keychain library: ${describe(error)}`, error);
    }
    try {
      return await operation(keyring);
    } catch (error) {
      throw new KeychainUnavailableError(describe(error), error);
    }
  }

  // One enumeration per process serves every read (secrets and OAuth grants alike); writes invalidate it.
  let listing: Promise<Array<{ account: string; value: string }>> | undefined;
  const invalidate = <T>(result: T) => {
    listing = undefined;
    return result;
  };

  return {
    service,
    // Always asks the store: a value read under a lock (an OAuth refresh) must be the current one.
    get: (account) =>
      attempt(async ({ AsyncEntry }) => (await new AsyncEntry(service, account, options).getPassword()) ?? undefined),
    set: (account, value) =>
      attempt(({ AsyncEntry }) => new AsyncEntry(service, account, options).setPassword(value)).then(invalidate),
    delete: (account) => attempt(({ AsyncEntry }) => new AsyncEntry(service, account, options).deleteCredential()).then(invalidate),
    entries: () => {
      listing ??= attempt(async ({ findCredentialsAsync }) =>
        (await findCredentialsAsync(service)).map(({ account, password }) => ({ account, value: password })),
      );
      const current = listing;
      current.catch(() => {
        if (listing === current) listing = undefined;
      });
      return current;
    },
  };
}
