# bash completion for mcpkey
# Install: mcpkey completion install bash   (writes it where bash-completion finds it)
# or add to ~/.bashrc: source <(mcpkey completion bash)

_mcpkey() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local out
  # mcpkey answers for the words typed so far; the last one is the word being completed.
  # "--" first: node itself would otherwise act on a typed --env-file (and exit when its file is missing).
  out=$(command mcpkey __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  COMPREPLY=()
  if [[ "$out" == ":file" ]]; then
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
    return 0
  fi
  local line
  while IFS= read -r line; do
    [[ -n "$line" ]] && COMPREPLY+=("${line%%$'\t'*}")
  done <<< "$out"
  return 0
}

complete -F _mcpkey mcpkey
