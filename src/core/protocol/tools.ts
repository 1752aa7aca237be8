/** A tool as mcpkey shows it: the arguments read off its input schema. */
export interface ToolArgument {
  name: string;
  type?: string;
  required: boolean;
  description?: string;
}

export interface ToolInfo {
  name: string;
  description?: string;
  arguments: ToolArgument[];
  /** The schema exactly as the server sent it (JSON Schema 2020-12; `$ref`s are never fetched). */
  inputSchema: Record<string, unknown>;
}

type SchemaProperty = { type?: unknown; description?: unknown };
type RawTool = { name: string; description?: string; inputSchema?: { properties?: Record<string, SchemaProperty>; required?: unknown } };

export function describeTools(tools: readonly RawTool[]): ToolInfo[] {
  return tools.map((tool) => {
    const properties = tool.inputSchema?.properties ?? {};
    const required = new Set(Array.isArray(tool.inputSchema?.required) ? (tool.inputSchema.required as unknown[]) : []);
    return {
      name: tool.name,
      ...(typeof tool.description === 'string' && tool.description ? { description: tool.description } : {}),
      arguments: Object.entries(properties).map(([argName, schema]) => ({
        name: argName,
        ...(typeof schema?.type === 'string' ? { type: schema.type } : {}),
        required: required.has(argName),
        ...(typeof schema?.description === 'string' && schema.description ? { description: schema.description } : {}),
      })),
      inputSchema: (tool.inputSchema ?? { type: 'object' }) as Record<string, unknown>,
    };
  });
}

/** A listing as the spec lets a client use it: the valid tools, and the ones left out with why. */
export interface ToolListing<T> {
  tools: T[];
  excluded: Array<{ name: string; reason: string }>;
}

type ListPage = { tools?: unknown[]; nextCursor?: string };
const MAX_PAGES = 64;

/**
 * Every page of `tools/list`, as the server sent it (no re-serialisation, so `inputSchema` stays
 * verbatim), with tools whose `x-mcp-header` annotations are invalid set aside. The exclusion is
 * the Streamable HTTP transport's rule; over stdio the annotations mean nothing and are ignored.
 */
export async function listAllTools<T extends { name: string; inputSchema?: unknown }>(
  request: (cursor: string | undefined) => Promise<ListPage>,
  checkHeaders: boolean,
): Promise<ToolListing<T>> {
  const { headerAnnotationProblem } = await import('./tool-headers.js');
  const listing: ToolListing<T> = { tools: [], excluded: [] };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await request(cursor);
    for (const tool of (result.tools ?? []) as T[]) {
      if (!tool || typeof tool.name !== 'string') continue;
      const problem = checkHeaders ? headerAnnotationProblem(tool.inputSchema) : undefined;
      if (problem) listing.excluded.push({ name: tool.name, reason: problem });
      else listing.tools.push(tool);
    }
    cursor = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
    if (!cursor) break;
  }
  return listing;
}
