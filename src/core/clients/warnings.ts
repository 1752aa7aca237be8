/**
 * What `client config` warns about before a client meets it: a wired server that is not ready, a
 * secret only this shell can see, and an mcpkey the client cannot find. Pure: the checks are given.
 */
import type { ResolvedEntry } from '../catalog/types.js';

export interface EnvOnlySecret {
  name: string;
  /** The variable (env) or the file key (.env.mcp) it was found under. */
  foundAs: string;
  source: 'env' | '.env.mcp';
  /** The env file's path, when the source is one. */
  file?: string;
}

export interface ServerCheck {
  ready: boolean;
  /** What is missing, in words (a secret's name, "oauth authorization", a launcher). */
  missing: string[];
  /** The same, as readiness() gives it (for --json, which uses its typed items). */
  missingItems: unknown[];
  /** The mcpkey commands that fix it. */
  nextSteps: string[];
  /** Secrets present only in this shell's environment or ./.env.mcp, not in the keychain. */
  envOnly: EnvOnlySecret[];
}

export type CheckServer = (entry: ResolvedEntry) => Promise<ServerCheck>;

/** A `missing` item in words, whether readiness gives strings or typed items. */
export function describeMissing(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item !== 'object' || item === null) return String(item);
  const typed = item as { type?: string; name?: string; command?: string; required?: string; current?: string };
  if (typed.type === 'secret' && typed.name) return typed.name;
  if (typed.type === 'oauth') return 'oauth authorization';
  if (typed.type === 'launcher' && typed.command) return `the launcher ${typed.command}`;
  if (typed.type === 'node') return `Node.js ${typed.required ?? ''}${typed.current ? ` (this is ${typed.current})` : ''}`.trim();
  return typed.name ?? typed.command ?? typed.type ?? 'something';
}

/** The warnings for one wired server. */
export function serverWarnings(clientTitle: string, server: string, check: ServerCheck): string[] {
  const warnings: string[] = [];
  if (!check.ready) {
    const fix = check.nextSteps.length > 0 ? `: ${check.nextSteps.join('; ')}` : '';
    warnings.push(`${server} is not ready (missing ${check.missing.join(', ')}); ${clientTitle} will fail to start it until then${fix}`);
  }
  for (const secret of check.envOnly) {
    const where = secret.source === 'env' ? `this shell's environment ($${secret.foundAs})` : `${secret.file ?? './.env.mcp'} (${secret.foundAs})`;
    warnings.push(
      `${secret.name} comes only from ${where}; ${clientTitle}, started from elsewhere, will not see it: store it in the keychain with mcpkey secret set ${secret.name}`,
    );
  }
  return warnings;
}

/**
 * The warning about the command the client will run: `mcpkey` not found on PATH, or a --command path
 * that is not an executable file. `self` is this mcpkey's own executable, to suggest as --command.
 */
export function commandWarning(command: string, found: string | undefined, self: string | undefined): string | undefined {
  if (found) return undefined;
  if (/[\\/]/.test(command)) return `--command ${command} is not an executable file; the client will fail to start it`;
  const suggestion = self ? `--command ${self}` : '--command /absolute/path/to/mcpkey';
  return `${command} is not on PATH, and MCP clients start it by name: run again with ${suggestion}, or put mcpkey on PATH`;
}
