import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ResolvedEntry, SecretSpec } from '../catalog/types.js';
import { CliError, NotReadyError } from '../errors.js';
import type { Env } from '../config/paths.js';
import type { SecretResolver } from '../secrets/resolve.js';
import { assertLaunchable, spawnFailure } from './launchable.js';

/** Secrets an entry needs, resolved: variable name → value. Missing required ones fail before anything starts. */
export async function resolveEntrySecrets(entry: ResolvedEntry, resolver: SecretResolver): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const missing: SecretSpec[] = [];
  // References to secret stores are resolved in parallel, each once.
  const found = await resolver.resolveAll(entry.secrets.map((secret) => secret.name));
  entry.secrets.forEach((secret, index) => {
    const value = found[index]?.value;
    if (value !== undefined) values[secret.env] = value;
    else if (!secret.optional) missing.push(secret);
  });
  if (missing.length > 0) {
    const commands = missing.map((secret) => `mcpkey secret set ${secret.name}`);
    if (resolver.keychainError) throw resolver.keychainError;
    throw new NotReadyError(
      `${entry.name} needs ${missing.map((secret) => secret.name).join(', ')}`,
      commands,
      `run ${commands.map((command) => `\`${command}\``).join(' and ')} first`,
      'missing_secrets',
    );
  }
  return values;
}

/** Replaces `${VAR}` by a secret's value; other text, and unknown variables, stay as they are. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => values[name] ?? whole);
}

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Which secret each secret variable carries: messages name the secret, never its value. */
  secretOf: Record<string, string>;
}

/**
 * What to start for a stdio entry: its command (or the override after `--`), with the secrets in the
 * environment under the names the entry declares. Only an explicit `${VAR}` in an argument puts a
 * secret on the command line.
 */
export function launchSpec(entry: ResolvedEntry, secrets: Record<string, string>, baseEnv: Env, override?: string[]): LaunchSpec {
  if (entry.transport.type !== 'stdio' && !override?.length) {
    throw new CliError(`${entry.name} is a remote server`, { code: 'not_stdio', exitCode: 2, hint: 'mcpkey run bridges it instead' });
  }
  const stdio = entry.transport.type === 'stdio' ? entry.transport : undefined;
  const [command, ...args] = override?.length ? override : [stdio!.command, ...stdio!.args];
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) if (value !== undefined) env[key] = value;
  Object.assign(env, stdio?.env ?? {}, secrets);
  const secretOf = Object.fromEntries(entry.secrets.filter((secret) => secrets[secret.env] !== undefined).map((secret) => [secret.env, secret.name]));
  return { command: command!, args: args.map((arg) => fillTemplate(arg, secrets)), env, secretOf };
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Starts the server with our stdio, forwards signals, and resolves with its exit code (128+n for a signal). */
export function launch(spec: LaunchSpec, cwd: string): Promise<number> {
  // A value the system would refuse is named before trying, with exit 126.
  assertLaunchable(spec, spec.secretOf);
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(spec.command, spec.args, { stdio: 'inherit', env: spec.env, cwd });
    } catch (error) {
      // Node throws some refusals (E2BIG, invalid values) at once, quoting the value: never shown.
      reject(spawnFailure(spec.command, error as NodeJS.ErrnoException));
      return;
    }
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const cleanup = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      if (error.code === 'ENOENT') {
        reject(new CliError(`cannot start ${spec.command}: command not found`, { code: 'command_not_found', exitCode: 127, hint: `install it, or give the command after --: mcpkey run NAME -- <command>` }));
      } else reject(spawnFailure(spec.command, error));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
