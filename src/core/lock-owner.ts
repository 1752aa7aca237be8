import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Who holds a lock: the process id, and on Linux when that process started, so that a lock left by a
 * crashed process is not kept alive by an unrelated process that got the same id later (after a
 * reboot, in a container).
 */
export interface Owner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/PID/stat, field 22); Linux only. */
  started?: string;
}

/** The process id alone, as older mcpkey versions wrote and read it. */
const OWNER_FILE = 'owner';
/**
 * The whole record in one file, so that it is read in one go: read from two files, a lock released and
 * taken again in between could mix two owners, and look dead when it is not.
 */
const RECORD_FILE = 'owner.json';

async function startOf(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let self: Promise<Owner> | undefined;
/** This process as an owner. */
export function me(): Promise<Owner> {
  self ??= startOf(process.pid).then((started) => ({ pid: process.pid, ...(started ? { started } : {}) }));
  return self;
}

/** Records this process as the owner in `dir` (a directory not yet in place, so nobody sees it half-written). */
export async function writeOwner(dir: string): Promise<void> {
  const owner = await me();
  await writeFile(join(dir, OWNER_FILE), String(owner.pid), { mode: 0o600 });
  await writeFile(join(dir, RECORD_FILE), JSON.stringify(owner), { mode: 0o600 });
}

const validPid = (pid: unknown): pid is number => typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0;

export async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    const record = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as Partial<Owner>;
    if (validPid(record.pid)) return { pid: record.pid, ...(typeof record.started === 'string' ? { started: record.started } : {}) };
  } catch {
    // An older lock, or one just gone: the bare process id, if any.
  }
  try {
    const pid = Number.parseInt(await readFile(join(dir, OWNER_FILE), 'utf8'), 10);
    return validPid(pid) ? { pid } : undefined;
  } catch {
    return undefined;
  }
}

export function isMe(owner: Owner): boolean {
  return owner.pid === process.pid;
}

/** Still running: the process exists (EPERM: it does, as another user) and, where known, is the same process. */
export async function ownerAlive(owner: Owner): Promise<boolean> {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!owner.started) return true;
  const started = await startOf(owner.pid);
  return started === undefined || started === owner.started;
}
