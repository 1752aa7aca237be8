import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthError } from './errors.js';

export const CALLBACK_PATH = '/callback';

export interface CallbackServer {
  redirectUri: string;
  port: number;
  /**
   * The first callback whose state matches: success or an `error=` response. Rejects at once, with
   * the check's error, when that callback fails the check (its `error` is then neither acted on nor shown).
   */
  result: Promise<URL>;
  close(): Promise<void>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Small, self-contained pages: no scripts, no external assets. */
function page(title: string, message: string, ok: boolean): string {
  const colour = ok ? '#1a7f37' : '#cf222e';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mcpkey: ${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1rem;color:#1f2328}h1{font-size:1.3rem;color:${colour}}</style>
</head><body><h1 id="${ok ? 'mcpkey-success' : 'mcpkey-error'}">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/**
 * The loopback redirect target (RFC 8252 §7.3): bound to 127.0.0.1 only, it accepts exactly one
 * callback whose `state` matches. Anything else gets an error page and is ignored, so a forged or
 * stale request cannot end the flow. The one with the right state is then checked (RFC 9207 `iss`):
 * a refusal ends the flow at once, without waiting for the timeout.
 */
export async function startCallbackServer(
  expectedState: string,
  port = 0,
  check: (params: URLSearchParams) => Error | undefined = () => undefined,
): Promise<CallbackServer> {
  let settle!: (url: URL) => void;
  let refuse!: (error: Error) => void;
  const result = new Promise<URL>((resolve, reject) => {
    settle = resolve;
    refuse = reject;
  });
  // A refusal may arrive before anyone awaits the result; it is not an unhandled rejection.
  result.catch(() => undefined);
  let done = false;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const send = (status: number, html: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      response.end(html);
    };
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      send(404, page('Not found', 'This address only receives the sign-in response for mcpkey.', false));
      return;
    }
    if (done) {
      send(409, page('Already done', 'mcpkey has already received a sign-in response. You can close this tab.', false));
      return;
    }
    if (url.searchParams.get('state') !== expectedState) {
      send(400, page('Sign-in response ignored', 'This response does not belong to the sign-in mcpkey started (state mismatch). Nothing was done; mcpkey keeps waiting.', false));
      return;
    }
    done = true;
    const refusal = check(url.searchParams);
    if (refusal) {
      send(400, page('Sign-in response refused', 'It did not come from the authorization server mcpkey started the sign-in with (issuer mismatch). Nothing was done. Go back to the terminal.', false));
      refuse(refusal);
      return;
    }
    const error = url.searchParams.get('error');
    if (error) {
      const description = url.searchParams.get('error_description');
      send(400, page('Authorization failed', `The provider answered "${error}"${description ? `: ${description}` : ''}. Go back to the terminal.`, false));
    } else {
      send(200, page('Authorized', 'mcpkey received the authorization. You can close this tab and go back to the terminal.', true));
    }
    settle(url);
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(new OAuthError(`port ${port} on 127.0.0.1 is not available for the sign-in callback (${error.code})`, 'free the port, or pass another --port (the client must be registered with that redirect URI)', 'port_unavailable'));
      } else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${actualPort}${CALLBACK_PATH}`,
    port: actualPort,
    result,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
