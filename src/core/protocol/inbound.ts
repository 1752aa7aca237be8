import type { Era } from './revisions.js';
import type { RawCalls } from './raw-calls.js';
import type { StdioContact } from './stdio-contact.js';

/** Why mcpkey cannot use a tool as listed: its schemas must be JSON objects of type "object". */
export function schemaProblem(tool: { inputSchema?: unknown; outputSchema?: unknown }): string | undefined {
  const check = (schema: unknown, which: string, optional: boolean): string | undefined => {
    if (schema === undefined && optional) return undefined;
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return `its ${which} is not a JSON Schema object`;
    const type = (schema as { type?: unknown }).type;
    if (type === 'object') return undefined;
    if (type === undefined) return `its ${which} has no "type": MCP requires "type": "object" (the tool's arguments are an object)`;
    return `its ${which} is of type ${JSON.stringify(type).slice(0, 40)}: MCP requires "type": "object"`;
  };
  return check(tool.inputSchema, 'inputSchema', false) ?? check(tool.outputSchema, 'outputSchema', true);
}

/**
 * What mcpkey does to every message a server sends before the SDK decodes it: responses to requests
 * relayed past the SDK (raw-calls.ts) are taken off, and 2026-07-28 results are made readable.
 *
 * 2026-07-28: a result without `resultType` is `complete`, and a client must read it so. The SDK's
 * decoder insists on the field, so mcpkey fills it in as responses arrive (never on a 2025-era
 * connection, whose results have no such field and go to 2025-era clients through the bridge).
 * The same decoder refuses a whole `tools/list` for one tool with a schema it cannot read: such
 * tools are taken out here and reported (`screened`), so the others stay usable.
 */
export function watchInbound<T extends object>(transport: T, era: () => Era | undefined, contact: StdioContact, screened: Map<string, string>, raw: RawCalls): T {
  let handler: ((message: unknown, extra?: unknown) => void) | undefined;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => handler,
    set: (next: ((message: unknown, extra?: unknown) => void) | undefined) => {
      handler = next && ((message, extra) => {
        contact.heard = true;
        if (raw.take(message)) return;
        let result = (message as { result?: unknown }).result;
        if (era() !== 'legacy' && result !== null && typeof result === 'object' && !Array.isArray(result)) {
          const tools = (result as { tools?: unknown }).tools;
          if (Array.isArray(tools)) result = { ...result, tools: tools.filter((tool) => usable(tool, screened)) };
          next({ ...(message as object), result: 'resultType' in (result as object) ? result : { ...(result as object), resultType: 'complete' } }, extra);
        } else next(message, extra);
      });
    },
  });
  // The SDK fails its own waiting requests when the connection closes; the relayed ones fail with them.
  let closed: (() => void) | undefined;
  Object.defineProperty(transport, 'onclose', {
    configurable: true,
    get: () => closed,
    set: (next: (() => void) | undefined) => {
      closed = () => {
        raw.failAll();
        next?.();
      };
    },
  });
  return transport;
}

function usable(tool: unknown, screened: Map<string, string>): boolean {
  if (tool === null || typeof tool !== 'object' || typeof (tool as { name?: unknown }).name !== 'string') return false;
  const problem = schemaProblem(tool as { inputSchema?: unknown });
  if (problem) screened.set((tool as { name: string }).name, problem);
  return problem === undefined;
}
