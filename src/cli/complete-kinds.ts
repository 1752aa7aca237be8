import { Argument, Option } from 'commander';

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

export const serverArgument = (description = 'server name') => completing(new Argument('<name>', description), 'server');
export const secretArgument = (syntax = '<name>', description = 'secret name, <server>.<key>') =>
  completing(new Argument(syntax, description), 'secret');
