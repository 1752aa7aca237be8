/** One finding of `mcpkey doctor`: what was looked at, how it stands, and what to do about it. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable: a kind, and after a colon what it is about (`keychain`, `launcher:uvx`, `server:neon`). */
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do; absent when there is nothing to do. */
  hint?: string;
}

export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  ok: boolean;
  checks: Check[];
  warnings: string[];
}

export function doctorReport(checks: Check[], warnings: string[] = []): DoctorReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks, warnings };
}

export const ok = (id: string, message: string): Check => ({ id, status: 'ok', message });
export const warn = (id: string, message: string, hint?: string): Check => ({ id, status: 'warn', message, ...(hint ? { hint } : {}) });
export const fail = (id: string, message: string, hint?: string): Check => ({ id, status: 'fail', message, ...(hint ? { hint } : {}) });

/** `a`, `a and b`, `a, b and c`. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
