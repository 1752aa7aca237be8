import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { validateEntry } from '../catalog/validate.js';
import type { CatalogEntry } from '../catalog/types.js';
import { ConfigError } from '../errors.js';
import { decodeUtf8, fileProblem, readBoundedFile } from '../files.js';
import { parseJsonText } from '../json-text.js';
import { isValidServerName } from '../names.js';
import { parseIdps, type IdpConfig } from '../idp/config.js';
import { untrusted } from '../text.js';

/** What mcpkey keeps on disk. Never a secret: those live in the keychain. */
export interface ConfigData {
  version: 1;
  /** Names of enabled servers, in the order they were enabled. */
  enabled: string[];
  /** The user's own catalog entries. */
  servers: Record<string, CatalogEntry>;
  /** Where mcpkey's OAuth Client ID Metadata Document is published, if anywhere (MCPKEY_CLIENT_METADATA_URL overrides). */
  clientMetadataUrl?: string;
  /** Company identity providers for enterprise-managed authorization (`mcpkey idp add`). */
  idps?: Record<string, IdpConfig>;
}

/**
 * Enabled names the catalog no longer has (an entry dropped by a newer release, a user entry removed
 * by hand): lists warn about them, and `server disable` removes them.
 */
export function staleEnabled(enabled: readonly string[], catalog: ReadonlyArray<{ name: string }>): string[] {
  const known = new Set(catalog.map((entry) => entry.name));
  return enabled.filter((name) => !known.has(name));
}

export function emptyConfig(): ConfigData {
  return { version: 1, enabled: [], servers: {} };
}

function invalid(file: string, problem: string): ConfigError {
  // The problem may quote the file (a name, a version): never its control characters, never at length.
  return new ConfigError(
    `${file} is not a valid mcpkey config: ${untrusted(problem, 200)}`,
    'fix or move the file away (mcpkey never overwrites a file it cannot read)',
  );
}

export function parseConfig(text: string, file: string): ConfigData {
  // Never JSON.parse's own message: it quotes the text around the fault, which may be a token.
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw invalid(file, parsed.problem);
  const raw = parsed.value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(file, 'expected a JSON object');
  const data = raw as Record<string, unknown>;
  // Not echoed: whatever is there is not mcpkey's, and could be anything.
  if (data.version !== 1) throw invalid(file, '"version" must be 1');
  const enabled = data.enabled ?? [];
  if (!Array.isArray(enabled) || enabled.some((name) => typeof name !== 'string' || !isValidServerName(name))) {
    throw invalid(file, '"enabled" must be a list of server names');
  }
  const servers = data.servers ?? {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw invalid(file, '"servers" must be an object');
  }
  const entries: Record<string, CatalogEntry> = {};
  for (const [name, entry] of Object.entries(servers)) {
    const problem = validateEntry(entry, name);
    if (problem) throw invalid(file, `servers.${name}: ${problem}`);
    entries[name] = entry as CatalogEntry;
  }
  if (data.clientMetadataUrl !== undefined && typeof data.clientMetadataUrl !== 'string') throw invalid(file, '"clientMetadataUrl" must be a string');
  const idps = parseIdps(data.idps);
  if (idps.problem) throw invalid(file, idps.problem);
  return {
    version: 1,
    enabled: [...new Set(enabled as string[])],
    servers: entries,
    ...(typeof data.clientMetadataUrl === 'string' ? { clientMetadataUrl: data.clientMetadataUrl } : {}),
    ...(idps.idps && Object.keys(idps.idps).length > 0 ? { idps: idps.idps } : {}),
  };
}

/** The file's text, or undefined when there is none. At most 10 MiB of UTF-8 from a regular file. */
async function readConfigText(file: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${file}: ${fileProblem(error)}`, 'check the file and its permissions, or move it away');
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) throw invalid(file, 'it is not UTF-8 text');
  return text;
}

export async function loadConfig(file: string): Promise<ConfigData> {
  const text = await readConfigText(file);
  return text === undefined ? emptyConfig() : parseConfig(text, file);
}

/**
 * Read-modify-write under a cross-process lock, so that two concurrent commands never lose each
 * other's update. A file that does not parse makes the update fail before anything is written.
 */
export async function updateConfig<T>(file: string, mutate: (config: ConfigData) => T | Promise<T>): Promise<T> {
  try {
    // Loaded here: reading the config (every command) needs neither the lock nor the atomic writer.
    const [{ withLock }, { writeFileAtomic }] = await Promise.all([import('../lock.js'), import('../atomic.js')]);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    return await withLock(file, async () => {
      const text = await readConfigText(file);
      const config = text === undefined ? emptyConfig() : parseConfig(text, file);
      const result = await mutate(config);
      const next = `${JSON.stringify(config, null, 2)}\n`;
      // An update that changes nothing leaves the file (and its modification time) alone.
      if (next !== text) await writeFileAtomic(file, next);
      return result;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new ConfigError(`cannot write ${file} (${code})`, `check that ${dirname(file)} is writable, or set MCPKEY_HOME`, 'config_unwritable');
    }
    throw error;
  }
}
