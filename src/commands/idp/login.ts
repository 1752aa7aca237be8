import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { idpClientOf, idpDeps } from '../../cli/idp.js';
import { readPiped, type Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { Context } from '../../cli/context.js';
import { UsageError } from '../../core/errors.js';
import type { IdpSession } from '../../core/idp/session.js';
import { SECRET_VALUE_LIMIT } from '../../core/limits.js';
import { printable } from '../../core/names.js';
import { decodeValue } from '../../core/secrets/value.js';

export interface IdpLoginOptions {
  idTokenStdin?: boolean;
  port?: string;
  timeout?: string;
  browser?: boolean;
}

export interface IdpLoginResult {
  idp: string;
  issuer: string;
  subject?: string;
  /** When the ID token expires (ISO 8601); renewed with the refresh token when there is one. */
  expiresAt?: string;
  refreshable: boolean;
  source: IdpSession['source'];
  nextSteps: string[];
}

function whole(value: string | undefined, flag: string, min: number, max: number, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`, `e.g. ${flag} ${min === 1 ? 300 : 8765}`, 'invalid_option');
  return number;
}

async function idTokenFromStdin(ctx: Context): Promise<string> {
  const empty = () => new UsageError('no ID token on stdin', 'pipe it in: printf %s "$ID_TOKEN" | mcpkey idp login NAME --id-token-stdin', 'empty_value');
  if (ctx.runtime.stdin.isTTY) return (await ctx.prompts.secret('ID token')).trim() || Promise.reject(empty());
  const piped = await readPiped(ctx.runtime.stdin, SECRET_VALUE_LIMIT + 2);
  const text = piped === undefined ? undefined : decodeValue(piped);
  if (text === undefined) throw new UsageError('refusing the ID token: over the size limit or not UTF-8', 'pipe the ID token exactly as the provider issued it', 'invalid_value');
  const token = text.trim();
  if (!token) throw empty();
  return token;
}

/** Signs in at the provider (browser, or an ID token on stdin) and keeps the session in the keychain. */
export async function loginIdp(ctx: Context, name: string, options: IdpLoginOptions): Promise<IdpLoginResult> {
  const idp = await idpClientOf(ctx, name);
  const deps = idpDeps(ctx);
  let session: IdpSession;
  if (options.idTokenStdin) {
    const { sessionFromIdToken } = await import('../../core/idp/login.js');
    session = sessionFromIdToken(idp, await idTokenFromStdin(ctx), Date.now());
    await deps.sessions.save(session);
  } else {
    const [{ idpLogin }, { openBrowser }, { pasteReader }] = await Promise.all([import('../../core/idp/login.js'), import('../../core/oauth/browser.js'), import('../../cli/authorize.js')]);
    const port = whole(options.port, '--port', 1024, 65535);
    session = await idpLogin(
      { idp, ...(port !== undefined ? { port } : {}), timeoutMs: whole(options.timeout, '--timeout', 1, 3600, 300)! * 1000, openBrowser: options.browser !== false },
      {
        sessions: deps.sessions,
        notify: (message) => ctx.printer.note(message),
        browser: (url) => openBrowser(url, ctx.runtime.env),
        ...(ctx.interactive ? { paste: () => pasteReader(ctx.runtime) } : {}),
      },
    );
  }
  return {
    idp: name,
    issuer: session.issuer,
    ...(session.subject ? { subject: session.subject } : {}),
    ...(session.idTokenExpiresAt ? { expiresAt: session.idTokenExpiresAt } : {}),
    refreshable: session.refreshToken !== undefined,
    source: session.source,
    nextSteps: [`mcpkey oauth authorize SERVER --grant enterprise --idp ${name}`],
  };
}

export function printLoginIdp(result: IdpLoginResult, printer: Printer): void {
  const who = result.subject ? ` as ${printable(result.subject, 200)}` : '';
  const until = result.expiresAt ? `; ID token valid until ${result.expiresAt}${result.refreshable ? ', renewed automatically' : ''}` : '';
  printer.success(`Signed in to ${result.idp}${who}${until}`);
}

export function registerLogin(parent: Command, runtime: Runtime): void {
  parent
    .command('login')
    .description('sign in to an identity provider once (browser, or an ID token on stdin); the session stays in the keychain')
    .argument('<name>', 'the identity provider')
    .option('--id-token-stdin', 'read an ID token from stdin instead of signing in with the browser (for scripts)')
    .option('--port <port>', 'fixed port for the http://127.0.0.1:PORT/callback redirect')
    .option('--timeout <seconds>', 'how long to wait for the sign-in', '300')
    .option('--no-browser', 'only print the URL; do not open a browser')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey idp login corp', 'printf %s "$ID_TOKEN" | mcpkey idp login corp --id-token-stdin'))
    .action(
      action<IdpLoginOptions & { json?: boolean }>(runtime, async (ctx, [name], options) => {
        const result = await loginIdp(ctx, name!, options);
        if (options.json) ctx.printer.json(result);
        else printLoginIdp(result, ctx.printer);
      }),
    );
}
