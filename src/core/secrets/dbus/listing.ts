import { SessionBus, type MethodCall } from './bus.js';
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
    const call = caller(bus);
    // Cryptography only for values (names need none), loaded while the service searches.
    const cryptography = withValues ? import('./transfer.js') : undefined;
    const [unlocked, locked] = (await call(SERVICE_PATH, SERVICE, 'SearchItems', 'a{ss}', [[['service', service]]])) as [string[], string[]];
    // Reading a locked item needs it unlocked first, perhaps through a prompt: the library's part.
    if (locked.length > 0) return undefined;
    if (unlocked.length === 0) return [];

    // The encrypted session is asked for first, then every item's attributes, then (once the session is there) the secrets.
    const secrets = cryptography ? readSecrets(bus, unlocked, await cryptography) : undefined;
    const attributes = Promise.all(unlocked.map((path) => call(path, 'org.freedesktop.DBus.Properties', 'Get', 'ss', ['org.freedesktop.Secret.Item', 'Attributes']))) as Promise<Array<[Variant]>>;
    const [attributeReplies, values] = await Promise.all([attributes, secrets]);
    if (values === null) return undefined;
    const found: Array<{ account: string; value?: string }> = [];
    for (const [index, path] of unlocked.entries()) {
      const [signature, pairs] = attributeReplies[index]![0];
      if (signature !== 'a{ss}') return undefined;
      const account = new Map(pairs as Array<[string, string]>).get('username');
      if (account === undefined) continue;
      if (!values) {
        found.push({ account });
        continue;
      }
      const value = values.get(path);
      // Locked or deleted since the search: let the library tell.
      if (value === undefined) return undefined;
      found.push({ account, value });
    }
    return found;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    bus?.close();
  }
}

const caller =
  (bus: SessionBus) =>
  (path: string, iface: string, member: string, signature?: string, body?: unknown[]): Promise<unknown[]> =>
    bus.call({ destination: DESTINATION, path, interface: iface, member, ...(signature ? { signature, body } : {}) } satisfies MethodCall);

/** The items' values, by path, through an encrypted session; null for a session of another kind than asked for. Throws on a value that is not UTF-8. */
async function readSecrets(bus: SessionBus, items: string[], { ALGORITHM, decrypt, newTransfer }: typeof import('./transfer.js')): Promise<Map<string, string> | null> {
  const call = caller(bus);
  const transfer = newTransfer();
  const [output, session] = (await call(SERVICE_PATH, SERVICE, 'OpenSession', 'sv', [ALGORITHM, ['ay', transfer.publicKey]])) as [Variant, string];
  if (output[0] !== 'ay') return null;
  const key = transfer.keyFor(output[1] as Buffer);
  const [secrets] = (await call(SERVICE_PATH, SERVICE, 'GetSecrets', 'aoo', [items, session])) as [Array<[string, [string, Buffer, Buffer, string]]>];
  bus.notify({ destination: DESTINATION, path: session, interface: 'org.freedesktop.Secret.Session', member: 'Close' });
  const values = new Map<string, string>();
  for (const [path, [, parameters, encrypted]] of secrets) values.set(path, utf8.decode(decrypt(key, parameters, encrypted)));
  return values;
}
