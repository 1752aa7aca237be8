import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { CliError } from '../errors.js';
import { mechanicalEnvName, tryParseSecretName } from '../names.js';
import type { ProjectSecrets } from '../project/secrets.js';
import type { EnvFile } from './env-file.js';
import type { KeychainStore } from './keychain.js';
import { isKeychainError } from './keychain-errors.js';
import { readerOf, type KeychainReader } from './reader.js';
import { valueProblem } from './value.js';

/**
 * Highest priority first. A project's reference (mcpkey.json) comes after the local overrides and
 * before the user's keychain: inside the project, the team's reference wins over a personal copy.
 */
export const SOURCES = ['env', '.env.mcp', 'project', 'keychain'] as const;
export type SecretSource = (typeof SOURCES)[number];

export interface FoundSecret {
  name: string;
  value: string;
  source: SecretSource;
  /** The variable or file key it was found under (not for the keychain). */
  foundAs?: string;
}

export interface SecretSources {
  env: Env;
  envFile: EnvFile | undefined;
  keychain: KeychainStore;
  catalog: readonly ResolvedEntry[];
  /** The references of the project file mcpkey runs in, if any. */
  project?: ProjectSecrets;
  /** Told once per variable whose value would not reach a server unchanged (e.g. bytes that are not UTF-8). */
  warn?: (message: string) => void;
}

/** The variables a secret is read from: the names the catalog declares for it, then the mechanical one. */
export function envNamesFor(name: string, catalog: readonly ResolvedEntry[]): string[] {
  const names: string[] = [];
  for (const entry of catalog) {
    for (const secret of entry.secrets) if (secret.name === name) names.push(secret.env);
  }
  names.push(mechanicalEnvName(name));
  return [...new Set(names)];
}

/**
 * Resolves secrets in the documented order: process environment, then the env file, then the
 * keychain. The keychain is asked only when needed: one read per secret, or one enumeration for a
 * command that looks at many (reader.ts).
 */
export class SecretResolver {
  /** Why the keychain could not be read, if it could not. Reads still succeed from env and file. */
  keychainError: CliError | undefined;
  /** Project references whose store failed (not installed, not signed in, …), by secret name: such a secret reads as missing. */
  readonly referenceErrors = new Map<string, CliError>();
  private readonly reader: KeychainReader;

  constructor(private readonly sources: SecretSources) {
    this.reader = readerOf(sources.keychain);
  }

  /** A keychain failure becomes `keychainError` and "not there"; anything else is a bug and propagates. */
  private noted<T>(read: Promise<T>, fallback: T): Promise<T> {
    return read.catch((error: unknown) => {
      if (!isKeychainError(error)) throw error;
      this.keychainError ??= error;
      return fallback;
    });
  }

  private readonly warned = new Set<string>();

  /** The environment was decoded by Node: bytes that were not UTF-8 are already U+FFFD here, so say so. */
  private checked(found: FoundSecret): FoundSecret {
    const where = found.source === 'env' ? `the environment variable ${found.foundAs}` : `${found.foundAs} in the env file`;
    const problem = valueProblem(found.value);
    if (problem && this.sources.warn && !this.warned.has(where)) {
      this.warned.add(where);
      this.sources.warn(`${where} (for ${found.name}) would not reach a server unchanged: ${problem}; set it again from its source`);
    }
    return found;
  }

  fromEnv(name: string): FoundSecret | undefined {
    for (const variable of envNamesFor(name, this.sources.catalog)) {
      const value = this.sources.env[variable];
      if (value !== undefined && value !== '') return this.checked({ name, value, source: 'env', foundAs: variable });
    }
    return undefined;
  }

  fromEnvFile(name: string): FoundSecret | undefined {
    const file = this.sources.envFile;
    if (!file) return undefined;
    for (const key of [name, ...envNamesFor(name, this.sources.catalog)]) {
      const value = file.values.get(key);
      if (value !== undefined && value !== '') return this.checked({ name, value, source: '.env.mcp', foundAs: key });
    }
    return undefined;
  }

  /** All keychain entries that are secrets (other accounts, such as OAuth grants, are not). */
  async keychainSecrets(): Promise<Map<string, string>> {
    const all = await this.noted(this.reader.all(), new Map<string, string>());
    return new Map([...all].filter(([account]) => tryParseSecretName(account)));
  }

  async fromKeychain(name: string): Promise<FoundSecret | undefined> {
    if (!tryParseSecretName(name)) return undefined;
    const value = await this.noted(this.reader.read(name), undefined);
    return value === undefined ? undefined : { name, value, source: 'keychain' };
  }

  /** The value of the project's reference for `name`; a store that fails is noted in referenceErrors, and the secret reads as not there. */
  async fromProject(name: string): Promise<FoundSecret | undefined> {
    const project = this.sources.project;
    const reference = project?.reference(name);
    if (!project || !reference) return undefined;
    try {
      const value = await project.value(name);
      return value === undefined || value === '' ? undefined : { name, value, source: 'project', foundAs: reference.text };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      this.referenceErrors.set(name, error);
      return undefined;
    }
  }

  async resolve(name: string): Promise<FoundSecret | undefined> {
    return this.fromEnv(name) ?? this.fromEnvFile(name) ?? (await this.fromProject(name)) ?? (await this.fromKeychain(name));
  }

  /** Every source that holds the secret, highest priority first. */
  async lookupAll(name: string): Promise<FoundSecret[]> {
    const found = [this.fromEnv(name), this.fromEnvFile(name), await this.fromProject(name), await this.fromKeychain(name)];
    return found.filter((item): item is FoundSecret => item !== undefined);
  }

  /** Names known from every source: keychain accounts, dotted keys in the env file, catalog secrets present in env or file. */
  async knownNames(): Promise<string[]> {
    const names = new Set<string>((await this.keychainSecrets()).keys());
    for (const key of this.sources.envFile?.values.keys() ?? []) if (tryParseSecretName(key)) names.add(key);
    for (const entry of this.sources.catalog) {
      for (const secret of entry.secrets) {
        if (this.fromEnv(secret.name) || this.fromEnvFile(secret.name)) names.add(secret.name);
      }
    }
    return [...names].sort();
  }
}
