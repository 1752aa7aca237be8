import { constants } from 'node:fs';
import { access, readFile, realpath } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { Argument, type Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { BASH_COMPLETION_LOADERS, installTarget, isShell, rcAdvice, shellPath, SHELLS, type Shell } from '../../completion/install-target.js';
import { writeFileAtomic } from '../../core/atomic.js';
import type { Env } from '../../core/config/paths.js';
import { UsageError } from '../../core/errors.js';
import { completionScript } from './print.js';

export interface InstallResult {
  shell: Shell;
  file: string;
  /** False when the file already held this very script. */
  written: boolean;
  /** The startup file `rcLines` go into. */
  rcFile: string;
  /** Lines still to add to rcFile; empty when the shell loads the script as it is. */
  rcLines: string[];
  /** Where in rcFile they go, when it matters ("before the line that runs compinit"). */
  where?: string;
  warnings: string[];
}

export interface InstallDeps {
  env: Env;
  /** Whether a path exists (bash-completion's loader, mcpkey on PATH). */
  exists(path: string, executable?: boolean): Promise<boolean>;
}

async function exists(path: string, executable = false): Promise<boolean> {
  try {
    await access(path, executable ? constants.X_OK : constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The shell named, else the login shell from $SHELL. */
export function chooseShell(name: string | undefined, env: Env): Shell {
  if (name !== undefined) {
    if (isShell(name)) return name;
    throw new UsageError(`no completion for shell "${name}"`, `choose one of ${SHELLS.join(', ')}`, 'unknown_shell');
  }
  const login = env.SHELL ? basename(env.SHELL) : '';
  if (isShell(login)) return login;
  throw new UsageError(
    env.SHELL ? `no completion for your shell (${env.SHELL})` : 'cannot tell your shell: $SHELL is not set',
    `name one: mcpkey completion install ${SHELLS.join('|')}`,
    'unknown_shell',
  );
}

/**
 * Writes the completion script where the shell looks for it in the user's own directories, creating
 * them, and works out what the startup file still needs. Writes nothing when the script is already there.
 */
export async function installCompletion(name: string | undefined, deps: InstallDeps): Promise<InstallResult> {
  const shell = chooseShell(name, deps.env);
  const target = installTarget(shell, deps.env);
  const script = await completionScript(shell);
  // Through a symlink (dotfiles kept elsewhere) to the file it points at, which stays a symlink.
  const path = await realpath(target.file).catch(() => target.file);
  const written = (await readText(path)) !== script;
  if (written) await writeFileAtomic(path, script, { mode: 0o644, privateDir: false });

  let bashCompletion = false;
  if (shell === 'bash') for (const loader of BASH_COMPLETION_LOADERS) bashCompletion ||= await deps.exists(loader);
  const advice = rcAdvice(target, deps.env, await readText(target.rcFile), bashCompletion);

  const warnings: string[] = [];
  // The scripts call `mcpkey` by name: from a clone (`node bin/mcpkey.js`) they would find nothing.
  const dirs = (deps.env.PATH ?? '').split(delimiter).filter(Boolean);
  let onPath = false;
  for (const dir of dirs) onPath ||= await deps.exists(join(dir, 'mcpkey'), true);
  if (!onPath) warnings.push('mcpkey is not on your PATH, and the completion runs `mcpkey`: put it there (`npm link` in a clone, or `npm install -g`)');

  return { shell, file: target.file, written, rcFile: target.rcFile, rcLines: advice.lines, ...(advice.where ? { where: advice.where } : {}), warnings };
}

export function printInstall(result: InstallResult, printer: Printer, env: Env): void {
  const file = shellPath(result.file, env);
  printer.success(result.written ? `Installed the ${result.shell} completion: ${file}` : `The ${result.shell} completion is up to date: ${file}`);
  if (result.rcLines.length > 0) {
    printer.line(`Add to ${shellPath(result.rcFile, env)}${result.where ? ` (${result.where})` : ''}:`);
    for (const line of result.rcLines) printer.line(`  ${line}`);
  }
  for (const warning of result.warnings) printer.warn(warning);
  printer.note(result.rcLines.length > 0 ? 'Then open a new shell.' : 'Open a new shell to use it.');
}

export function registerInstall(completion: Command, runtime: Runtime): void {
  completion
    .command('install')
    .description('write the completion script where your shell finds it, and say what to add to its startup file, if anything')
    .addArgument(new Argument('[shell]', 'bash, zsh or fish (default: your login shell, from $SHELL)').choices(SHELLS))
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey completion install', 'mcpkey completion install fish', 'mcpkey completion install zsh --json'))
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, [shell], options) => {
        const result = await installCompletion(shell, { env: runtime.env, exists });
        if (options.json) ctx.printer.json(result);
        else printInstall(result, ctx.printer, runtime.env);
      }),
    );
}
