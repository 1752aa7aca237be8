import { dirname, join } from 'node:path';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { configFile } from '../core/config/paths.js';
import { loadConfig, updateConfig, type ConfigData } from '../core/config/store.js';
import { ConfigError } from '../core/errors.js';
import { loadProject, type ProjectData } from '../core/project/file.js';
import { layerConfig, layeredCatalog } from '../core/project/layer.js';
import { DEFAULT_ENV_FILE, loadEnvFile, locateEnvFile, type EnvFile } from '../core/secrets/env-file.js';
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
  /**
   * The configuration in effect: config.json, with the enabled set of the project file (mcpkey.json)
   * mcpkey runs in, if any. A file that cannot be read fails (exit 6): commands that need it, or write it, stop there.
   */
  config(): Promise<ConfigData>;
  /** The project file found from the working directory upwards; one that is invalid or holds a literal credential fails (exit 6). */
  project(): Promise<ProjectData | undefined>;
  updateConfig<T>(mutate: (config: ConfigData) => T | Promise<T>): Promise<T>;
  /**
   * The merged catalog: built-in, the user's entries, the project's. When the config file cannot be
   * read, built-in and project entries, with one warning: `secret get` and `run` do not need the file,
   * and env-only CI must not break on it. A bad project file is never skipped: it fails.
   */
  catalog(): Promise<ResolvedEntry[]>;
  envFile(): Promise<EnvFile | undefined>;
  resolver(): Promise<SecretResolver>;
}

export function createContext(runtime: Runtime, options: GlobalOptions): Context {
  // stderr is asked for at the first note or warning: node makes the stream on first use, at a cost.
  const stderr = { write: (text: string) => runtime.stderr.write(text) };
  const printer = createPrinter(runtime.printTo ?? runtime.stdout, stderr, useColor(runtime, options.color));
  // Asked when needed: it looks at stdin and stderr, which node makes (loading stream code) on first use.
  let interactive: boolean | undefined;
  const interactiveNow = () => (interactive ??= isInteractive(runtime));
  const file = configFile(runtime.env);
  let configPromise: Promise<ConfigData> | undefined;
  let projectPromise: Promise<ProjectData | undefined> | undefined;
  let catalogPromise: Promise<ResolvedEntry[]> | undefined;
  let envFilePromise: Promise<EnvFile | undefined> | undefined;
  let resolverPromise: Promise<SecretResolver> | undefined;

  const keychain = createOsKeychain(keychainService(runtime.env));
  const context: Context = {
    runtime,
    printer,
    get interactive() {
      return interactiveNow();
    },
    configFile: file,
    keychain,
    prompts: createPrompts(runtime, interactiveNow),
    grants: new OAuthStore(keychain),
    stateDir: dirname(file),
    project: () => (projectPromise ??= loadProject(runtime.cwd, runtime.env)),
    config: () => (configPromise ??= Promise.all([loadConfig(file), context.project()]).then(([config, project]) => layerConfig(config, project))),
    updateConfig: (mutate) => updateConfig(file, mutate),
    catalog: () =>
      (catalogPromise ??= (async () => {
        const project = await context.project();
        const config = await loadConfig(file).catch((error: unknown) => {
          if (!(error instanceof ConfigError)) throw error;
          printer.warn(`${error.message}; using the built-in catalog${project ? ' and the project file' : ''} only until it is fixed or moved away`);
          return undefined;
        });
        return layeredCatalog(config ?? { servers: {} }, project);
      })()),
    envFile: () =>
      (envFilePromise ??= (async () => {
        const location = locateEnvFile(runtime.cwd, runtime.env, options.envFile);
        let loaded = await loadEnvFile(location);
        // In a subdirectory of a project, the team's .env.mcp next to its mcpkey.json.
        const project = loaded || location.explicit ? undefined : await context.project();
        if (project && dirname(project.file) !== dirname(location.path)) loaded = await loadEnvFile({ path: join(dirname(project.file), DEFAULT_ENV_FILE), explicit: false });
        for (const warning of loaded?.warnings ?? []) printer.warn(warning);
        return loaded;
      })()),
    resolver: () =>
      (resolverPromise ??= (async () => {
        const project = await context.project();
        return new SecretResolver({
          env: runtime.env,
          envFile: await context.envFile(),
          keychain: context.keychain,
          catalog: await context.catalog(),
          warn: (message) => printer.warn(message),
          ...(project ? { project } : {}),
        });
      })()),
  };
  return context;
}

