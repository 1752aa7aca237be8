/**
 * SEP-2243 (2026-07-28): a tool may ask for some arguments to be mirrored into `Mcp-Param-<Name>`
 * headers with `"x-mcp-header": "<Name>"`. A definition whose annotations break the rules must be
 * left out of the listing (the server's other tools stay usable); this says why, or nothing.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PRIMITIVES = new Set(['string', 'integer', 'boolean']);

type Json = unknown;

interface Annotation {
  /** The JSON path to the annotated schema, e.g. ['properties', 'a', 'properties', 'b']. */
  path: string[];
  value: unknown;
  schema: Record<string, Json>;
}

function annotations(node: Json, path: string[], found: Annotation[]): Annotation[] {
  if (Array.isArray(node)) node.forEach((child, index) => annotations(child, [...path, String(index)], found));
  else if (node !== null && typeof node === 'object') {
    const schema = node as Record<string, Json>;
    if ('x-mcp-header' in schema) found.push({ path, value: schema['x-mcp-header'], schema });
    for (const [key, child] of Object.entries(schema)) annotations(child, [...path, key], found);
  }
  return found;
}

/** Reachable from the root through `properties` keys alone: properties/a/properties/b. */
function staticallyReachable(path: string[]): boolean {
  if (path.length === 0 || path.length % 2 !== 0) return false;
  return path.every((step, index) => index % 2 === 1 || step === 'properties');
}

export function headerAnnotationProblem(inputSchema: Json): string | undefined {
  const seen = new Map<string, string>();
  for (const annotation of annotations(inputSchema, [], [])) {
    const where = annotation.path.filter((_, index) => index % 2 === 1).join('.') || '(the schema root)';
    if (!staticallyReachable(annotation.path)) return `x-mcp-header on ${annotation.path.join('/') || 'the schema root'} is not a plain property`;
    const { value } = annotation;
    if (typeof value !== 'string' || value === '') return `x-mcp-header of ${where} is empty or not a string`;
    if (!TOKEN.test(value)) return `x-mcp-header ${JSON.stringify(value)} of ${where} is not an HTTP header token`;
    const type = annotation.schema.type;
    if (typeof type !== 'string' || !PRIMITIVES.has(type)) return `x-mcp-header on ${where} needs a string, integer or boolean property, not ${JSON.stringify(type ?? 'untyped')}`;
    const key = value.toLowerCase();
    if (seen.has(key)) return `x-mcp-header ${JSON.stringify(value)} is used twice (${seen.get(key)} and ${where})`;
    seen.set(key, where);
  }
  return undefined;
}
