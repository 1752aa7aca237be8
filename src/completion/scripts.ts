import type { Shell } from './install-target.js';

/** The committed scripts under completions/: what is printed, installed and shipped is one file per shell. */
const SCRIPT_FILES: Readonly<Record<Shell, string>> = { bash: 'mcpkey.bash', zsh: '_mcpkey', fish: 'mcpkey.fish' };

export function hasScript(shell: string): shell is Shell {
  return Object.hasOwn(SCRIPT_FILES, shell);
}

export function scriptUrl(shell: Shell): URL {
  return new URL(`../../completions/${SCRIPT_FILES[shell]}`, import.meta.url);
}
