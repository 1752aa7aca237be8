import { dirname } from 'node:path';
import { mergeCatalog } from '../core/catalog/index.js';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { configFile } from '../core/config/paths.js';
import { loadConfig, updateConfig, type ConfigData } from '../core/config/store.js';
import { ConfigError } from '../core/errors.js';
import { loadEnvFile, locateEnvFile, type EnvFile } from '../core/secrets/env-file.js';
import { createOsKeychain, keychainService, type KeychainStore } from '../core/secrets/keychain.js';
import { SecretResolver } from '../core/secrets/resolve.js';
import { OAuthStore } from '../core/oauth/store.js';
import { isInteractive, useColor, type Runtime } from './io.js';
import { createPrinter, type Printer } from './output.js';
import { createPrompts, type Prompts } from './prompts.js';

export interface GlobalOptions {
  color?: boolean;
  envFile?: string;
}

/** The dependencies commands are given. Everything expensive is created on first use. */
export interface Context {
  runtime: Runtime;
  printer: Printer;
  interactive: boolean;
  configFile: string;
  keychain: KeychainStore;
  prompts: Prompts;
  /** OAuth grants and clients; also the auth core's grant status source. */
  grants: OAuthStore;
  /** Where cross-process locks live. */
  stateDir: string;
  /** The config file; a file that cannot be read fails (exit 6): commands that need it, or write it, stop there. */
  config(): Promise<ConfigData>;
  updateConfig<T>(mutate: (config: ConfigData) => T | Promise<T>): Promise<T>;
  /**
   * The merged catalog. When the config file cannot be read, the built-in catalog, with one warning:
   * `secret get` and `run` do not need the file, and env-only CI must not break on it.
   */
  catalog(): Promise<ResolvedEntry[]>;
  envFile(): Promise<EnvFile | undefined>;
  resolver(): Promise<SecretResolver>;
}

export function createContext(runtime: Runtime, options: GlobalOptions): Context {
  const printer = createPrinter(runtime.stdout, runtime.stderr, useColor(runtime, options.color));
  const interactive = isInteractive(runtime);
  const file = configFile(runtime.env);
  let configPromise: Promise<ConfigData> | undefined;
  let catalogPromise: Promise<ResolvedEntry[]> | undefined;
  let envFilePromise: Promise<EnvFile | undefined> | undefined;
  let resolverPromise: Promise<SecretResolver> | undefined;

  const keychain = createOsKeychain(keychainService(runtime.env));
  const context: Context = {
    runtime,
    printer,
    interactive,
    configFile: file,
    keychain,
    prompts: createPrompts(runtime, interactive),
    grants: new OAuthStore(keychain),
    stateDir: dirname(file),
    config: () => (configPromise ??= loadConfig(file)),
    updateConfig: (mutate) => updateConfig(file, mutate),
    catalog: () =>
      (catalogPromise ??= context.config().then(
        (config) => mergeCatalog(config.servers),
        (error: unknown) => {
          if (!(error instanceof ConfigError)) throw error;
          printer.warn(`${error.message}; using the built-in catalog only until it is fixed or moved away`);
          return mergeCatalog({});
        },
      )),
    envFile: () =>
      (envFilePromise ??= loadEnvFile(locateEnvFile(runtime.cwd, runtime.env, options.envFile)).then((loaded) => {
        for (const warning of loaded?.warnings ?? []) printer.warn(warning);
        return loaded;
      })),
    resolver: () =>
      (resolverPromise ??= (async () =>
        new SecretResolver({
          env: runtime.env,
          envFile: await context.envFile(),
          keychain: context.keychain,
          catalog: await context.catalog(),
          warn: (message) => printer.warn(message),
        }))()),
  };
  return context;
}
