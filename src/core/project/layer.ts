import { mergeCatalog } from '../catalog/index.js';
import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { loadConfig, type ConfigData } from '../config/store.js';
import { loadProject, type ProjectData } from './file.js';

/**
 * The configuration in effect inside a project: the project's enabled set replaces the user's (when
 * the project names one); the user's own entries stay, and the project's win over them in the catalog.
 * Writes (`server enable`, `server add`) still go to the user's config.json.
 */
export function layerConfig(config: ConfigData, project: ProjectData | undefined): ConfigData {
  return project?.enabled ? { ...config, enabled: [...project.enabled] } : config;
}

export function layeredCatalog(config: Pick<ConfigData, 'servers'>, project: ProjectData | undefined): ResolvedEntry[] {
  return mergeCatalog(config.servers, project?.servers ?? {});
}

export interface Layered {
  config: ConfigData;
  project: ProjectData | undefined;
  catalog: ResolvedEntry[];
}

/** Everything in one call, for code that runs without the CLI's context (the gateway's workers). */
export async function loadLayered(configFile: string, cwd: string, env: Env): Promise<Layered> {
  const [config, project] = await Promise.all([loadConfig(configFile), loadProject(cwd, env)]);
  return { config: layerConfig(config, project), project, catalog: layeredCatalog(config, project) };
}
