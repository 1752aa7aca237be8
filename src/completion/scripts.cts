// CommonJS, like every module the bin's fast paths load: `completion bash` runs at every shell start.
import path = require('node:path');
import url = require('node:url');
import type { Shell } from './install-target.js';

/** The committed scripts under completions/: what is printed, installed and shipped is one file per shell. */
const SCRIPT_FILES: Readonly<Record<Shell, string>> = { bash: 'mcpkey.bash', zsh: '_mcpkey', fish: 'mcpkey.fish' };

function hasScript(shell: string): shell is Shell {
  return Object.hasOwn(SCRIPT_FILES, shell);
}

function scriptUrl(shell: Shell): URL {
  return url.pathToFileURL(path.join(__dirname, '../../completions', SCRIPT_FILES[shell]));
}

export = { hasScript, scriptUrl };
