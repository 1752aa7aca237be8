import { UsageError } from '../errors.js';

/**
 * How mcpkey answers a server's request for input (`elicitation/create`, or an elicitation inside a
 * 2026-07-28 `input_required` result). The spec forbids servers to ask for secrets this way, and
 * mcpkey never stores what it answers.
 */
export type ElicitMode = 'ask' | 'decline' | 'accept-defaults';

export interface ElicitField {
  name: string;
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  required: boolean;
  /** The schema's `default`, or what `--input` gave. */
  value?: unknown;
}

export interface ElicitQuestion {
  message: string;
  fields: ElicitField[];
}

export type ElicitAnswer = { action: 'accept'; content: Record<string, unknown> } | { action: 'decline' } | { action: 'cancel' };

export interface ElicitationPolicy {
  mode: ElicitMode;
  /** `--input KEY=JSON`: answers given in advance, by field name. */
  inputs: Record<string, unknown>;
  /** Asks the person at the terminal; only present on a terminal. */
  ask?: (question: ElicitQuestion) => Promise<ElicitAnswer>;
}

/** The policy to declare: `elicitation` only where mcpkey can really answer. */
export function canElicit(policy: ElicitationPolicy | undefined): boolean {
  if (!policy) return false;
  return (policy.mode === 'ask' && policy.ask !== undefined) || policy.mode === 'accept-defaults' || Object.keys(policy.inputs).length > 0;
}

/** `--input name=JSON` (a bare word that is not JSON is taken as a string). */
export function parseInputs(pairs: readonly string[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    // Not echoed: without a "=", the whole of it may be a value.
    if (eq <= 0) throw new UsageError('an --input is not NAME=JSON', 'e.g. --input confirm=true --input name=\'"Ada"\'', 'invalid_option');
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain word: a string
    }
    inputs[pair.slice(0, eq)] = value;
  }
  return inputs;
}

type Schema = { properties?: Record<string, Record<string, unknown>>; required?: unknown };

/** The form's fields, each with the value it starts with: `--input`, else the schema's default. */
export function elicitFields(schema: Schema | undefined, inputs: Record<string, unknown>): ElicitField[] {
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as unknown[]).filter((name): name is string => typeof name === 'string') : []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => {
    const value = name in inputs ? inputs[name] : property.default;
    return {
      name,
      required: required.has(name),
      ...(typeof property.type === 'string' ? { type: property.type } : {}),
      ...(typeof property.title === 'string' ? { title: property.title } : {}),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
      ...(Array.isArray(property.enum) ? { enum: property.enum } : {}),
      ...(value !== undefined ? { value } : {}),
    };
  });
}

function filled(fields: ElicitField[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => field.value !== undefined).map((field) => [field.name, field.value]));
}

/** Answers one request for input under the policy; a URL-mode request is declined (mcpkey declares forms only). */
export async function answerElicitation(params: { mode?: string; message?: string; requestedSchema?: Schema }, policy: ElicitationPolicy): Promise<ElicitAnswer> {
  if (params.mode === 'url') return { action: 'decline' };
  const fields = elicitFields(params.requestedSchema, policy.inputs);
  if (policy.mode === 'ask' && policy.ask) return policy.ask({ message: params.message ?? '', fields });
  const complete = fields.every((field) => !field.required || field.value !== undefined);
  const given = Object.keys(policy.inputs).length > 0;
  if ((policy.mode === 'accept-defaults' || given) && complete) return { action: 'accept', content: filled(fields) };
  return { action: 'decline' };
}
