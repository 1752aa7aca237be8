import { posix, win32 } from 'node:path';

/** What a PATH lookup depends on, passed in so that it answers the same for any platform. */
export interface PathFacts {
  path: string | undefined;
  /** Windows: the extensions a bare name may be run with (`.COM;.EXE;.BAT;.CMD`). */
  pathext?: string | undefined;
  platform: NodeJS.Platform;
}

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/**
 * The files a program started by name would be, in the order the system tries them. A name with a
 * directory in it is not looked up. Empty PATH entries (the current directory on POSIX) are left out:
 * an MCP client's current directory is not the user's.
 */
export function pathCandidates(command: string, facts: PathFacts): string[] {
  const windows = facts.platform === 'win32';
  const path = windows ? win32 : posix;
  const extensions = windows ? (facts.pathext || DEFAULT_PATHEXT).split(';').filter(Boolean) : [];
  const hasExtension = extensions.some((ext) => command.toLowerCase().endsWith(ext.toLowerCase()));
  const names = windows && !hasExtension ? extensions.map((ext) => command + ext) : [command];
  if (command.includes('/') || (windows && command.includes('\\'))) return names;
  const dirs = (facts.path ?? '')
    .split(windows ? ';' : ':')
    .map((dir) => (windows ? dir.replace(/^"(.*)"$/, '$1') : dir))
    .filter((dir) => dir !== '');
  return dirs.flatMap((dir) => names.map((name) => path.join(dir, name)));
}

/** The first candidate that is an executable file, if any. */
export async function findOnPath(command: string, facts: PathFacts, isExecutable: (file: string) => Promise<boolean>): Promise<string | undefined> {
  for (const candidate of pathCandidates(command, facts)) if (await isExecutable(candidate)) return candidate;
  return undefined;
}
