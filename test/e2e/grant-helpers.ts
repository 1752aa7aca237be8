import { expect } from 'vitest';
import { runProcess, type Sandbox } from './helpers.js';
import { BROWSER_DRIVER } from './oauth-helpers.js';

/** Adds a remote entry and authorizes it through the real browser flow; the grant lands in the keychain. */
export async function addAndAuthorize(sandbox: Sandbox, name: string, url: string): Promise<void> {
  const added = await sandbox.run(['server', 'add', name, '--url', url]);
  expect(added.code, added.stderr).toBe(0);
  const authorized = await sandbox.run(['oauth', 'authorize', name], { env: { BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` }, timeoutMs: 120_000 });
  expect(authorized.code, authorized.stderr).toBe(0);
}

/** Rewrites a stored grant in the keychain, as another program could (libsecret's own tool). */
export async function rewriteGrant(sandbox: Sandbox, server: string, change: (grant: Record<string, unknown>) => void): Promise<void> {
  const account = `oauth:${server}`;
  const raw = await sandbox.keychainValue(account);
  if (raw === undefined) throw new Error(`no grant for ${server} in the keychain`);
  const grant = JSON.parse(raw) as Record<string, unknown>;
  change(grant);
  // Replace, not add: a second item with the same attributes would make the keychain ambiguous.
  await runProcess('secret-tool', ['clear', 'service', sandbox.service, 'username', account], { env: process.env });
  await sandbox.storeKeychainValue(account, JSON.stringify(grant));
}

/**
 * Makes mcpkey see the access token as expired, at once: the test decides when a token expires, so a
 * loaded machine cannot expire it early (a short real TTL ran out mid-test) or late. With `authServer`,
 * the authorization server ends the token too, so a resource server would refuse it. Returns the
 * access token that was expired.
 */
export async function expireGrant(sandbox: Sandbox, server: string, authServer?: { expireAccessToken(token: string): boolean }): Promise<string> {
  let expired = '';
  await rewriteGrant(sandbox, server, (grant) => {
    expired = String(grant.accessToken);
    grant.obtainedAt = new Date(Date.now() - 3_600_000).toISOString();
    grant.expiresAt = new Date(Date.now() - 60_000).toISOString();
  });
  if (authServer && !authServer.expireAccessToken(expired)) throw new Error(`the authorization server does not know the access token of ${server}`);
  return expired;
}

/** A grant for the built-in `linear` entry as `oauth authorize` stores it, valid for an hour; no server is contacted. */
export async function storeLinearGrant(sandbox: Sandbox, tokens: string, scope: string): Promise<void> {
  const now = Date.now();
  await sandbox.storeKeychainValue(
    'oauth:linear',
    JSON.stringify({
      version: 1,
      server: 'linear',
      resource: 'https://mcp.linear.app/mcp',
      issuer: 'https://auth.example.test',
      tokenEndpoint: 'https://auth.example.test/token',
      clientId: 'client-1',
      client: 'dynamic',
      authMethod: 'none',
      accessToken: `at-${tokens}`,
      refreshToken: `rt-${tokens}`,
      tokenType: 'Bearer',
      expiresAt: new Date(now + 3_600_000).toISOString(),
      scope,
      obtainedAt: new Date(now).toISOString(),
    }),
  );
}
