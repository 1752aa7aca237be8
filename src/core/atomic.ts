import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's mode (default 0600). */
  mode?: number;
  /** The directory is mcpkey's own: create it 0700 and keep it so. Off for other programs' folders. */
  privateDir?: boolean;
}

/** Temp file + rename: a crash leaves the old file or the new one, never half of one. */
export async function writeFileAtomic(file: string, contents: string, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  const privateDir = options.privateDir ?? true;
  await mkdir(dir, { recursive: true, ...(privateDir ? { mode: 0o700 } : {}) });
  if (privateDir) await chmod(dir, 0o700);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, contents, { mode, flag: 'wx' });
    await chmod(temp, mode); // the umask may have narrowed it
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
