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
