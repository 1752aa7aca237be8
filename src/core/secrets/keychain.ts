import { createRequire } from 'node:module';
import { KeychainUnavailableError } from '../errors.js';
import type { Env } from '../config/paths.js';
import { classifyKeychainFailure, isTransient, keychainFailure } from './keychain-errors.js';
import { KeychainReader } from './reader.js';
import { isRetryFailure, retrying } from './retry.js';

/** How long to keep asking a keychain that does not answer, unless told otherwise. */
export const KEYCHAIN_PATIENCE_MS = 30_000;

export interface WriteOptions {
  /** Keep retrying a keychain that does not answer this long (default KEYCHAIN_PATIENCE_MS). */
  patienceMs?: number;
}

/** The OS keychain as mcpkey uses it: one service, one account per name. */
export interface KeychainStore {
  readonly service: string;
  /** Always asks the store (a value read under a lock must be the current one). */
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string, options?: WriteOptions): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  /** Every account stored under the service, with its value (the platform API returns both). */
  entries(): Promise<Array<{ account: string; value: string }>>;
  /** Every account stored under the service, without reading any value (where the store can tell them apart). */
  accounts?(): Promise<string[]>;
  /** Cached reads shared by everything in the process that uses this store (reader.ts), if it offers them. */
  readonly reader?: KeychainReader;
}

export const DEFAULT_KEYCHAIN_SERVICE = 'mcpkey';

export function keychainService(env: Env): string {
  return env.MCPKEY_KEYCHAIN_SERVICE || DEFAULT_KEYCHAIN_SERVICE;
}

type KeyringModule = typeof import('@napi-rs/keyring');

/**
 * The library, through require (its index.js is CommonJS; loading it through the ES loader costs tens of
 * milliseconds more on every keychain command). On Linux with glibc, its native package for this
 * machine directly: index.js first reads files to tell glibc from musl, a tenth of a node start. Where
 * that package is not installed or does not load (musl), index.js decides, as always.
 */
function requireKeyring(): KeyringModule {
  const require = createRequire(import.meta.url);
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) {
    try {
      return require(`@napi-rs/keyring-linux-${process.arch}-gnu`) as KeyringModule;
    } catch {
      // Not this machine's package: the library's own loader.
    }
  }
  return require('@napi-rs/keyring') as KeyringModule;
}
type Credentials = Awaited<ReturnType<KeyringModule['findCredentialsAsync']>>;

type ListingModule = typeof import('./dbus/listing.js');

/** The direct Secret Service listing where the library would use the Secret Service too (Linux); undefined elsewhere or when it cannot answer. */
async function directListing<T>(list: (listing: ListingModule) => Promise<T | undefined>): Promise<T | undefined> {
  if (process.platform !== 'linux') return undefined;
  return list(await import('./dbus/listing.js'));
}

/**
 * The real keychain through @napi-rs/keyring, loaded on first use so that commands that never
 * touch secrets (and --help, --version, completion) do not pay for the native module.
 * On Linux the store is pinned to the Secret Service: the library would otherwise fall back to
 * the kernel keyring, which forgets everything at reboot.
 * Each call is one round trip to the keychain: the library opens a connection per entry (in the
 * AsyncEntry constructor, on this thread) and waits 2 s for each Secret Service reply, with no way to
 * change either. Under load those replies come late, so a call that timed out is asked again with
 * backoff (retry.ts); every failure is reported as what it is (keychain-errors.ts), never with a value.
 */
export function createOsKeychain(service: string, options: { patienceMs?: number } = {}): KeychainStore & Required<Pick<KeychainStore, 'accounts'>> {
  let module: KeyringModule | undefined;
  const load = () => (module ??= requireKeyring());
  const entryOptions = { linux: { store: 'secret-service' as const } };

  async function attempt<T>(operation: (keyring: KeyringModule) => Promise<T>, patienceMs = options.patienceMs ?? KEYCHAIN_PATIENCE_MS) {
    let keyring: KeyringModule;
    try {
      keyring = load();
    } catch (error) {
      throw new KeychainUnavailableError('cannot load the keychain library', error);
    }
    try {
      return await retrying(() => operation(keyring), { budgetMs: patienceMs, transient: (error) => isTransient(classifyKeychainFailure(error)) });
    } catch (failure) {
      if (!isRetryFailure(failure)) throw failure;
      throw keychainFailure(failure.error, { attempts: failure.attempts, elapsedMs: failure.elapsedMs });
    }
  }
  const entry = (keyring: KeyringModule, account: string) => new keyring.AsyncEntry(service, account, entryOptions);
  const patience = options.patienceMs ?? KEYCHAIN_PATIENCE_MS;
  // Silence: as long as the library waits for one reply. In all: never longer than the caller's patience.
  const directOptions = { idleMs: Math.min(2_000, patience), timeoutMs: patience };
  async function listing<T>(direct: (module: ListingModule) => Promise<T | undefined>, fromLibrary: (found: Credentials) => T): Promise<T> {
    const started = Date.now();
    const listed = await directListing(direct);
    if (listed) return listed;
    const remaining = Math.max(patience - (Date.now() - started), 0);
    return (await attempt(async ({ findCredentialsAsync }) => fromLibrary(await findCredentialsAsync(service)), remaining)).value;
  }

  // Shared by every reader of this store in the process; writes make it ask again.
  let reader: KeychainReader | undefined;
  const store: ReturnType<typeof createOsKeychain> = {
    service,
    get: async (account) => (await attempt(async (keyring) => (await entry(keyring, account).getPassword()) ?? undefined)).value,
    // Setting replaces: asking again after a timeout writes the same value twice at worst.
    set: async (account, value, writeOptions) => {
      reader?.invalidate();
      await attempt((keyring) => entry(keyring, account).setPassword(value), writeOptions?.patienceMs);
    },
    delete: async (account) => {
      reader?.invalidate();
      const result = await attempt((keyring) => entry(keyring, account).deleteCredential());
      // An attempt that timed out has most likely deleted it already: "nothing to delete" then means "gone".
      return result.value || result.hadTransient;
    },
    // Listings ask the Secret Service directly first (dbus/listing.ts: batched, no value decrypted
    // for names); anything it does not handle is the library's, with the time left.
    entries: () =>
      listing(
        (direct) => direct.listEntries(service, directOptions),
        (found) => found.map(({ account, password }) => ({ account, value: password })),
      ),
    accounts: () =>
      listing(
        (direct) => direct.listAccounts(service, directOptions),
        (found) => found.map(({ account }) => account),
      ),
    get reader() {
      return (reader ??= new KeychainReader(store));
    },
  };
  return store;
}
