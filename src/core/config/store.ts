import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
export { writeFileAtomic } from '../atomic.js';
import { validateEntry } from '../catalog/validate.js';
import type { CatalogEntry } from '../catalog/types.js';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../atomic.js';
import { withLock } from '../lock.js';
import { isValidServerName } from '../names.js';

/** What mcpkey keeps on disk. Never a secret: those live in the keychain. */
export interface ConfigData {
  version: 1;
  /** Names of enabled servers, in the order they were enabled. */
  enabled: string[];
  /** The user's own catalog entries. */
  servers: Record<string, CatalogEntry>;
  /** Where mcpkey's OAuth Client ID Metadata Document is published, if anywhere (MCPKEY_CLIENT_METADATA_URL overrides). */
  clientMetadataUrl?: string;
}

export function emptyConfig(): ConfigData {
  return { version: 1, enabled: [], servers: {} };
}

function invalid(file: string, problem: string): ConfigError {
  return new ConfigError(
    `${file} is not a valid mcpkey config: ${problem}`,
    'fix or move the file away (mcpkey never overwrites a file it cannot read)',
  );
}

export function parseConfig(text: string, file: string): ConfigData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(file, (error as Error).message);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(file, 'expected a JSON object');
  const data = raw as Record<string, unknown>;
  if (data.version !== 1) throw invalid(file, `unsupported version ${JSON.stringify(data.version)}`);
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
  return {
    version: 1,
    enabled: [...new Set(enabled as string[])],
    servers: entries,
    ...(typeof data.clientMetadataUrl === 'string' ? { clientMetadataUrl: data.clientMetadataUrl } : {}),
  };
}

export async function loadConfig(file: string): Promise<ConfigData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, 'check the permissions of the file');
  }
  return parseConfig(text, file);
}

/**
 * Read-modify-write under a cross-process lock, so that two concurrent commands never lose each
 * other's update. A file that does not parse makes the update fail before anything is written.
 */
export async function updateConfig<T>(file: string, mutate: (config: ConfigData) => T | Promise<T>): Promise<T> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    return await withLock(file, async () => {
      const config = await loadConfig(file);
      const result = await mutate(config);
      await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
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
