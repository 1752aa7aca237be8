import { describe, expect, it } from 'vitest';
import { installTarget, rcAdvice, shellPath } from '../../src/completion/install-target.js';

const env = { HOME: '/home/ada' };

describe('completion install targets', () => {
  it('uses the per-user directories each shell loads from, and the variables that move them', () => {
    expect(installTarget('bash', env).file).toBe('/home/ada/.local/share/bash-completion/completions/mcpkey');
    expect(installTarget('bash', { ...env, XDG_DATA_HOME: '/data' }).file).toBe('/data/bash-completion/completions/mcpkey');
    expect(installTarget('bash', { ...env, BASH_COMPLETION_USER_DIR: 'relative:/bc' }).file).toBe('/bc/completions/mcpkey');
    // A relative XDG value is ignored, as the XDG spec says.
    expect(installTarget('fish', { ...env, XDG_CONFIG_HOME: 'cfg' }).file).toBe('/home/ada/.config/fish/completions/mcpkey.fish');
    expect(installTarget('zsh', { ...env, ZDOTDIR: '/home/ada/.config/zsh' })).toEqual({
      shell: 'zsh',
      file: '/home/ada/.config/zsh/.zfunc/_mcpkey',
      rcFile: '/home/ada/.config/zsh/.zshrc',
    });
  });

  it('bash needs no line when bash-completion is there to load the file, else a source line', () => {
    const target = installTarget('bash', env);
    expect(rcAdvice(target, env, undefined, true)).toEqual({ lines: [] });
    expect(rcAdvice(target, env, undefined, false)).toEqual({ lines: ['source ~/.local/share/bash-completion/completions/mcpkey'] });
    expect(rcAdvice(target, env, '. "$HOME/.local/share/bash-completion/completions/mcpkey"\n', false)).toEqual({ lines: [] });
    // A commented-out line does not count.
    expect(rcAdvice(target, env, '# source ~/.local/share/bash-completion/completions/mcpkey\n', false).lines).toHaveLength(1);
  });

  it('zsh: fpath before compinit; a framework that runs compinit counts as compinit', () => {
    const target = installTarget('zsh', env);
    expect(rcAdvice(target, env, 'source $ZSH/oh-my-zsh.sh\n', false)).toEqual({ lines: ['fpath=(~/.zfunc $fpath)'], where: 'before the line that runs compinit' });
    expect(rcAdvice(target, env, 'fpath+=~/.zfunc\n', false)).toEqual({ lines: ['autoload -Uz compinit && compinit'] });
    expect(rcAdvice(target, env, 'fpath=(/home/ada/.zfunc $fpath)\ncompinit\n', false)).toEqual({ lines: [] });
  });

  it('spells paths as a startup file would: ~/… at home, quoted when they need it', () => {
    expect(shellPath('/home/ada/.zfunc', env)).toBe('~/.zfunc');
    expect(shellPath('/opt/my dir/x', env)).toBe("'/opt/my dir/x'");
    expect(shellPath('/home/adam/x', env)).toBe('/home/adam/x');
  });
});
