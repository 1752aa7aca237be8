import { fail, ok, type Check } from './types.js';

/**
 * mcpkey's own config file. When it cannot be read, doctor goes on with the built-in catalog and
 * nothing enabled, so the other checks still answer.
 */
export function checkConfig(file: string, problem?: { message: string; hint?: string }): Check {
  if (!problem) return ok('config', `the config file is readable (${file})`);
  return fail('config', `${problem.message}; the checks below use the built-in catalog and no enabled servers`, problem.hint);
}
