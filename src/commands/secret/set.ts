import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { secretArgument } from '../../cli/complete-kinds.js';
import type { Context } from '../../cli/context.js';
import { readPiped, type Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { Prompts } from '../../cli/prompts.js';
import { UsageError } from '../../core/errors.js';
import { formatSize, SECRET_VALUE_LIMIT } from '../../core/limits.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { parseSecretName } from '../../core/names.js';
import { parseSecretNameFor, unreadSecret, type UnreadSecret } from '../../core/suggest.js';
import type { KeychainStore } from '../../core/secrets/keychain.js';
import type { SecretResolver, SecretSource } from '../../core/secrets/resolve.js';
import { assertStorableValue, decodeValue, valueWarning } from '../../core/secrets/value.js';
import { KEYCHAIN_REFERENCE_PREFIX, keychainTextOf } from '../../core/secrets/reference-entry.js';
import { isReference } from '../../core/stores/reference.js';
import { untrusted } from '../../core/text.js';

export interface SetSecretDeps {
  keychain: KeychainStore;
  resolver: SecretResolver;
  prompts: Prompts;
  /** Piped stdin's bytes (undefined past the limit it was given), or undefined when stdin is a terminal. */
  readStdin: ((limit: number) => Promise<Buffer | undefined>) | undefined;
  warn: (text: string) => void;
  tty: boolean;
  /** The merged catalog: a name that no entry reads is most likely a mistake. */
  catalog: readonly ResolvedEntry[];
  /** Someone at a terminal, who can be stopped and shown the name meant (scripts get a warning instead). */
  interactive: boolean;
}

export interface SetSecretOptions {
  /** Store a name that no catalog entry reads without a question. */
  force?: boolean;
  /** Keep this store reference (`op://…`) instead of a value; it is resolved where the value is needed. */
  ref?: string;
}

export interface SetSecretResult {
  name: string;
  replaced: boolean;
  /** The store reference kept instead of a value (not secret). */
  reference?: string;
  /** A higher-priority source that will still win over the keychain value. */
  shadowedBy?: { source: SecretSource; as?: string };
  warnings: string[];
}

/** What to do instead of storing a name no entry reads. */
function unreadHint(name: string, unread: UnreadSecret): string {
  if (unread.meant) return `did you mean \`mcpkey secret set ${unread.meant}\`?`;
  if (unread.instead) return `authorize it with \`${unread.instead}\``;
  const { server, key } = parseSecretName(name);
  return `add the server first: \`mcpkey server add ${server} --secret ${key} …\``;
}

/** `NAME=VALUE` from the argument; otherwise stdin when piped; otherwise a hidden prompt. */
export async function setSecret(spec: string, deps: SetSecretDeps, options: SetSecretOptions = {}): Promise<SetSecretResult> {
  const eq = spec.indexOf('=');
  const { name } = parseSecretNameFor(eq === -1 ? spec : spec.slice(0, eq), deps.catalog, 'mcpkey secret set');
  // A name no entry reads (`neon.apikey`) would be stored and never used. At a terminal: stopped before
  // the value is asked for; from a script: stored, with a warning (a script must not break on it).
  const unread = options.force ? undefined : unreadSecret(name, deps.catalog);
  if (unread && deps.interactive) {
    throw new UsageError(unread.problem, `${unreadHint(name, unread)} (--force stores ${name} as it is)`, 'unread_secret');
  }
  if (options.ref !== undefined) return setReference(name, options.ref, eq !== -1, deps, unread);
  let value: string;
  if (eq !== -1) {
    value = spec.slice(eq + 1);
    if (deps.tty && value !== '') {
      deps.warn('a value on the command line lands in your shell history; prefer a pipe or the prompt');
    }
  } else if (deps.readStdin) {
    // Room for the limit and the trailing newline; more is refused without reading on.
    const bytes = await deps.readStdin(SECRET_VALUE_LIMIT + 2);
    if (bytes === undefined) throw new UsageError(`refusing to store the value for ${name}: it is over the limit of ${formatSize(SECRET_VALUE_LIMIT)}`, `secrets are text of at most ${formatSize(SECRET_VALUE_LIMIT)}; a larger file belongs on disk, with its path as the secret`, 'invalid_value');
    const text = decodeValue(bytes);
    if (text === undefined) throw new UsageError(`refusing to store the value for ${name}: it is not valid UTF-8`, 'mcpkey stores text exactly; encode binary values (e.g. base64) first', 'invalid_value');
    // One trailing newline comes from `echo` or a file's last line; any other is part of the value.
    value = text.replace(/\r?\n$/, '');
  } else {
    value = await deps.prompts.secret(`Value for ${name}`);
  }
  // Empty, not UTF-8 (U+FFFD from the command line or a terminal), a NUL byte, over 64 KiB: refused, never changed.
  assertStorableValue(name, value);
  // The keychain's marker for references: a value that starts with it would be read back as one.
  if (value.startsWith(KEYCHAIN_REFERENCE_PREFIX)) throw new UsageError(`refusing to store the value for ${name}: it starts with ${KEYCHAIN_REFERENCE_PREFIX}, which marks a reference`, `keep a reference with: mcpkey secret set ${name} --ref <reference>`, 'invalid_value');
  const warnings: string[] = [];
  // Stored as given; a reference is kept only when asked for, so say how.
  if (isReference(value)) warnings.push(`the value stored for ${name} looks like a secret store reference, and was stored as a literal value; to keep it as a reference use: mcpkey secret set ${name} --ref <reference>`);
  const spaced = valueWarning(name, value);
  if (spaced) warnings.push(spaced);
  return store(name, value, deps, unread, warnings);
}

async function store(name: string, text: string, deps: SetSecretDeps, unread: UnreadSecret | undefined, warnings: string[], reference?: string): Promise<SetSecretResult> {
  const replaced = (await deps.keychain.get(name)) !== undefined;
  await deps.keychain.set(name, text);
  const shadow = deps.resolver.fromEnv(name) ?? deps.resolver.fromEnvFile(name);
  if (unread) warnings.unshift(`${unread.problem}; stored it anyway — ${unreadHint(name, unread)}`);
  return { name, replaced, ...(reference ? { reference } : {}), ...(shadow ? { shadowedBy: { source: shadow.source, as: shadow.foundAs } } : {}), warnings };
}

/** `--ref`: the reference is checked for its store's shape and kept; no store is asked (`secret check` does that). */
async function setReference(name: string, text: string, withValue: boolean, deps: SetSecretDeps, unread: UnreadSecret | undefined): Promise<SetSecretResult> {
  if (withValue) throw new UsageError('give either NAME=VALUE or --ref, not both', `mcpkey secret set ${name} --ref <reference>`, 'invalid_option');
  const { requireReference } = await import('../../core/stores/registry.js');
  const ref = await requireReference(text);
  return store(name, keychainTextOf(ref), deps, unread, [], ref.text);
}

export function printSetSecret(result: SetSecretResult, printer: Printer): void {
  const what = result.reference ? ` as a reference to ${untrusted(result.reference)}` : '';
  printer.success(`${result.replaced ? 'Replaced' : 'Saved'} ${result.name} in the keychain${what}`);
  if (result.reference) printer.note(`check that it resolves with: mcpkey secret check ${result.name}`);
  if (result.shadowedBy) {
    const where = result.shadowedBy.source === 'env' ? `the environment variable ${result.shadowedBy.as}` : `${result.shadowedBy.as} in the env file`;
    printer.warn(`${where} takes precedence over the keychain value of ${result.name}`);
  }
  for (const warning of result.warnings) printer.warn(warning);
}

export function registerSet(parent: Command, runtime: Runtime): void {
  parent
    .command('set')
    .description('store a secret in the OS keychain (value from NAME=VALUE, a pipe, or a hidden prompt)')
    .addArgument(secretArgument('<name[=value]>'))
    .option('--force', 'store a name that no catalog entry reads (at a terminal it is refused without this)')
    .option('--ref <reference>', 'keep a reference to a secret store instead of a value (op://, vault://, pass://, gopass://, aws-sm://, gcp-sm://)')
    .addHelpText(
      'after',
      `\nA name no server in the catalog reads is refused at a terminal (unless --force) and stored with a warning otherwise.${examples(
        'mcpkey secret set neon.api_key                      # hidden prompt',
        'printf %s "$NEON_API_KEY" | mcpkey secret set neon.api_key',
        'mcpkey secret set github.personal_access_token < token.txt',
        'mcpkey secret set acme.api_key --force              # before `mcpkey server add acme`',
        'mcpkey secret set neon.api_key --ref op://Dev/Neon/credential',
      )}`,
    )
    .action(
      action<SetSecretOptions>(runtime, async (ctx: Context, [spec], options) => {
        const result = await setSecret(spec!, {
          keychain: ctx.keychain,
          resolver: await ctx.resolver(),
          prompts: ctx.prompts,
          readStdin: runtime.stdin.isTTY ? undefined : (limit) => readPiped(runtime.stdin, limit),
          warn: ctx.printer.warn,
          tty: runtime.stderr.isTTY === true,
          catalog: await ctx.catalog(),
          interactive: ctx.interactive,
        }, options);
        printSetSecret(result, ctx.printer);
      }),
    );
}
