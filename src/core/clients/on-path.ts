/**
 * Whether a command name resolves on a PATH, as a client starting `mcpkey` by name would look it up.
 * The candidate list is pure (PATH, PATHEXT and platform given); checking a file is injected.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';

export interface PathSearch {
  path: string | undefined;
  /** Windows: the extensions tried after the bare name (PATHEXT, default .COM;.EXE;.BAT;.CMD). */
  pathext?: string | undefined;
  platform: NodeJS.Platform;
}

/** Every file a lookup of `command` tries, in order. A command with a directory part is only itself. */
export function pathCandidates(command: string, search: PathSearch): string[] {
  const path = search.platform === 'win32' ? win32 : posix;
  const windows = search.platform === 'win32';
  const extensions = windows ? ['', ...(search.pathext || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((ext) => ext.toLowerCase())] : [''];
  const hasDirectory = windows ? /[\\/]/.test(command) : command.includes('/');
  if (hasDirectory) return extensions.map((ext) => `${command}${ext}`);
  // An empty PATH entry means the current directory to POSIX shells; clients do not rely on that.
  const dirs = (search.path ?? '').split(windows ? ';' : ':').filter((dir) => dir !== '');
  return dirs.flatMap((dir) => extensions.map((ext) => path.join(dir, `${command}${ext}`)));
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first candidate that is an executable file, or undefined. */
export async function findOnPath(command: string, search: PathSearch, isExecutable: (file: string) => Promise<boolean> = isExecutableFile): Promise<string | undefined> {
  for (const candidate of pathCandidates(command, search)) if (await isExecutable(candidate)) return candidate;
  return undefined;
}
