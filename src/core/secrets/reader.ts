import type { KeychainStore } from './keychain.js';

/**
 * Reads for display and resolution, shared by everything in one process that reads the OS keychain
 * (secrets and OAuth grant status alike). A command that needs one or two values (`secret get`, `run`,
 * `server inspect`) makes one round trip per value; a command that looks at many (`server list`) or
 * lists (`secret list`, `oauth ls`) enumerates once and is answered from that. Every round trip costs
 * a connection to the Secret Service, which matters when many mcpkey processes start at once.
 * Answers are kept for the life of the process; code that must see the current value (an OAuth
 * refresh under its lock) calls `KeychainStore.get` instead.
 */
export class KeychainReader {
  /** Beyond this many distinct accounts, one enumeration is cheaper than more single reads. */
  static readonly SINGLE_READS = 3;
  private listing: Promise<Map<string, string>> | undefined;
  private readonly reads = new Map<string, Promise<string | undefined>>();

  constructor(private readonly keychain: KeychainStore) {}

  read(account: string): Promise<string | undefined> {
    if (this.listing) return this.listing.then((all) => all.get(account));
    const known = this.reads.get(account);
    if (known) return known;
    if (this.reads.size >= KeychainReader.SINGLE_READS) return this.all().then((all) => all.get(account));
    const read = this.keychain.get(account);
    this.reads.set(account, read);
    return read;
  }

  /** Every account and value under the service, from one enumeration. */
  all(): Promise<Map<string, string>> {
    this.listing ??= this.keychain.entries().then((entries) => new Map(entries.map((entry) => [entry.account, entry.value])));
    return this.listing;
  }

  /** After a write: the next reads ask the keychain again. */
  invalidate(): void {
    this.listing = undefined;
    this.reads.clear();
  }
}

/** The keychain's own reader when it shares one across its users (the OS keychain does), else a new one for the caller. */
export function readerOf(keychain: KeychainStore): KeychainReader {
  return keychain.reader ?? new KeychainReader(keychain);
}
