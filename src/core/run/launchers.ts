import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';

/** What a PATH lookup depends on, passed in so that the lookup is a pure function. */
export interface PathLookup {
  PATH?: string;
  /** Windows: the extensions that make a file executable (`.COM;.EXE;.BAT;.CMD`). */
  PATHEXT?: string;
  platform: NodeJS.Platform;
}

/** True when the file exists and may be executed. */
export type Exists = (file: string) => boolean;

/** A real file this user may execute: one cheap, synchronous access check and stat. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Where the system would find `command`, or undefined. A command with a directory part (absolute or
 * relative) is checked as it is, as the system would; a bare name is looked up in each PATH directory.
 */
export function findOnPath(command: string, lookup: PathLookup, exists: Exists): string | undefined {
  const windows = lookup.platform === 'win32';
  const path = windows ? win32 : posix;
  // Windows tries the name as given when it has an extension, then with each PATHEXT extension.
  const extensions = windows ? ['', ...(lookup.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const candidates = (base: string) => extensions.map((extension) => base + extension);
  if (command === '') return undefined;
  if (command.includes('/') || (windows && command.includes('\\'))) return candidates(command).find(exists);
  for (const element of (lookup.PATH ?? '').split(windows ? ';' : ':')) {
    // Windows allows quoted directories. An empty element means the current directory on POSIX:
    // an MCP client's current directory is not the user's, so it is not counted on.
    const dir = windows ? element.replace(/^"(.*)"$/, '$1') : element;
    if (dir === '') continue;
    const found = candidates(path.join(dir, command)).find(exists);
    if (found) return found;
  }
  return undefined;
}

const WHERE: Record<string, string> = {
  npx: 'install Node.js, which includes npm and npx: https://nodejs.org/en/download',
  npm: 'install Node.js, which includes npm and npx: https://nodejs.org/en/download',
  node: 'install Node.js: https://nodejs.org/en/download',
  uvx: 'install uv, which provides uvx: https://docs.astral.sh/uv/getting-started/installation/',
  uv: 'install uv: https://docs.astral.sh/uv/getting-started/installation/',
  docker: 'install Docker Engine (or Docker Desktop): https://docs.docker.com/engine/install/',
  python: 'install Python: https://www.python.org/downloads/',
  python3: 'install Python: https://www.python.org/downloads/',
  bunx: 'install Bun, which provides bunx: https://bun.sh/docs/installation',
  deno: 'install Deno: https://docs.deno.com/runtime/getting_started/installation/',
};

/** The next step for a launcher that is not on PATH: where to get it. */
export function launcherHint(command: string): string {
  const base = command.split(/[\\/]/).pop()!.replace(/\.(exe|cmd|bat|com)$/i, '').toLowerCase();
  return WHERE[base] ?? `install ${command}, or put the directory that holds it on PATH`;
}
