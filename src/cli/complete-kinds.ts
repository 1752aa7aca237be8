import { createRequire } from 'node:module';
import type { Argument, Option } from 'commander';

/** What a shell should offer for an argument or option value. Read by the completion spec builder. */
export type CompletionKind = 'server' | 'secret' | 'file' | 'shell';
export const COMPLETION_KIND = Symbol.for('mcpkey.completionKind');

type Tagged = { [COMPLETION_KIND]?: CompletionKind };

export function completing<T extends Argument | Option>(item: T, kind: CompletionKind): T {
  (item as T & Tagged)[COMPLETION_KIND] = kind;
  return item;
}

export function completionKindOf(item: Argument | Option): CompletionKind | undefined {
  return (item as (Argument | Option) & Tagged)[COMPLETION_KIND];
}

/**
 * commander's Argument, required when an argument is declared: command modules that import this one are
 * also loaded without commander (src/cli/direct.ts). The same class as `import 'commander'` gives (one CommonJS module).
 */
const argument = (syntax: string, description: string): Argument =>
  new (createRequire(import.meta.url)('commander') as typeof import('commander')).Argument(syntax, description);

export const serverArgument = (description = 'server name') => completing(argument('<name>', description), 'server');
export const secretArgument = (syntax = '<name>', description = 'secret name, <server>.<key>') => completing(argument(syntax, description), 'secret');
