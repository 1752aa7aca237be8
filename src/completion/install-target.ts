import { homedir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Env } from '../core/config/paths.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function isShell(name: string): name is Shell {
  return (SHELLS as readonly string[]).includes(name);
}

/** Where each shell loads completions from on its own, per user (no root, no system directory). */
export interface InstallTarget {
  shell: Shell;
  /** The completion script's path. */
  file: string;
  /** The startup file the user may have to add lines to. */
  rcFile: string;
}

function home(env: Env): string {
  return env.HOME || homedir();
}

/** An absolute directory from an XDG-style variable, else the default (a relative value is ignored, as the spec says). */
function baseDir(value: string | undefined, fallback: string): string {
  return value && isAbsolute(value) ? value : fallback;
}

export function installTarget(shell: Shell, env: Env): InstallTarget {
  const h = home(env);
  switch (shell) {
    case 'bash': {
      // bash-completion 2 loads `completions/<command>` on demand from its user directory.
      const userDir = env.BASH_COMPLETION_USER_DIR?.split(':').find((dir) => isAbsolute(dir));
      const dir = userDir ?? join(baseDir(env.XDG_DATA_HOME, join(h, '.local', 'share')), 'bash-completion');
      return { shell, file: join(dir, 'completions', 'mcpkey'), rcFile: join(h, '.bashrc') };
    }
    case 'zsh': {
      const zdot = baseDir(env.ZDOTDIR, h);
      return { shell, file: join(zdot, '.zfunc', '_mcpkey'), rcFile: join(zdot, '.zshrc') };
    }
    case 'fish': {
      // fish autoloads completions/<command>.fish from its configuration directory.
      const dir = join(baseDir(env.XDG_CONFIG_HOME, join(h, '.config')), 'fish');
      return { shell, file: join(dir, 'completions', 'mcpkey.fish'), rcFile: join(dir, 'config.fish') };
    }
  }
}

/** A path as the user would type it in a startup file: `~/…` under the home directory, else quoted when needed. */
export function shellPath(path: string, env: Env): string {
  const rel = relative(home(env), path);
  const underHome = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  const text = underHome ? `~${sep}${rel}` : path;
  if (/^[~\w./+-]+$/.test(text)) return text;
  const quoted = `'${path.replace(/'/g, `'\\''`)}'`;
  return quoted;
}

/** Lines that are code, not comments. */
function codeLines(rc: string): string[] {
  return rc.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/** The ways a startup file may name `dir`: absolute, `~/…`, `$HOME/…`, `${HOME}/…`. */
function spellings(dir: string, env: Env): string[] {
  const rel = relative(home(env), dir);
  const under = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return under ? [dir, `~/${rel}`, `$HOME/${rel}`, `\${HOME}/${rel}`] : [dir];
}

export interface RcAdvice {
  /** Lines to add to the startup file (empty: nothing to do). */
  lines: string[];
  /** Where in the file they go, when it matters. */
  where?: string;
}

/**
 * What the startup file still needs. zsh: the script's directory in fpath, before compinit runs, and
 * compinit itself. bash: only without bash-completion, which would load the file on its own. fish:
 * nothing. `rc` is the startup file's text (undefined: no file), `bashCompletion` whether the
 * bash-completion package was found.
 */
export function rcAdvice(target: InstallTarget, env: Env, rc: string | undefined, bashCompletion: boolean): RcAdvice {
  const code = codeLines(rc ?? '');
  if (target.shell === 'zsh') {
    const dir = join(target.file, '..');
    const inFpath = code.some((line) => /\bfpath\b/.test(line) && spellings(dir, env).some((spelling) => line.includes(spelling)));
    // oh-my-zsh and similar frameworks run compinit themselves.
    const hasCompinit = code.some((line) => /\bcompinit\b|oh-my-zsh\.sh|zinit|zimfw|prezto/.test(line));
    const lines = inFpath ? [] : [`fpath=(${shellPath(dir, env)} $fpath)`];
    if (!hasCompinit) lines.push('autoload -Uz compinit && compinit');
    if (lines.length === 0) return { lines };
    return hasCompinit ? { lines, where: 'before the line that runs compinit' } : { lines };
  }
  if (target.shell === 'bash' && !bashCompletion) {
    const spelled = spellings(target.file, env);
    const sourced = code.some((line) => /^(source|\.)\s/.test(line) && spelled.some((spelling) => line.includes(spelling)));
    return { lines: sourced ? [] : [`source ${shellPath(target.file, env)}`] };
  }
  return { lines: [] };
}

/** Where distributions and Homebrew put bash-completion 2's loader. */
export const BASH_COMPLETION_LOADERS = [
  '/usr/share/bash-completion/bash_completion',
  '/etc/bash_completion',
  '/usr/local/share/bash-completion/bash_completion',
  '/opt/homebrew/etc/profile.d/bash_completion.sh',
  '/usr/local/etc/profile.d/bash_completion.sh',
];
