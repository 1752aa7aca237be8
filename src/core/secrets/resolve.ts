import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import type { CliError } from '../errors.js';
import { mechanicalEnvName, tryParseSecretName } from '../names.js';
import type { ProjectData } from '../project/file.js';
import type { EnvFile } from './env-file.js';
import type { KeychainStore } from './keychain.js';
import { isKeychainError } from './keychain-errors.js';
import { readerOf, type KeychainReader } from './reader.js';
import { valueProblem } from './value.js';
import { fromKeychainText } from './reference-entry.js';
import { parseReference, type SecretReference } from '../stores/reference.js';
import type { StoreSession } from '../stores/registry.js';

/**
 * Highest priority first. A project's reference (mcpkey.json) comes after the local overrides and
 * before the user's keychain: inside the project, the team's reference wins over a personal copy.
 */
export const SOURCES = ['env', '.env.mcp', 'project', 'keychain'] as const;
export type SecretSource = (typeof SOURCES)[number];

/**
 * Where a secret is set, found without asking any secret store: a literal `value`, or a `reference`
 * to a store (`op://…`) that is resolved only where the value is needed (`resolve`).
 */
export interface LocatedSecret {
  name: string;
  /** The literal value; absent for a reference. */
  value?: string;
  /** The store reference the secret is (not secret itself). */
  reference?: SecretReference;
  /** A keychain reference this mcpkey cannot read: the error its use gives. */
  unusable?: CliError;
  source: SecretSource;
  /** The variable or file key it was found under (not for the keychain). */
  foundAs?: string;
}

/** A secret with its value: the literal, or what the store returned for the reference. */
export interface FoundSecret extends LocatedSecret {
  value: string;
}

export interface SecretSources {
  env: Env;
  envFile: EnvFile | undefined;
  keychain: KeychainStore;
  catalog: readonly ResolvedEntry[];
  /** The project file mcpkey runs in, if any: its references, by secret name. */
  project?: Pick<ProjectData, 'file' | 'secrets'>;
  /** Told once per variable whose value would not reach a server unchanged (e.g. bytes that are not UTF-8). */
  warn?: (message: string) => void;
  /** Resolves store references; by default one per resolver (one command), created on first use. */
  stores?: StoreSession;
}

/** The variables a secret is read from: the names the catalog declares for it, then the mechanical one. */
export function envNamesFor(name: string, catalog: readonly ResolvedEntry[]): string[] {
  return envNamesIn(envIndexOf(catalog), name);
}

/** Every secret's declared variables, in catalog order. */
function envIndexOf(catalog: readonly ResolvedEntry[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const entry of catalog) {
    for (const secret of entry.secrets) index.set(secret.name, [...(index.get(secret.name) ?? []), secret.env]);
  }
  return index;
}

function envNamesIn(index: Map<string, string[]>, name: string): string[] {
  return [...new Set([...(index.get(name) ?? []), mechanicalEnvName(name)])];
}

/**
 * Resolves secrets in the documented order: process environment, then the env file, then the
 * project file's reference, then the keychain. The keychain is asked only when needed: one read per secret, or one enumeration for a
 * command that looks at many (reader.ts).
 */
export class SecretResolver {
  /** Why the keychain could not be read, if it could not. Reads still succeed from env and file. */
  keychainError: CliError | undefined;
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
  private checked(found: LocatedSecret): LocatedSecret {
    // In the environment and .env.mcp, text of a known store scheme is a reference (a team commits
    // `.env.mcp` with references only); any other scheme, `https://…` included, is a literal value.
    const reference = parseReference(found.value!);
    if (reference) return { name: found.name, reference, source: found.source, ...(found.foundAs ? { foundAs: found.foundAs } : {}) };
    const where = found.source === 'env' ? `the environment variable ${found.foundAs}` : `${found.foundAs} in the env file`;
    const problem = valueProblem(found.value!);
    if (problem && this.sources.warn && !this.warned.has(where)) {
      this.warned.add(where);
      this.sources.warn(`${where} (for ${found.name}) would not reach a server unchanged: ${problem}; set it again from its source`);
    }
    return found;
  }

  private envIndex: Map<string, string[]> | undefined;

  /** envNamesFor, from an index of the catalog made once: a listing asks it for every name. */
  private envNames(name: string): string[] {
    return envNamesIn((this.envIndex ??= envIndexOf(this.sources.catalog)), name);
  }

  fromEnv(name: string): LocatedSecret | undefined {
    for (const variable of this.envNames(name)) {
      const value = this.sources.env[variable];
      if (value !== undefined && value !== '') return this.checked({ name, value, source: 'env', foundAs: variable });
    }
    return undefined;
  }

  fromEnvFile(name: string): LocatedSecret | undefined {
    const file = this.sources.envFile;
    if (!file) return undefined;
    for (const key of [name, ...this.envNames(name)]) {
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

  async fromKeychain(name: string): Promise<LocatedSecret | undefined> {
    if (!tryParseSecretName(name)) return undefined;
    const text = await this.noted(this.reader.read(name), undefined);
    return text === undefined ? undefined : { name, ...fromKeychainText(text), source: 'keychain' };
  }

  /** The project file's reference for the secret: resolved, like any reference, only where the value is needed. */
  fromProject(name: string): LocatedSecret | undefined {
    const reference = this.sources.project?.secrets.get(name);
    return reference ? { name, reference, source: 'project' } : undefined;
  }

  /** Where the secret that wins is set, without asking any store (readiness, listings, plans). */
  async locate(name: string): Promise<LocatedSecret | undefined> {
    return this.fromEnv(name) ?? this.fromEnvFile(name) ?? this.fromProject(name) ?? (await this.fromKeychain(name));
  }

  private session: Promise<StoreSession> | undefined;

  /** The value of a located secret: a literal as it is, a reference from its store (once per command). */
  async valueOf(located: LocatedSecret): Promise<FoundSecret> {
    if (located.unusable) throw located.unusable;
    if (!located.reference) return located as FoundSecret;
    this.session ??= this.sources.stores
      ? Promise.resolve(this.sources.stores)
      : import('../stores/registry.js').then(({ StoreSession }) => new StoreSession(this.sources.env));
    const value = await (await this.session).resolve(located.reference);
    return { ...located, value };
  }

  /** The secret's value where it is needed (`secret get`, `run`, `tools`): references are resolved from their store. */
  async resolve(name: string): Promise<FoundSecret | undefined> {
    const located = await this.locate(name);
    return located && this.valueOf(located);
  }

  /** Several secrets: found one after the other (the keychain reads stay few), their references resolved in parallel. */
  async resolveAll(names: readonly string[]): Promise<Array<FoundSecret | undefined>> {
    const located: Array<LocatedSecret | undefined> = [];
    for (const name of names) located.push(await this.locate(name));
    return Promise.all(located.map((item) => item && this.valueOf(item)));
  }

  /** Every source that holds the secret, highest priority first. */
  async lookupAll(name: string): Promise<LocatedSecret[]> {
    const found = [this.fromEnv(name), this.fromEnvFile(name), this.fromProject(name), await this.fromKeychain(name)];
    return found.filter((item): item is LocatedSecret => item !== undefined);
  }

  /** Names known from every source: keychain accounts, dotted keys in the env file, catalog secrets present in env or file. */
  async knownNames(): Promise<string[]> {
    const names = new Set<string>((await this.keychainSecrets()).keys());
    for (const key of this.sources.envFile?.values.keys() ?? []) if (tryParseSecretName(key)) names.add(key);
    for (const key of this.sources.project?.secrets.keys() ?? []) names.add(key);
    for (const entry of this.sources.catalog) {
      for (const secret of entry.secrets) {
        if (this.fromEnv(secret.name) || this.fromEnvFile(secret.name)) names.add(secret.name);
      }
    }
    return [...names].sort();
  }
}
