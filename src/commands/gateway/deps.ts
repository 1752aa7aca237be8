import { basename, dirname } from 'node:path';
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
  // Only what answers initialize and tools/list from the cache loads at start; the rest on first use.
  const [{ loadConfig }, { layerConfig, layeredCatalog }] = await Promise.all([import('../../core/config/store.js'), import('../../core/project/layer.js')]);
  // Inside a project (mcpkey.json), its entries and enabled set are layered over config.json, as for every command.
  const project = await ctx.project();
  const { stat } = await import('node:fs/promises');
  const { watch } = await import('node:fs');
  let known: { stamp: string; checked: number; value: Promise<{ config: Awaited<ReturnType<typeof loadConfig>>; catalog: ReturnType<typeof layeredCatalog>; enabled: string[] }> } | undefined;
  // A watch on the config's folder says when to read again, so a tool call does no file I/O; where
  // watching is not possible, a read stands for a second and then a stat says whether to read again.
  let watching = false;
  const watchConfig = () => {
    if (watching) return;
    try {
      const watcher = watch(dirname(ctx.configFile), { persistent: false }, (_event, file) => {
        if (file === null || file === basename(ctx.configFile)) known = undefined;
      });
      watcher.on('error', () => {
        watching = false;
        known = undefined;
        watcher.close();
      });
      watching = true;
    } catch {
      // No folder yet, or no watches left: the stat once a second.
    }
  };
  const state = async () => {
    if (known && (watching || Date.now() - known.checked < STATE_FRESH_MS)) return known.value;
    watchConfig();
    const info = await stat(ctx.configFile).catch(() => undefined);
    const stamp = info ? `${info.mtimeMs} ${info.size} ${info.ino}` : 'none';
    if (known?.stamp !== stamp) {
      const value = loadConfig(ctx.configFile).then((own) => {
        const config = layerConfig(own, project);
        return { config, catalog: layeredCatalog(own, project), enabled: config.enabled };
      });
      known = { stamp, checked: Date.now(), value };
      value.catch(() => (known = undefined));
    } else known.checked = Date.now();
    return known.value;
  };
  const resolver = async () => {
    const [{ catalog }, { SecretResolver }] = await Promise.all([state(), import('../../core/secrets/resolve.js')]);
    // The process-wide read cache would hide a secret or grant stored by another mcpkey since.
    ctx.keychain.reader?.invalidate();
    return new SecretResolver({ env: ctx.runtime.env, envFile: await ctx.envFile(), keychain: ctx.keychain, catalog, warn: (message) => ctx.printer.warn(message), ...(project ? { project } : {}) });
  };
  return {
    stateDir: ctx.stateDir,
    // The same object while the config is unchanged: the gateway keeps what it works out from it until then.
    state,
    readiness: async (entry) => {
      const { readiness } = await import('../../core/auth/classify.js');
      return readiness(entry, await resolver(), ctx.grants);
    },
    enable: async (name) => {
      await ctx.updateConfig((config) => {
        if (!config.enabled.includes(name)) config.enabled.push(name);
      });
      known = undefined;
    },
    disable: async (name) => {
      const { disableServer } = await import('../../core/catalog/disable.js');
      const result = await disableServer(name, {}, { catalog: (await state()).catalog, keychain: ctx.keychain, forgetGrant: (server) => ctx.grants.forget(server), updateConfig: ctx.updateConfig });
      known = undefined;
      return result;
    },
    connect: async (entry) => {
      const [{ resolveEntrySecrets }, { connectEntry }, { connectOptions }] = await Promise.all([import('../../core/run/launch.js'), import('../../core/run/connect.js'), import('../../cli/session.js')]);
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
