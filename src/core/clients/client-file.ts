/**
 * Reading a client's file for an edit and replacing it safely: through a symbolic link (dotfile
 * managers), refusing anything but a regular UTF-8 file, backing the old bytes up first, and stopping
 * if someone changed the file meanwhile.
 */
import { realpath, stat } from 'node:fs/promises';
import { removeStaleTemps, writeFileAtomic } from '../atomic.js';
import { ConfigError } from '../errors.js';
import { decodeUtf8, fileProblem, readBoundedFile } from '../files.js';
import { printable } from '../names.js';
import { backUp, pruneBackups } from './backups.js';

/** File paths are shown whole, but never with control characters. */
export function showPath(path: string): string {
  return printable(path, Infinity);
}

export function fileError(file: string, verb: string, error: unknown): ConfigError {
  return new ConfigError(`cannot ${verb} ${showPath(file)} (${fileProblem(error)})`, `check the path and its permissions, or choose another file with --file`, 'client_config_unwritable');
}

export interface EditableFile {
  file: string;
  /** Where writes go: the link's target, or the file itself. */
  target: string;
  /** The file as it is; undefined when it does not exist. */
  existing?: { bytes: Buffer; mode: number; text: string };
}

/** Where writes go: through a symbolic link instead of replacing the link with a file. */
async function targetOf(file: string): Promise<string | undefined> {
  try {
    return await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(file, 'read', error);
  }
}

/** Leftovers of a crash at the rename step go first (they may hold other servers' tokens); then the file is read. */
export async function openForEdit(file: string, read: boolean): Promise<EditableFile> {
  const found = await targetOf(file);
  const target = found ?? file;
  await removeStaleTemps(target).catch(() => undefined);
  if (!read || !found) return { file, target };
  let bytes: Buffer;
  let mode: number;
  try {
    // A regular file of at most 10 MiB (a FIFO or a device is refused unread).
    bytes = await readBoundedFile(found);
    mode = (await stat(found)).mode & 0o777;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTREG' || code === 'EFBIG') throw new ConfigError(`${showPath(file)} cannot be updated: ${fileProblem(error)}`, 'choose the file itself with --file', 'client_config_invalid');
    throw fileError(file, 'read', error);
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    // Rewriting it would turn its other bytes into U+FFFD: someone's values, changed without a word.
    throw new ConfigError(`${showPath(file)} cannot be updated: it is not UTF-8 text`, 'fix the file, or paste the snippet (printed without --write) by hand', 'client_config_invalid');
  }
  return { file, target, existing: { bytes, mode, text } };
}

/** Writes the new text, after backing up the old bytes; returns the backup's path, if there was a file. */
export async function replaceFile(edit: EditableFile, text: string, now: () => Date): Promise<string | undefined> {
  const { file, target, existing } = edit;
  let backup: string | undefined;
  try {
    if (existing) {
      backup = await backUp(file, existing.bytes, existing.mode, now).catch((error: unknown) => {
        throw fileError((error as { path?: string }).path ?? file, 'write the backup', error);
      });
      if (!backup) throw new ConfigError(`cannot find a free backup name next to ${showPath(file)}`, 'remove old .bak files', 'client_config_unwritable');
      await pruneBackups(file);
      // Someone (the client itself, an editor) changed the file since we read it: stop rather than lose that.
      const again = await readBoundedFile(target);
      if (!again.equals(existing.bytes)) {
        throw new ConfigError(`${showPath(file)} changed while mcpkey was updating it`, 'nothing was written; run the command again', 'client_config_changed');
      }
    }
    // Not mcpkey's folder (a project, ~/.cursor): its permissions stay as they are; missing directories are created.
    await writeFileAtomic(target, text, { mode: existing?.mode ?? 0o600, privateDir: false });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fileError(file, 'write', error);
  }
  return backup;
}
