import { Option, type Command } from 'commander';
import { action, collect, examples } from '../../cli/action.js';
import { addGrantOptions, grantSettingsFrom, hasGrantOptions, type GrantOptions } from '../../cli/grant-options.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { classify, noGrants, readiness, type AuthKind, type GrantStatusSource } from '../../core/auth/classify.js';
import { builtinEntry } from '../../core/catalog/index.js';
import { CREDENTIAL_NAME, isLiteralCredentialHeader, looksLikeCredentialValue } from '../../core/catalog/credentials.js';
import type { CatalogEntry, ResolvedEntry, SecretSpec, Transport } from '../../core/catalog/types.js';
import type { ConfigData } from '../../core/config/store.js';
import { UsageError } from '../../core/errors.js';
import { assertServerName, isValidEnvName, mechanicalEnvName, parseSecretName, printable } from '../../core/names.js';
import type { SecretResolver } from '../../core/secrets/resolve.js';

export interface AddOptions extends GrantOptions {
  url?: string;
  transport?: string;
  secret?: string[];
  env?: string[];
  header?: string[];
  title?: string;
  description?: string;
  clientId?: string;
  scope?: string;
  /** --dpop / --no-dpop: remembered as `oauth.dpop` (RFC 9449 sender-constrained tokens). */
  dpop?: boolean;
  /** false with --no-auth: a remote server that needs no authorization. */
  auth?: boolean;
  force?: boolean;
}

export interface AddResult {
  name: string;
  kind: AuthKind;
  replaced: 'builtin' | 'user' | undefined;
  entry: CatalogEntry;
  /** Already enabled (an entry replaced with --force). */
  enabled: boolean;
  /** What is still needed, in order: secrets not stored yet, enabling, authorizing. */
  nextSteps: string[];
  warnings: string[];
}

export interface AddDeps {
  updateConfig: <T>(mutate: (config: ConfigData) => T) => Promise<T>;
  /**
   * A resolver that knows the new entry (its variables), to leave out of the next steps what is
   * already there; without it every step is listed.
   */
  resolverFor?: (entry: ResolvedEntry) => Promise<SecretResolver>;
  grants?: GrantStatusSource;
  /** Where a relative --assertion-file is resolved from. */
  cwd?: string;
}

/**
 * `--env` values land in config.json as they are: one that looks like a credential gets a warning
 * pointing at --secret (named, never quoted).
 */
export function plaintextEnvWarnings(name: string, env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([variable, value]) => CREDENTIAL_NAME.test(variable) || looksLikeCredentialValue(value))
    .map(
      ([variable]) =>
        `--env ${variable} is stored in plaintext in config.json; keep credentials in the keychain: --secret ${variable.toLowerCase()}:${variable}, then \`mcpkey secret set ${name}.${variable.toLowerCase()}\``,
    );
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseRemoteUrl(raw: string): string {
  // Never echoed whole: a query (?api_key=…) or an unparsable string may be a credential.
  if (!URL.canParse(raw)) throw new UsageError('invalid --url: not a URL', 'give the full URL of the MCP endpoint, e.g. https://mcp.example.com/mcp', 'invalid_url');
  const url = new URL(raw);
  // Checked first, so that a refused URL is never echoed with its password.
  if (url.username || url.password) throw new UsageError('the URL must not contain credentials', 'store them with --secret and a --header template instead', 'insecure_url');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    const shown = url.protocol === 'http:' ? `${url.origin}${url.pathname}` : `${url.protocol}//`;
    throw new UsageError(`refusing ${url.protocol}// URL ${printable(shown)}`, 'remote servers must use https (plain http is allowed only on localhost)', 'insecure_url');
  }
  return url.href;
}

function parseSecret(serverName: string, raw: string): SecretSpec {
  const colon = raw.indexOf(':');
  const key = colon === -1 ? raw : raw.slice(0, colon);
  const full = key.startsWith(`${serverName}.`) ? key : `${serverName}.${key}`;
  const { name } = parseSecretName(full);
  const env = colon === -1 ? mechanicalEnvName(name) : raw.slice(colon + 1);
  if (!isValidEnvName(env)) throw new UsageError(`invalid environment variable name in --secret ${printable(key)}:…`, 'use letters, digits and _, e.g. --secret api_key:MY_API_KEY', 'invalid_env_name');
  return { name, env, description: `${name} (added by you)` };
}

function parsePairs(values: string[], separator: string, flag: string, validate?: (key: string) => boolean): Record<string, string> {
  const result: Record<string, string> = {};
  for (const raw of values) {
    const at = raw.indexOf(separator);
    const key = at <= 0 ? '' : raw.slice(0, at).trim();
    if (key === '' || (validate && !validate(key))) {
      // Only the name is shown, when there is one: the rest (or the whole, without a separator) may be a credential.
      const shown = at > 0 && key !== '' ? ` "${printable(key, 40)}${separator}…"` : '';
      throw new UsageError(`invalid ${flag}${shown}`, flag === '--env' ? 'use --env NAME=VALUE' : 'use --header "Name: value"', 'invalid_option');
    }
    result[key] = raw.slice(at + separator.length).trim();
  }
  return result;
}

/** Placeholders must name a declared secret, or the server would receive the literal `${...}`. */
function checkPlaceholders(texts: string[], secrets: SecretSpec[]): void {
  const declared = new Set(secrets.map((secret) => secret.env));
  for (const text of texts) {
    for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      if (!declared.has(match[1]!)) {
        throw new UsageError(`\${${match[1]}} is used but no --secret provides ${match[1]}`, `add --secret <key>:${match[1]}`, 'unknown_placeholder');
      }
    }
  }
}

export function buildEntry(name: string, command: string[], options: AddOptions, cwd = '.'): CatalogEntry {
  assertServerName(name);
  if (options.url && command.length > 0) {
    throw new UsageError('give either --url or a command after --, not both', 'see mcpkey server add --help', 'ambiguous_transport');
  }
  if (!options.url && command.length === 0) {
    throw new UsageError(`server ${name} needs a command or a URL`, `add a command after "--" (mcpkey server add ${name} -- npx -y my-server) or --url https://…`, 'missing_transport');
  }
  const secrets = (options.secret ?? []).map((raw) => parseSecret(name, raw));
  let transport: Transport;
  let oauth: CatalogEntry['oauth'];
  if (options.url) {
    const kind = options.transport ?? 'streamable-http';
    if (kind !== 'streamable-http' && kind !== 'sse') throw new UsageError(`unknown transport "${printable(kind)}"`, 'use --transport streamable-http or --transport sse', 'invalid_option');
    if (options.env?.length) throw new UsageError('--env applies to local servers only', 'pass credentials to remote servers with --secret and --header', 'invalid_option');
    let headers = parsePairs(options.header ?? [], ':', '--header', (key) => /^[A-Za-z0-9-]+$/.test(key));
    if (secrets.length > 0 && Object.keys(headers).length === 0) {
      if (secrets.length > 1) throw new UsageError('several secrets need --header templates to say where each goes', 'e.g. --header "X-Api-Key: ${MY_API_KEY}"', 'invalid_option');
      headers = { Authorization: `Bearer \${${secrets[0]!.env}}` };
    }
    checkPlaceholders(Object.values(headers), secrets);
    for (const [header, value] of Object.entries(headers)) {
      // A credential typed into a header would land in config.json in plaintext.
      if (isLiteralCredentialHeader(header, value)) {
        throw new UsageError(`the ${header} header holds a literal value`, `keep credentials in the keychain: --secret <key>:<ENV> --header "${header}: \${ENV}"`, 'literal_credential');
      }
    }
    transport = { type: 'remote', url: parseRemoteUrl(options.url), transport: kind, ...(Object.keys(headers).length ? { headers } : {}) };
    const grant = hasGrantOptions(options);
    if (options.auth === false) {
      if (options.clientId || options.scope || grant) throw new UsageError('--no-auth cannot be combined with --client-id, --scope or grant options', 'drop one of them', 'invalid_option');
      oauth = false;
    } else if (options.clientId || options.scope || grant) {
      const settings = grant ? grantSettingsFrom(options, cwd) : {};
      if (settings.grant && settings.grant !== 'authorization-code' && !options.clientId) {
        throw new UsageError(`the ${settings.grant} grant needs the client ID registered at the authorization server`, 'add --client-id ID', 'client_id_missing');
      }
      oauth = {
        ...(options.clientId ? { clientId: options.clientId } : {}),
        ...(options.scope ? { scopes: options.scope.split(/[\s,]+/).filter(Boolean) } : {}),
        ...settings,
      };
    }
  } else {
    if (hasGrantOptions(options)) throw new UsageError('grant options apply to remote servers only', 'use --url for a remote server', 'invalid_option');
    for (const flag of ['clientId', 'scope', 'header', 'transport'] as const) {
      if (options[flag] !== undefined && !(Array.isArray(options[flag]) && options[flag].length === 0)) {
        throw new UsageError(`--${flag === 'clientId' ? 'client-id' : flag} applies to remote servers only`, 'use --url for a remote server', 'invalid_option');
      }
    }
    const [executable, ...args] = command;
    const env = parsePairs(options.env ?? [], '=', '--env', isValidEnvName);
    checkPlaceholders(args, secrets);
    transport = { type: 'stdio', command: executable!, args, ...(Object.keys(env).length ? { env } : {}) };
  }
  return {
    name,
    title: options.title ?? name,
    description: options.description ?? (options.url ? `Remote MCP server at ${options.url}` : `Runs ${command.join(' ')}`),
    transport,
    secrets,
    ...(oauth !== undefined ? { oauth } : {}),
  };
}

export async function addServer(name: string, command: string[], options: AddOptions, deps: AddDeps): Promise<AddResult> {
  const entry = buildEntry(name, command, options, deps.cwd);
  const { replaced, enabled } = await deps.updateConfig((config) => {
    const existing = config.servers[name] ? 'user' : builtinEntry(name) ? 'builtin' : undefined;
    if (existing && !options.force) {
      throw new UsageError(
        existing === 'builtin' ? `"${name}" is a built-in server` : `server "${name}" already exists`,
        `pass --force to replace it${existing === 'builtin' ? ' with your own entry' : ''}, or choose another name`,
        'server_exists',
      );
    }
    config.servers[name] = entry;
    return { replaced: existing as AddResult['replaced'], enabled: config.enabled.includes(name) };
  });
  const resolved = { ...entry, source: 'user' as const };
  // Secrets already stored (`secret set` first, or env) and a grant already there are no next step.
  const state = deps.resolverFor ? await readiness(resolved, await deps.resolverFor(resolved), deps.grants ?? noGrants) : undefined;
  const secretSteps = state
    ? state.nextSteps.filter((step) => step.startsWith('mcpkey secret set'))
    : entry.secrets.map((secret) => `mcpkey secret set ${secret.name}`);
  const kind = classify(resolved);
  const oauthSteps = state ? state.nextSteps.filter((step) => step.startsWith('mcpkey oauth')) : kind === 'oauth' ? [`mcpkey oauth authorize ${name}`] : [];
  const nextSteps = [...secretSteps, ...(enabled ? [] : [`mcpkey server enable ${name}`]), ...oauthSteps];
  const warnings = entry.transport.type === 'stdio' ? plaintextEnvWarnings(name, entry.transport.env ?? {}) : [];
  return { name, kind, replaced, entry, enabled, nextSteps, warnings };
}

export function printAdd(result: AddResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  printer.success(`${result.replaced ? 'Replaced' : 'Added'} ${result.name} (${result.kind})`);
  for (const step of result.nextSteps) printer.note(`Next: ${step}`);
}

export function registerAdd(parent: Command, runtime: Runtime): void {
  const command = parent
    .command('add')
    .description('add your own server: a local command (after --) or a remote URL')
    .argument('<name>', 'server name (lowercase letters, digits, - and _)')
    .argument('[command...]', 'the command that starts a local server, after --')
    .option('--url <url>', 'URL of a remote MCP server')
    .addOption(new Option('--transport <kind>', 'remote transport').choices(['streamable-http', 'sse']))
    .option('--secret <key[:ENV]>', 'a secret the server needs, and the variable it reads (repeatable)', collect)
    .option('--env <NAME=VALUE>', 'plain, non-secret environment for a local server, kept in config.json as it is (repeatable)', collect)
    .option('--header <"Name: value">', 'a header for a remote server; ${ENV} is replaced by a secret (repeatable)', collect)
    .option('--client-id <id>', 'a pre-registered OAuth client ID')
    .option('--scope <scopes>', 'OAuth scopes to request')
    .option('--no-auth', 'the remote server needs no authorization');
  addGrantOptions(command)
    .option('--title <title>', 'display name')
    .option('--description <text>', 'what the server does')
    .option('--force', 'replace an existing entry, including a built-in one')
    .addHelpText(
      'after',
      `\nOptions go before "--"; everything after it is the server's own command line.${examples(
        'mcpkey server add acme --secret api_key:ACME_API_KEY -- npx -y @acme/mcp-server',
        "mcpkey server add pg --secret url:PG_URL -- npx -y @modelcontextprotocol/server-postgres '${PG_URL}'",
        'mcpkey server add tracker --url https://mcp.tracker.example/mcp',
        'mcpkey server add legacy --url https://legacy.example/sse --transport sse',
        'mcpkey server add tracker-ci --url https://mcp.tracker.example/mcp --grant client-credentials --client-id ci-bot',
      )}`,
    )
    .action(
      action<AddOptions>(runtime, async (ctx, [name, ...command], options) => {
        const resolverFor = async (entry: ResolvedEntry) => {
          const { SecretResolver } = await import('../../core/secrets/resolve.js');
          return new SecretResolver({ env: runtime.env, envFile: await ctx.envFile(), keychain: ctx.keychain, catalog: [entry] });
        };
        printAdd(await addServer(name!, command, options, { updateConfig: ctx.updateConfig, resolverFor, grants: ctx.grants, cwd: runtime.cwd }), ctx.printer);
      }),
    );
}
