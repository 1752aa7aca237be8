import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { addAndAuthorize, expireGrant } from './grant-helpers.js';
import { storedGrant, useOAuthPeers } from './oauth-helpers.js';

beforeAll(requireSecretService);

/**
 * Dynamic client registrations are kept per authorization server and shared by every server behind it:
 * forgetting one server must not take the registration from the others.
 */
const { as, mcp } = useOAuthPeers({ accessTokenTtl: 3600 });
const sandbox = useSandbox();

describe('a registration shared by two servers at one authorization server', () => {
  it('server disable A keeps it while B uses it, B still refreshes and reuses it; disabling B too deletes it', async () => {
    const registration = `oauth-dcr:${as.issuer}`;
    const registrations = as.stats().registrations;
    await addAndAuthorize(sandbox, 'alpha', mcp.url);
    await addAndAuthorize(sandbox, 'beta', mcp.url);
    expect(as.stats().registrations).toBe(registrations + 1);
    const clientId = (await storedGrant(sandbox, 'alpha'))!.clientId;
    expect((await storedGrant(sandbox, 'beta'))!.clientId).toBe(clientId);

    const disabled = await sandbox.run(['server', 'disable', 'alpha']);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stderr).toContain('Kept the client registration alpha used: beta still uses it');
    expect(await storedGrant(sandbox, 'alpha')).toBeUndefined();
    expect(await sandbox.keychainValue(registration)).toContain(clientId);

    // beta refreshes as before, and authorizing again reuses the registration.
    await expireGrant(sandbox, 'beta');
    const token = await sandbox.run(['oauth', 'token', 'beta']);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toBe(`${(await storedGrant(sandbox, 'beta'))!.accessToken}\n`);
    await addAndAuthorize(sandbox, 'alpha2', mcp.url);
    expect(as.stats().registrations).toBe(registrations + 1);

    // --forget-client obeys the same rule.
    const revoke = await sandbox.run(['oauth', 'revoke', 'alpha2', '--forget-client']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stderr).toContain('alpha2: the client registration is kept: beta still uses it');
    expect(await sandbox.keychainValue(registration)).toContain(clientId);

    // The last grant that uses it goes: so does the registration.
    expect((await sandbox.run(['server', 'disable', 'beta'])).code).toBe(0);
    expect(await sandbox.keychainValue(registration)).toBeUndefined();
  }, 300_000);
});
