import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Env } from '../config/paths.js';

/**
 * The project file's name. Not `.mcp.json` (Claude Code's project file for its own servers) nor
 * `mcp.json` (Cursor's and VS Code's, under their folders): a name of mcpkey's own, visible at the
 * root of a repository like `package.json`, so that no client reads it as its configuration.
 */
export const PROJECT_FILE = 'mcpkey.json';

/**
 * Where the project file of `cwd` may be, nearest first; the first that exists is the project.
 * MCPKEY_PROJECT_FILE when set (`named`: then it must exist); else `mcpkey.json` in `cwd` and every
 * directory above it, as git finds its repository; none with MCPKEY_NO_PROJECT=1.
 */
export function projectCandidates(cwd: string, env: Env): { named: boolean; files: string[] } {
  if (env.MCPKEY_NO_PROJECT === '1') return { named: false, files: [] };
  const named = env.MCPKEY_PROJECT_FILE;
  if (named) return { named: true, files: [isAbsolute(named) ? named : resolve(cwd, named)] };
  const files: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    files.push(join(dir, PROJECT_FILE));
    if (dirname(dir) === dir) return { named: false, files };
  }
}
