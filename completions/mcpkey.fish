# fish completion for mcpkey
# Install: mcpkey completion install fish   (writes ~/.config/fish/completions/mcpkey.fish)

function __mcpkey_complete
    # Every word after "mcpkey" up to the cursor, then the word being completed.
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    # "--" first: node itself would otherwise act on a typed --env-file (and exit when its file is missing).
    set -l out (command mcpkey __complete -- $words 2>/dev/null)
    if test "$out[1]" = ":file"
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\n' $out
end

complete -c mcpkey -f -a '(__mcpkey_complete)'
