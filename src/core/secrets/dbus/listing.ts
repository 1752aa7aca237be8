import { SessionBus, type MethodCall } from './bus.js';
import { ALGORITHM, decrypt, newTransfer } from './transfer.js';
import type { Variant } from './wire.js';

/**
 * Every account of one keychain service, read straight from the Secret Service
 * (org.freedesktop.secrets on the session bus, nothing else): SearchItems({service}), then the
 * attributes of every item — and, for `entries`, all their secrets in one GetSecrets — each batch
 * sent at once on one connection. The keychain library asks item after item, two round trips each,
 * which at a thousand secrets is most of a second of waiting.
 * The answer is the library's `findCredentials`: the items whose `service` attribute is the service,
 * in the order the service returns them, account = the `username` attribute (items without one are
 * not listed). Whatever this client does not handle — no unix bus address, a locked item (unlocking
 * may prompt), an error reply, a value that is not UTF-8, silence — gives `undefined`, and the caller
 * asks the library, which owns unlocking and the error messages.
 */

const DESTINATION = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE = 'org.freedesktop.Secret.Service';

export interface ListingOptions {
  /** The session bus address; the library reads the same variable. */
  address?: string | undefined;
  /** Give up (and fall back) when the bus is silent this long while answers are due… */
  idleMs?: number;
  /** …or when the whole listing takes longer than this. */
  timeoutMs?: number;
}

export interface Listed {
  account: string;
  value: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function listAccounts(service: string, options: ListingOptions = {}): Promise<string[] | undefined> {
  return listing(service, false, options).then((items) => items?.map((item) => item.account));
}

export function listEntries(service: string, options: ListingOptions = {}): Promise<Listed[] | undefined> {
  return listing(service, true, options) as Promise<Listed[] | undefined>;
}

async function listing(service: string, withValues: boolean, options: ListingOptions): Promise<Array<{ account: string; value?: string }> | undefined> {
  let bus: SessionBus | undefined;
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    bus?.close();
  }, options.timeoutMs ?? 30_000);
  try {
    bus = await SessionBus.open(options.address ?? process.env.DBUS_SESSION_BUS_ADDRESS, options.idleMs ?? 2_000);
    if (late) return undefined;
    const call = (path: string, iface: string, member: string, signature?: string, body?: unknown[]) =>
      bus!.call({ destination: DESTINATION, path, interface: iface, member, ...(signature ? { signature, body } : {}) } satisfies MethodCall);

    const transfer = withValues ? newTransfer() : undefined;
    const [[unlocked, locked], opened] = (await Promise.all([
      call(SERVICE_PATH, SERVICE, 'SearchItems', 'a{ss}', [[['service', service]]]),
      transfer ? call(SERVICE_PATH, SERVICE, 'OpenSession', 'sv', [ALGORITHM, ['ay', transfer.publicKey]]) : undefined,
    ])) as [[string[], string[]], [Variant, string] | undefined];
    // Reading a locked item needs it unlocked first, perhaps through a prompt: the library's part.
    if (locked.length > 0) return undefined;

    const [attributes, secrets] = (await Promise.all([
      Promise.all(unlocked.map((path) => call(path, 'org.freedesktop.DBus.Properties', 'Get', 'ss', ['org.freedesktop.Secret.Item', 'Attributes']))),
      opened ? call(SERVICE_PATH, SERVICE, 'GetSecrets', 'aoo', [unlocked, opened[1]]) : undefined,
    ])) as [Array<[Variant]>, [Array<[string, [string, Buffer, Buffer, string]]>] | undefined];
    if (opened) bus.notify({ destination: DESTINATION, path: opened[1], interface: 'org.freedesktop.Secret.Session', member: 'Close' });

    if (opened && opened[0][0] !== 'ay') return undefined;
    const key = transfer && opened ? transfer.keyFor(opened[0][1] as Buffer) : undefined;
    const byPath = new Map(secrets?.[0]);
    const found: Array<{ account: string; value?: string }> = [];
    for (const [index, path] of unlocked.entries()) {
      const [signature, pairs] = attributes[index]![0];
      if (signature !== 'a{ss}') return undefined;
      const account = new Map(pairs as Array<[string, string]>).get('username');
      if (account === undefined) continue;
      if (!key) {
        found.push({ account });
        continue;
      }
      const secret = byPath.get(path);
      // Locked or deleted since the search: let the library tell.
      if (!secret) return undefined;
      found.push({ account, value: utf8.decode(decrypt(key, secret[1], secret[2])) });
    }
    return found;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    bus?.close();
  }
}
