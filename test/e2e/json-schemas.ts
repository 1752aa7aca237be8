import { expect } from 'vitest';

/**
 * The schemas of docs/json.md, in a small JSON Schema subset. Objects are strict: a field the docs do not
 * name fails the test (`additionalProperties: true` or `values` opens them).
 */
export type Schema =
  | { type: 'string'; pattern?: RegExp; enum?: readonly string[] }
  | { type: 'integer' | 'number' | 'any' }
  | { type: 'boolean'; const?: boolean }
  | { type: 'array'; items: Schema }
  | { type: 'object'; properties?: Record<string, Schema>; required?: readonly string[]; additionalProperties?: true; values?: Schema }
  | { oneOf: readonly Schema[] };

export function validate(value: unknown, schema: Schema, at = '$'): string[] {
  if ('oneOf' in schema) {
    const fits = schema.oneOf.filter((option) => validate(value, option, at).length === 0);
    return fits.length === 1 ? [] : [`${at}: matches ${fits.length} of the ${schema.oneOf.length} alternatives: ${JSON.stringify(value)}`];
  }
  switch (schema.type) {
    case 'any':
      return [];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      if (schema.enum && !schema.enum.includes(value)) return [`${at}: "${value}" is not one of ${schema.enum.join(', ')}`];
      if (schema.pattern && !schema.pattern.test(value)) return [`${at}: "${value}" does not match ${schema.pattern}`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at}: not a number`];
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at}: not a boolean`];
      return schema.const === undefined || value === schema.const ? [] : [`${at}: not ${schema.const}`];
    case 'array':
      if (!Array.isArray(value)) return [`${at}: not an array`];
      return value.flatMap((item, index) => validate(item, schema.items, `${at}[${index}]`));
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${at}: lacks "${key}"`);
      for (const [key, item] of Object.entries(record)) {
        const known = schema.properties?.[key] ?? schema.values;
        if (known) problems.push(...validate(item, known, `${at}.${key}`));
        else if (!schema.additionalProperties) problems.push(`${at}: undocumented field "${key}"`);
      }
      return problems;
    }
  }
}

export const string: Schema = { type: 'string' };
export const boolean: Schema = { type: 'boolean' };
export const strings: Schema = { type: 'array', items: string };
export const anyObject: Schema = { type: 'object', additionalProperties: true };
export const isoTime: Schema = { type: 'string', pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/ };
export const object = (properties: Record<string, Schema>, optional: readonly string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
});

export const transport: Schema = {
  oneOf: [
    object({ type: { type: 'string', enum: ['stdio'] }, command: string, args: strings, env: { type: 'object', values: string } }, ['env']),
    object(
      { type: { type: 'string', enum: ['remote'] }, url: string, transport: { type: 'string', enum: ['streamable-http', 'sse'] }, headers: { type: 'object', values: string } },
      ['headers'],
    ),
  ],
};
export const missingItem: Schema = {
  oneOf: [
    object({ type: { type: 'string', enum: ['secret'] }, name: string, env: string }),
    object({ type: { type: 'string', enum: ['oauth'] } }),
    object({ type: { type: 'string', enum: ['launcher'] }, command: string }),
    object({ type: { type: 'string', enum: ['node'] }, required: { type: 'string', pattern: /^>=\d+$/ }, current: { type: 'string', pattern: /^\d+\.\d+\.\d+/ } }),
  ],
};
export const missing: Schema = { type: 'array', items: missingItem };
export const oauthState = ['authorized', 'expired-refreshable', 'expired', 'not-authorized'] as const;
export const oauthStatus = object({ status: { type: 'string', enum: oauthState }, issuer: string, expiresAt: isoTime, scopes: strings }, ['issuer', 'expiresAt', 'scopes']);
export const kind: Schema = { type: 'string', enum: ['none', 'api-key', 'oauth'] };
export const entrySource: Schema = { type: 'string', enum: ['builtin', 'user', 'project'] };
export const secretSource: Schema = { type: 'string', enum: ['env', '.env.mcp', 'project', 'keychain'] };
export const referenceScheme: Schema = { type: 'string', enum: ['op', 'vault', 'pass', 'gopass', 'aws-sm', 'gcp-sm'] };

export const serverList = object({
  servers: {
    type: 'array',
    items: object({ name: string, title: string, kind, transport, source: entrySource, enabled: boolean, ready: boolean, missing, oauth: oauthStatus }, ['oauth']),
  },
  warnings: strings,
});

export const toolInfo = object(
  {
    name: string,
    description: string,
    arguments: { type: 'array', items: object({ name: string, type: string, required: boolean, description: string }, ['type', 'description']) },
    inputSchema: anyObject,
  },
  ['description'],
);

export const serverInspect = object(
  {
    name: string,
    title: string,
    description: string,
    source: entrySource,
    enabled: boolean,
    transport,
    kind,
    ready: boolean,
    secrets: {
      type: 'array',
      items: object({ name: string, env: string, description: string, url: string, optional: boolean, present: boolean, source: secretSource }, ['url', 'source']),
    },
    oauth: oauthStatus,
    oauthNote: string,
    missing,
    nextSteps: strings,
    warnings: strings,
    tools: { type: 'array', items: toolInfo },
    toolsError: string,
  },
  ['oauth', 'oauthNote', 'tools', 'toolsError'],
);

export const secretList = object({
  secrets: {
    type: 'array',
    items: object({ name: string, server: string, key: string, source: secretSource, sources: { type: 'array', items: secretSource }, keychainShadowed: boolean, store: referenceScheme, reference: string }, ['store', 'reference']),
  },
  warnings: strings,
});

export const secretCheck = object({
  secrets: {
    type: 'array',
    items: object(
      {
        name: string,
        status: { type: 'string', enum: ['ok', 'failed', 'missing'] },
        source: secretSource,
        store: referenceScheme,
        reference: string,
        error: object({ code: string, message: string, hint: string, exitCode: { type: 'integer' } }, ['hint']),
      },
      ['source', 'store', 'reference', 'error'],
    ),
  },
  ok: boolean,
  warnings: strings,
});

export const oauthList = object({
  servers: {
    type: 'array',
    items: object(
      {
        name: string,
        status: { type: 'string', enum: [...oauthState, 'unknown'] },
        grant: { type: 'string', enum: ['authorization-code', 'client-credentials', 'jwt-bearer', 'enterprise'] },
        issuer: string,
        expiresAt: isoTime,
        expiresIn: { type: 'integer' },
        scopes: strings,
        client: { type: 'string', enum: ['pre-registered', 'metadata-document', 'dynamic'] },
        tokenType: { type: 'string', enum: ['Bearer', 'DPoP'] },
      },
      ['issuer', 'expiresAt', 'expiresIn', 'client', 'tokenType'],
    ),
  },
  warnings: strings,
});

export const oauthToken = object({ Authorization: { type: 'string', pattern: /^Bearer \S+$/ } });

export const toolsList = object({
  server: string,
  protocol: { type: 'string', pattern: /^\d{4}-\d{2}-\d{2}$/ },
  tools: { type: 'array', items: toolInfo },
  excluded: { type: 'array', items: object({ name: string, reason: string }) },
  warnings: strings,
});

export const toolsCall = object(
  {
    server: string,
    tool: string,
    isError: boolean,
    content: { type: 'array', items: { type: 'object', properties: { type: string }, required: ['type'], additionalProperties: true } },
    structuredContent: { type: 'any' },
  },
  ['structuredContent'],
);

export const clientConfig = object(
  {
    client: string,
    file: string,
    serversKey: string,
    written: boolean,
    unchanged: boolean,
    servers: {
      type: 'array',
      items: object({ name: string, entry: anyObject, via: { type: 'string', enum: ['run', 'headers-helper'] }, action: { type: 'string', enum: ['added', 'replaced', 'unchanged'] } }, ['action']),
    },
    removed: strings,
    snippet: anyObject,
    snippetText: string,
    backup: string,
    warnings: strings,
  },
  ['unchanged', 'removed', 'backup'],
);

export const clientStatus = object({
  clients: {
    type: 'array',
    items: object(
      {
        client: string,
        title: string,
        file: string,
        exists: boolean,
        error: string,
        servers: {
          type: 'array',
          // Three shapes, told apart by viaMcpkey and known: the fields that follow each are exactly these.
          items: {
            oneOf: [
              object({ name: string, viaMcpkey: { type: 'boolean', const: false } }),
              object({ name: string, viaMcpkey: { type: 'boolean', const: true }, server: string, known: { type: 'boolean', const: false } }),
              object(
                { name: string, viaMcpkey: { type: 'boolean', const: true }, server: string, known: { type: 'boolean', const: true }, enabled: boolean, ready: boolean, missing, nextSteps: strings },
                ['ready', 'missing', 'nextSteps'],
              ),
            ],
          },
        },
      },
      ['error'],
    ),
  },
  warnings: strings,
});

export const doctor = object({
  ok: boolean,
  checks: {
    type: 'array',
    items: object(
      {
        id: { type: 'string', pattern: /^(keychain|config|mcpkey-on-path|servers|(launcher|server|shell-only|oauth|protocol|client):\S+)$/ },
        status: { type: 'string', enum: ['ok', 'warn', 'fail'] },
        message: string,
        hint: string,
      },
      ['hint'],
    ),
  },
  warnings: strings,
});

export const runPlan = object(
  {
    server: string,
    kind,
    transport: {
      oneOf: [
        object({ type: { type: 'string', enum: ['stdio'] }, command: string, args: strings }),
        object({ type: { type: 'string', enum: ['remote'] }, url: string, transport: { type: 'string', enum: ['streamable-http', 'sse'] } }),
      ],
    },
    cwd: string,
    envFile: string,
    variables: { type: 'array', items: object({ name: string, secret: string, source: { type: 'string', enum: ['env', '.env.mcp', 'project', 'keychain', 'entry'] } }, ['secret']) },
    headers: strings,
    missing: { type: 'array', items: object({ type: { type: 'string', enum: ['secret'] }, name: string, env: string }) },
    warnings: strings,
  },
  ['cwd', 'envFile', 'headers'],
);

export const errorObject = object({
  error: object({ code: { type: 'string', pattern: /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/ }, message: string, hint: string, exitCode: { type: 'integer' } }, ['hint']),
});

export function expectSchema(value: unknown, schema: Schema): void {
  expect(validate(value, schema)).toEqual([]);
}

