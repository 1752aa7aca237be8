import { fail, ok, type Check } from './types.js';

/** What trying the keychain gave: nothing wrong, or the error it reported (already told apart: locked, absent, …). */
export interface KeychainFact {
  service: string;
  problem?: { code: string; message: string; hint?: string };
}

/** Reachable and unlocked, or why not, with the remedy keychain-errors.ts chose for the case. */
export function checkKeychain(fact: KeychainFact): Check {
  if (!fact.problem) return ok('keychain', `the OS keychain is reachable and unlocked (service "${fact.service}")`);
  return fail('keychain', fact.problem.message, fact.problem.hint);
}
