# bash completion for remedyctl(1)                         -*- shell-script -*-
# Installed to /usr/share/bash-completion/completions/remedyctl. Commands and
# options are listed by hand; tests/cli/completions checks them against
# remedyctl --help, so a new command cannot be forgotten here.

_remedyctl()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local global='--json -q --quiet --no-ask-password -H --host -h --help --version'
    local commands='status diagnose log-level swap fstab unit service health verify-restart check plan apply undo history'
    local -A groups=(
        [swap]='status create remove resize recommend'
        [fstab]='list add remove'
        [unit]='limits install remove'
        [service]='create'
        [health]='add remove'
    )
    local -A options=(
        [swap create]='-s --size -p --priority --no-persist --reserve -n --dry-run'
        [swap remove]='-n --dry-run'
        [swap resize]='-s --size --reserve -n --dry-run'
        [fstab add]='-o --options --dump --pass -n --dry-run'
        [fstab remove]='-n --dry-run'
        [unit limits]='--memory-max --memory-high -n --dry-run'
        [unit install]='--name -f --force -n --dry-run'
        [unit remove]='-f --force -n --dry-run'
        [service create]='--exec -u --user -g --group -C --workdir -E --env --description --restart --restart-sec
                          --start-limit-interval --start-limit-burst --memory-max --memory-high --oom-policy
                          --logs-dir --log-rotate --log-rotate-keep --type --schedule --every -f --force -n --dry-run'
        [health add]='--url --interval --timeout --failures -n --dry-run'
        [health remove]='-n --dry-run'
        [verify-restart]='--timeout -n --dry-run'
        [check]='-u --unit --format -o --output --install-metrics-timer --textfile-dir -n --dry-run'
        [apply]='-n --dry-run'
        [undo]='-n --dry-run'
        [history]='-n --lines --before'
    )
    # Options that take a value: the word after them is not a command.
    local valued='-H --host -s --size -p --priority --reserve -o --options --dump --pass --memory-max --memory-high
                  --name --exec -u --user -g --group -C --workdir -E --env --description --restart --restart-sec
                  --start-limit-interval --start-limit-burst --oom-policy --logs-dir --log-rotate-keep --url
                  --interval --timeout --failures --unit --format --output --textfile-dir --type --schedule --every
                  --lines --before'

    local command='' sub='' i word skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if ((skip)); then skip=0; continue; fi
        [[ $word == --* && $word == *=* ]] && continue
        if [[ " $valued " == *" $word "* ]]; then skip=1; continue; fi
        [[ $word == -* ]] && continue
        if [[ -z $command ]]; then command=$word
        elif [[ -n ${groups[$command]+x} && -z $sub ]]; then sub=$word
        fi
    done
    local key=$command${sub:+ $sub}

    case $prev in
        -H|--host)
            if declare -F _known_hosts_real >/dev/null; then _known_hosts_real -a -- "$cur"; else COMPREPLY=(); fi
            return ;;
        --format) COMPREPLY=($(compgen -W 'text json prometheus' -- "$cur")); return ;;
        --restart) COMPREPLY=($(compgen -W 'always on-failure on-abnormal on-abort on-watchdog on-success no' -- "$cur")); return ;;
        --oom-policy) COMPREPLY=($(compgen -W 'continue stop kill' -- "$cur")); return ;;
        -u|--user) [[ $key == check ]] || { COMPREPLY=($(compgen -u -- "$cur")); return; } ;;
        -g|--group) COMPREPLY=($(compgen -g -- "$cur")); return ;;
        -C|--workdir|--textfile-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -o|--output) [[ $key == check ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
    esac
    case $prev in
        -u|--unit) _remedyctl_units; return ;;
    esac
    if [[ " $valued " == *" $prev "* ]]; then COMPREPLY=(); return; fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$global ${options[$key]:-}" -- "$cur"))
        return
    fi
    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ -n ${groups[$command]+x} && -z $sub ]]; then
        COMPREPLY=($(compgen -W "${groups[$command]}" -- "$cur"))
    else
        case $key in
            log-level) COMPREPLY=($(compgen -W 'emerg alert crit err warning notice info debug' -- "$cur")) ;;
            plan|apply|'unit install') COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
            'swap create'|'swap remove'|'swap resize') COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
            'unit limits'|'unit remove'|'health add'|'health remove'|verify-restart) _remedyctl_units ;;
            *) COMPREPLY=() ;;
        esac
    fi
}

# The services systemd knows (what unit limits, health checks and
# verify-restart act on).
_remedyctl_units()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    COMPREPLY=($(compgen -W "$(systemctl list-units --all --type=service --plain --no-legend --no-pager 2>/dev/null | awk '{print $1}')" -- "$cur"))
}

complete -F _remedyctl remedyctl
