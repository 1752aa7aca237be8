import type { Context } from '../../cli/context.js';
import type { GatewayDeps } from '../../gateway/index.js';

/** How long the config read stands before the file is checked again (changes by other processes show within it). */
const STATE_FRESH_MS = 1000;

/** How long a sign-in started by mcp-add waits for the person. */
const SIGN_IN_TIMEOUT = '600';

/**
 * The gateway's view of mcpkey, from the CLI context: the config and secrets read afresh each time
 * (`mcpkey secret set` and `server enable` run in other processes while the gateway lives), servers
 * reached through the same code as `run` and `tools`, authorization without a browser.
 */
export async function gatewayDeps(ctx: Context, timeout: string | undefined): Promise<GatewayDeps> {
  const [{ loadConfig }, { mergeCatalog }, { SecretResolver }, { readiness }, { disableServer }, { resolveEntrySecrets }, { connectEntry }, { connectOptions }] = await Promise.all([
    import('../../core/config/store.js'),
    import('../../core/catalog/index.js'),
    import('../../core/secrets/resolve.js'),
    import('../../core/auth/classify.js'),
    import('../../core/catalog/disable.js'),
    import('../../core/run/launch.js'),
    import('../../core/run/connect.js'),
    import('../../cli/session.js'),
  ]);
  const { stat } = await import('node:fs/promises');
  let known: { stamp: string; checked: number; value: Promise<{ config: Awaited<ReturnType<typeof loadConfig>>; catalog: ReturnType<typeof mergeCatalog>; enabled: string[] }> } | undefined;
  // Every tool call asks: within a second the last answer stands, then a stat says whether to read the file again.
  const state = async () => {
    if (known && Date.now() - known.checked < STATE_FRESH_MS) return known.value;
    const info = await stat(ctx.configFile).catch(() => undefined);
    const stamp = info ? `${info.mtimeMs} ${info.size} ${info.ino}` : 'none';
    if (known?.stamp !== stamp) {
      const value = loadConfig(ctx.configFile).then((config) => ({ config, catalog: mergeCatalog(config.servers), enabled: config.enabled }));
      known = { stamp, checked: Date.now(), value };
      value.catch(() => (known = undefined));
    } else known.checked = Date.now();
    return known.value;
  };
  const resolver = async () => {
    const { catalog } = await state();
    // The process-wide read cache would hide a secret or grant stored by another mcpkey since.
    ctx.keychain.reader?.invalidate();
    return new SecretResolver({ env: ctx.runtime.env, envFile: await ctx.envFile(), keychain: ctx.keychain, catalog, warn: (message) => ctx.printer.warn(message) });
  };
  return {
    stateDir: ctx.stateDir,
    state: async () => {
      const { catalog, enabled } = await state();
      return { catalog, enabled };
    },
    readiness: async (entry) => readiness(entry, await resolver(), ctx.grants),
    enable: async (name) => {
      await ctx.updateConfig((config) => {
        if (!config.enabled.includes(name)) config.enabled.push(name);
      });
      known = undefined;
    },
    disable: async (name) => {
      const result = await disableServer(name, {}, { catalog: (await state()).catalog, keychain: ctx.keychain, forgetGrant: (server) => ctx.grants.forget(server), updateConfig: ctx.updateConfig });
      known = undefined;
      return result;
    },
    connect: async (entry) => {
      const secrets = await resolveEntrySecrets(entry, await resolver());
      // No browser from the gateway: a step-up fails the call with the command to run.
      const options = await connectOptions(ctx, entry, secrets, undefined, { ...(timeout !== undefined ? { timeout } : {}), browser: false });
      return connectEntry({ ...options, elicitation: { mode: 'decline', inputs: {} } });
    },
    authorize: async (entry, onLink) => {
      const [{ oauthEntry, buildRequest }, { authorize }] = await Promise.all([import('../../cli/authorize.js'), import('../../core/oauth/authorize.js')]);
      const { catalog, config } = await state();
      const clientMetadataUrl = ctx.runtime.env.MCPKEY_CLIENT_METADATA_URL || config.clientMetadataUrl;
      const request = buildRequest(oauthEntry(catalog, entry.name), { timeout: SIGN_IN_TIMEOUT }, clientMetadataUrl ? { clientMetadataUrl } : {});
      await authorize(request, {
        store: ctx.grants,
        env: ctx.runtime.env,
        notify: () => undefined,
        // The "browser" is the tool result: the link goes to the client, nothing is opened here.
        browser: async (url) => {
          onLink(url);
          return true;
        },
      });
    },
  };
}
