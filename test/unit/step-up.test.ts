import { describe, expect, it } from 'vitest';
import { authorizationNeeded, scopeArgument } from '../../src/core/oauth/step-up.js';

describe('the authorize command a step-up without a terminal names', () => {
  it('plain scopes in double quotes; exit 4 with the command as the next step', () => {
    const error = authorizationNeeded('linear', 'read write offline_access');
    expect(error.exitCode).toBe(4);
    expect(error.code).toBe('insufficient_scope');
    expect(error.nextSteps).toEqual(['mcpkey oauth authorize linear --scope "read write offline_access"']);
    expect(error.hint).toContain('`mcpkey oauth authorize linear --scope "read write offline_access"`');
  });

  it('a scope a shell would expand inside double quotes is single-quoted, control characters gone', () => {
    expect(scopeArgument('repo:$(id)')).toBe(`'repo:$(id)'`);
    expect(scopeArgument("it's `x`")).toBe(`'it'\\''s \`x\`'`);
    expect(scopeArgument('a\nb')).toBe(`'a b'`);
    expect(scopeArgument('https://api.example.com/read user:email')).toBe('"https://api.example.com/read user:email"');
  });

  it('no scope named: the plain command; a moved authorization server says so', () => {
    expect(authorizationNeeded('x', '  ').nextSteps).toEqual(['mcpkey oauth authorize x']);
    expect(authorizationNeeded('x', 'a', 'issuer').message).toMatch(/moved to another authorization server/);
  });
});
