import { untrusted } from '../text.js';
import { OAuthError, serverErrorCode } from './errors.js';
import { responseIssuerProblem, type RecordedIssuer } from './issuer.js';
import type { CallbackServer } from './loopback.js';

export interface PasteReader {
  /** Resolves with a line the user pasted; never resolves if they paste nothing. */
  line: Promise<string>;
  close(): void;
}

/** A pasted line: the whole redirected URL, or just the code (which carries no `iss` to check). */
function pastedCallback(line: string, redirectUri: string, state: string, recorded: RecordedIssuer): URL | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  if (/^https?:\/\//i.test(text) && URL.canParse(text)) {
    const url = new URL(text);
    return url.searchParams.get('state') === state ? new URL(`${redirectUri}${url.search}`) : undefined;
  }
  const url = new URL(redirectUri);
  url.searchParams.set('code', text);
  url.searchParams.set('state', state);
  if (recorded.advertised) url.searchParams.set('iss', recorded.issuer);
  return url;
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The authorization response, from the loopback listener or pasted by the user, whichever comes
 * first. It has passed the state and RFC 9207 issuer checks, in that order, before anything else is
 * read from it; only then is an `error=` answer reported.
 */
export async function authorizationResponse(options: {
  callback: CallbackServer;
  paste: PasteReader | undefined;
  state: string;
  recorded: RecordedIssuer;
  timeoutMs: number;
}): Promise<URL> {
  const { callback, paste, state, recorded, timeoutMs } = options;
  const fromPaste = paste
    ? paste.line.then((line) => {
        const url = pastedCallback(line, callback.redirectUri, state, recorded);
        if (!url) throw new OAuthError('the pasted text is not the redirect of this sign-in (state mismatch)', 'run the command again and paste the full address from the browser', 'state_mismatch');
        const refusal = responseIssuerProblem(url.searchParams, recorded);
        if (refusal) throw refusal;
        return url;
      })
    : new Promise<URL>(() => {});
  const minutes = timeoutMs / 60_000;
  const url = await withTimeout(
    Promise.race([callback.result, fromPaste]),
    timeoutMs,
    () => new OAuthError(`no authorization response within ${minutes >= 1 ? `${Math.round(minutes)} min` : `${Math.round(timeoutMs / 1000)} s`}`, 'run the command again (use --no-browser to open the URL yourself, or raise --timeout)', 'timeout'),
  );
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description');
    // Whatever the redirect carried is the provider's text (or anyone's): shown escaped and clipped.
    throw new OAuthError(`authorization refused by the provider: ${untrusted(error, 64)}${description ? ` (${untrusted(description)})` : ''}`, 'run `mcpkey oauth authorize` again and approve the request', serverErrorCode(error, 'authorization_refused'));
  }
  return url;
}
