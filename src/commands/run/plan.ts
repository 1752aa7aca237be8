import type { Context } from '../../cli/context.js';
import type { Printer } from '../../cli/output.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { printable } from '../../core/names.js';
import type { SecretSource } from '../../core/secrets/resolve.js';

/** One variable `run` would set: its name and where its value comes from — never the value. */
export interface PlannedVariable {
  name: string;
  /** The secret it carries; absent for the entry's plain variables. */
  secret?: string;
  source: SecretSource | 'entry';
}

/** What `run --dry-run` reports: what would start, where, with which variable names. */
export interface RunPlan {
  server: string;
  transport: { type: 'stdio'; command: string; args: string[] } | { type: 'remote'; url: string; transport: 'streamable-http' | 'sse' };
  /** stdio: the working directory of the server. */
  cwd?: string;
  /** The env file secrets were read from; absent when there is none (the JSON vocabulary has no null). */
  envFile?: string;
  variables: PlannedVariable[];
  /** Remote: the names of the headers sent with every request. */
  headers?: string[];
  kind: 'none' | 'api-key' | 'oauth';
  missing: Array<{ type: 'secret'; name: string; env: string }>;
  warnings: string[];
}

/** Resolves where each secret would come from without starting anything; templates stay templates. */
export async function planRun(ctx: Context, entry: ResolvedEntry, override: string[]): Promise<RunPlan> {
  const [{ usesOAuth }, resolver, envFile] = await Promise.all([import('../../core/auth/classify.js'), ctx.resolver(), ctx.envFile()]);
  const variables: PlannedVariable[] = [];
  const missing: RunPlan['missing'] = [];
  const warnings: string[] = [];
  const stdio = entry.transport.type === 'stdio' || override.length > 0;
  if (stdio && entry.transport.type === 'stdio') for (const name of Object.keys(entry.transport.env ?? {})) variables.push({ name, source: 'entry' });
  for (const secret of entry.secrets) {
    // Where it comes from, without asking a secret store: a dry run resolves nothing.
    const found = await resolver.locate(secret.name);
    if (found) variables.push({ name: secret.env, secret: secret.name, source: found.source });
    else if (!secret.optional) missing.push({ type: 'secret', name: secret.name, env: secret.env });
  }
  if (resolver.keychainError) warnings.push(`the keychain could not be read: ${resolver.keychainError.message}`);
  const kind = usesOAuth(entry) ? 'oauth' : entry.secrets.length > 0 ? 'api-key' : 'none';
  const base = { server: entry.name, ...(envFile ? { envFile: envFile.path } : {}), kind, missing, warnings } as const;
  if (stdio) {
    const [command, ...args] = override.length ? override : entry.transport.type === 'stdio' ? [entry.transport.command, ...entry.transport.args] : [];
    return { ...base, transport: { type: 'stdio', command: command!, args }, cwd: ctx.runtime.cwd, variables };
  }
  const remote = entry.transport as Extract<ResolvedEntry['transport'], { type: 'remote' }>;
  const headers = Object.keys(remote.headers ?? {});
  if (kind === 'oauth') headers.push('Authorization');
  // A bridge sets no variables: the secrets go into the headers.
  return { ...base, transport: { type: 'remote', url: remote.url, transport: remote.transport }, headers, variables };
}

export function printRunPlan(plan: RunPlan, printer: Printer): void {
  const p = (text: string) => printable(text, 10_000);
  if (plan.transport.type === 'stdio') {
    printer.line(`would start: ${p([plan.transport.command, ...plan.transport.args].join(' '))}`);
    printer.line(`  command:   ${p(plan.transport.command)}`);
    printer.line(`  argv:      ${p(JSON.stringify(plan.transport.args))}`);
    printer.line(`  cwd:       ${p(plan.cwd ?? '')}`);
  } else {
    printer.line(`would bridge stdio to ${p(plan.transport.url)} (${plan.transport.transport})`);
    printer.line(`  headers:   ${plan.headers?.length ? p(plan.headers.join(', ')) : 'none'}`);
  }
  printer.line(`  env file:  ${plan.envFile ? p(plan.envFile) : 'none'}`);
  const label = plan.transport.type === 'stdio' ? 'variables' : 'secrets';
  if (plan.variables.length === 0) printer.line(`  ${label}: none`);
  else {
    printer.line(`  ${label}:`);
    for (const variable of plan.variables) {
      printer.line(`    ${p(variable.name)}  ${variable.secret ? `${p(variable.secret)} from ${variable.source}` : "the entry's own value"}`);
    }
  }
  for (const item of plan.missing) printer.warn(`${item.name} (${item.env}) is not set: run \`mcpkey secret set ${item.name}\``);
  for (const warning of plan.warnings) printer.warn(warning);
}
