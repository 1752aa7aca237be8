import { findEntry } from './index.js';
import type { ResolvedEntry } from './types.js';
import type { ConfigData } from '../config/store.js';
import type { CliError } from '../errors.js';
import { assertServerName } from '../names.js';
import type { ForgetResult } from '../oauth/store.js';
import type { KeychainStore } from '../secrets/keychain.js';
import { isKeychainError } from '../secrets/keychain-errors.js';

/* What `server disable` and the gateway's mcp-remove do: off the enabled list, OAuth grant and registration cleared. */

/** Forgets a server's OAuth grant, and its dynamic registration unless other grants use it. */
export type GrantForgetter = (server: string) => Promise<ForgetResult>;

export interface DisableResult {
  name: string;
  wasEnabled: boolean;
  grantCleared: boolean;
  /** The dynamic client registration the grant used was deleted (no other grant uses it). */
  clientDeleted: boolean;
  /** Other servers whose grants use the same registration, which is therefore kept. */
  clientSharedWith: string[];
  purged: string[];
  /** What could not be done because the keychain could not be used (the config change is done). */
  notDone: string[];
  keychainError?: CliError;
  /** The name was enabled but the catalog has it no more (a later release dropped the entry). */
  stale?: boolean;
  /** Stale only: whether it left an OAuth grant could not be checked (no keychain); not a failure. */
  grantUnchecked?: boolean;
}

export async function disableServer(
  name: string,
  options: { purge?: boolean },
  deps: {
    catalog: readonly ResolvedEntry[];
    keychain: KeychainStore;
    forgetGrant: GrantForgetter;
    updateConfig: <T>(mutate: (config: ConfigData) => T) => Promise<T>;
  },
): Promise<DisableResult> {
  assertServerName(name);
  const entry = deps.catalog.find((candidate) => candidate.name === name);
  const wasEnabled = await deps.updateConfig((config) => {
    const index = config.enabled.indexOf(name);
    if (index !== -1) config.enabled.splice(index, 1);
    return index !== -1;
  });
  // Not in the catalog and not enabled: unknown (with the name closest to the typed one).
  if (!entry && !wasEnabled) findEntry(deps.catalog, name);
  const result: DisableResult = { name, wasEnabled, grantCleared: false, clientDeleted: false, clientSharedWith: [], purged: [], notDone: [], ...(entry ? {} : { stale: true }) };
  // The config change stands on its own; what needs the keychain is done next, and what fails is reported.
  const steps: Array<[string, () => Promise<void>]> = [];
  // Only a remote server can hold an OAuth grant: a local one costs no keychain round trip. An entry the
  // catalog no longer has may have been remote: its grant, if any, goes too.
  if (!entry || entry.transport.type === 'remote') {
    steps.push([
      'its OAuth grant',
      async () => {
        const forgot = await deps.forgetGrant(name);
        Object.assign(result, { grantCleared: forgot.grantDeleted, clientDeleted: forgot.clientDeleted, clientSharedWith: forgot.clientSharedWith });
      },
    ]);
  }
  if (options.purge) {
    for (const secret of entry?.secrets ?? []) {
      steps.push([secret.name, async () => void ((await deps.keychain.delete(secret.name)) && result.purged.push(secret.name))]);
    }
  }
  for (const [what, step] of steps) {
    if (result.keychainError) {
      result.notDone.push(what);
      continue;
    }
    try {
      await step();
    } catch (error) {
      if (!isKeychainError(error)) throw error;
      result.keychainError = error;
      result.notDone.push(what);
    }
  }
  if (result.stale && result.keychainError) {
    // Whether a vanished entry ever had a grant is unknown: its name is off the list, which was the point.
    Object.assign(result, { keychainError: undefined, notDone: [], grantUnchecked: true });
  }
  return result;
}
