import { connectOptions } from '../../cli/session.js';
import type { Context } from '../../cli/context.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import type { ProbeResult } from '../../core/doctor/protocol.js';

/** A probe is a quick question: a server that takes longer is reported as not answering. */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * `doctor --probe`: connects to a remote server once to learn the revision it speaks (and refreshes
 * the verdict cache on the way). Never a browser, never a question to anyone: no step-up, elicitation declined.
 */
export async function probeRevision(ctx: Context, entry: ResolvedEntry): Promise<ProbeResult> {
  const [{ resolveEntrySecrets }, { connectEntry }] = await Promise.all([import('../../core/run/launch.js'), import('../../core/run/connect.js')]);
  try {
    const options = await connectOptions(ctx, entry, await resolveEntrySecrets(entry, await ctx.resolver()), undefined);
    const { stepUp: _never, ...oauth } = options.oauth;
    const connection = await connectEntry({ ...options, oauth, elicitation: { mode: 'decline', inputs: {} }, timeoutMs: PROBE_TIMEOUT_MS });
    try {
      return { revision: connection.protocolVersion };
    } finally {
      await connection.close().catch(() => undefined);
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
