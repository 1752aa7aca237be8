import { describe, expect, it } from 'vitest';
import { parseDuration, qualifiedName, routeName } from '../../src/gateway/naming.js';

describe('gateway tool names', () => {
  it('joins server and tool with __ and routes back to the longest server name', () => {
    expect(qualifiedName('github', 'create_issue')).toBe('github__create_issue');
    expect(routeName('github__create_issue', ['github', 'linear'])).toEqual({ server: 'github', tool: 'create_issue' });
    // A server name with "_" in it, and one that is a prefix of another.
    expect(routeName('my__srv__do__it', ['my', 'my__srv'])).toEqual({ server: 'my__srv', tool: 'do__it' });
    expect(routeName('a_b__x', ['a', 'a_b'])).toEqual({ server: 'a_b', tool: 'x' });
  });

  it('routes nothing that names no exposed server or no tool', () => {
    expect(routeName('other__tool', ['github'])).toBeUndefined();
    expect(routeName('github__', ['github'])).toBeUndefined();
    expect(routeName('mcp-add', ['github'])).toBeUndefined();
  });
});

describe('--idle and --timeout durations', () => {
  it('takes ms, s, m, h and plain seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('45')).toBe(45_000);
  });

  it('refuses anything else, and zero', () => {
    for (const text of ['', '0', '0s', '-5s', '10 minutes', 'ten', '5d']) expect(parseDuration(text), text).toBeUndefined();
  });
});
