// The code is in text.cts (CommonJS, for tab completion's fast path).
import text from './text.cjs';

export const { escapeControls, clip, untrusted, safeJson } = text;
