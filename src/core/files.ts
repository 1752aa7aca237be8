// The code is in files.cts (CommonJS, for tab completion's fast path).
import files from './files.cjs';

/** Why a file was not read, beyond the system's own error codes. */
export interface FileRefusal extends Error {
  code: 'ENOTREG' | 'EFBIG';
}

export const { readBoundedFile, readBoundedFileSync, fileProblem, decodeUtf8 } = files;
