import { builtinEntry } from '../../src/core/catalog/index.js';
import type { CatalogEntry, RemoteTransport, StdioTransport } from '../../src/core/catalog/types.js';

/** A built-in entry the test relies on; a missing one fails the test by name. */
export function builtin(name: string): CatalogEntry {
  const entry = builtinEntry(name);
  if (!entry) throw new Error(`no built-in entry ${name}`);
  return entry;
}

export function stdio(name: string): StdioTransport {
  const { transport } = builtin(name);
  if (transport.type !== 'stdio') throw new Error(`${name} is not stdio`);
  return transport;
}

export function remote(name: string): RemoteTransport {
  const { transport } = builtin(name);
  if (transport.type !== 'remote') throw new Error(`${name} is not remote`);
  return transport;
}

/** What `fn` throws; a call that returns fails the test. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
