import type { CatalogEntry } from './types.js';
import { LOCAL_APP_ENTRIES } from './builtin/local-apps.js';
import { LOCAL_DEV_ENTRIES } from './builtin/local-dev.js';
import { OPEN_ENTRIES } from './builtin/open.js';
import { REMOTE_APP_ENTRIES } from './builtin/remote-apps.js';
import { REMOTE_DEV_ENTRIES } from './builtin/remote-dev.js';

/*
 * The built-in catalog, kept in builtin/ by kind. Every command, package, variable and URL comes from the
 * servers' own sources (the shared catalog fact sheets; each entry names its source); what no source
 * confirms is left out rather than guessed. Secret names follow Docker's MCP registry where it has one,
 * so users can move over without renaming. Naming: a provider's local server is `<name>` and its hosted
 * one `<name>-remote`; where `<name>` was already the hosted server (stripe, supabase) the local one is
 * `<name>-local`.
 */
export const BUILTIN_CATALOG: readonly CatalogEntry[] = [
  ...OPEN_ENTRIES,
  ...LOCAL_DEV_ENTRIES,
  ...LOCAL_APP_ENTRIES,
  ...REMOTE_DEV_ENTRIES,
  ...REMOTE_APP_ENTRIES,
];
