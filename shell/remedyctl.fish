# fish completion for remedyctl(1). Installed to
# /usr/share/fish/vendor_completions.d/remedyctl.fish. tests/cli/completions
# checks the commands and options against remedyctl --help.

set -l commands status diagnose log-level swap fstab unit service health verify-restart check plan apply undo history

function __remedyctl_units
    systemctl list-units --all --type=service --plain --no-legend --no-pager 2>/dev/null | string replace -r ' .*' ''
end

# Whether the command line is at `remedyctl GROUP SUB`.
function __remedyctl_at -a group sub
    set -l words (commandline -opc)
    contains -- $group $words; and contains -- $sub $words
end

complete -c remedyctl -f
complete -c remedyctl -l json -d 'Print machine-readable JSON on stdout'
complete -c remedyctl -s q -l quiet -d 'Print nothing but errors'
complete -c remedyctl -l no-ask-password -d 'Never ask for a password'
complete -c remedyctl -s H -l host -x -a '(__fish_print_hostnames)' -d 'Operate on a remote host over ssh'
complete -c remedyctl -s h -l help -d 'Show help'
complete -c remedyctl -l version -d 'Show the version'

complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a status -d 'Show the helper, memory and swap'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a diagnose -d 'Memory, swap, pressure, OOM kills, what likely happened'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a log-level -d "Show or set remedyd's log level"
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a swap -d 'Show, create, remove, resize swapfiles'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a fstab -d 'The file system table'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a unit -d 'systemd units'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a service -d 'Services from a structured spec'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a health -d 'Health checks that restart a hung service'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a verify-restart -d 'Kill a service and time its restart'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a check -d 'The prevention checklist, live'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a plan -d 'Show what applying a plan would change'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a apply -d 'Apply a plan file'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a undo -d 'Reverse an applied plan'
complete -c remedyctl -n "not __fish_seen_subcommand_from $commands" -a history -d 'The plans applied here'

complete -c remedyctl -n '__fish_seen_subcommand_from log-level' -a 'emerg alert crit err warning notice info debug'
complete -c remedyctl -n '__fish_seen_subcommand_from plan apply' -F
complete -c remedyctl -n '__fish_seen_subcommand_from apply undo verify-restart check' -s n -l dry-run -d 'Change nothing'
complete -c remedyctl -n '__fish_seen_subcommand_from history' -s n -l lines -x -d 'The newest N plans'
complete -c remedyctl -n '__fish_seen_subcommand_from history' -l before -x -d 'Only plans older than this id'
complete -c remedyctl -n '__fish_seen_subcommand_from verify-restart' -a '(__remedyctl_units)'
complete -c remedyctl -n '__fish_seen_subcommand_from verify-restart' -l timeout -x -d 'Give up after'
complete -c remedyctl -n '__fish_seen_subcommand_from check' -s u -l unit -x -a '(__remedyctl_units)' -d 'The service to judge'
complete -c remedyctl -n '__fish_seen_subcommand_from check' -l format -x -a 'text json prometheus' -d 'Output format'
complete -c remedyctl -n '__fish_seen_subcommand_from check' -s o -l output -r -F -d 'Write to a file'
complete -c remedyctl -n '__fish_seen_subcommand_from check' -l install-metrics-timer -d 'Install remedy-metrics.timer'
complete -c remedyctl -n '__fish_seen_subcommand_from check' -l textfile-dir -x -a '(__fish_complete_directories)' -d "node_exporter's textfile directory"

set -l swap status create remove resize recommend
complete -c remedyctl -n "__fish_seen_subcommand_from swap; and not __fish_seen_subcommand_from $swap" -a "$swap"
complete -c remedyctl -n '__remedyctl_at swap create; or __remedyctl_at swap resize' -s s -l size -x -d 'Size, e.g. 2G'
complete -c remedyctl -n '__remedyctl_at swap create' -s p -l priority -x -d 'Swap priority'
complete -c remedyctl -n '__remedyctl_at swap create' -l no-persist -d 'No /etc/fstab line'
complete -c remedyctl -n '__remedyctl_at swap create; or __remedyctl_at swap resize' -l reserve -x -d 'Free space to leave'
complete -c remedyctl -n '__remedyctl_at swap create; or __remedyctl_at swap remove; or __remedyctl_at swap resize' -F
complete -c remedyctl -n '__remedyctl_at swap create; or __remedyctl_at swap remove; or __remedyctl_at swap resize' -s n -l dry-run -d 'Change nothing'

set -l fstab list add remove
complete -c remedyctl -n "__fish_seen_subcommand_from fstab; and not __fish_seen_subcommand_from $fstab" -a "$fstab"
complete -c remedyctl -n '__remedyctl_at fstab add' -s o -l options -x -d 'Mount options'
complete -c remedyctl -n '__remedyctl_at fstab add' -l dump -x -d 'dump field'
complete -c remedyctl -n '__remedyctl_at fstab add' -l pass -x -d 'fsck pass'
complete -c remedyctl -n '__remedyctl_at fstab add; or __remedyctl_at fstab remove' -s n -l dry-run -d 'Change nothing'

set -l unit limits install remove
complete -c remedyctl -n "__fish_seen_subcommand_from unit; and not __fish_seen_subcommand_from $unit" -a "$unit"
complete -c remedyctl -n '__remedyctl_at unit limits; or __remedyctl_at unit remove' -a '(__remedyctl_units)'
complete -c remedyctl -n '__remedyctl_at unit limits' -l memory-max -x -d 'Hard limit'
complete -c remedyctl -n '__remedyctl_at unit limits' -l memory-high -x -d 'Soft limit'
complete -c remedyctl -n '__remedyctl_at unit install' -F
complete -c remedyctl -n '__remedyctl_at unit install' -l name -x -d "The unit's name"
complete -c remedyctl -n '__remedyctl_at unit install; or __remedyctl_at unit remove' -s f -l force -d 'Also a unit remedy did not install'
complete -c remedyctl -n "__fish_seen_subcommand_from unit; and __fish_seen_subcommand_from $unit" -s n -l dry-run -d 'Change nothing'

complete -c remedyctl -n "__fish_seen_subcommand_from service; and not __fish_seen_subcommand_from create" -a create
complete -c remedyctl -n '__remedyctl_at service create' -l exec -x -d 'The command line'
complete -c remedyctl -n '__remedyctl_at service create' -s u -l user -x -a '(__fish_complete_users)' -d 'The account it runs as'
complete -c remedyctl -n '__remedyctl_at service create' -s g -l group -x -a '(__fish_complete_groups)' -d 'Its group'
complete -c remedyctl -n '__remedyctl_at service create' -s C -l workdir -x -a '(__fish_complete_directories)' -d 'WorkingDirectory='
complete -c remedyctl -n '__remedyctl_at service create' -s E -l env -x -d 'KEY=value'
complete -c remedyctl -n '__remedyctl_at service create' -l description -x -d 'Description='
complete -c remedyctl -n '__remedyctl_at service create' -l restart -x -a 'always on-failure on-abnormal on-abort on-watchdog on-success no' -d 'Restart='
complete -c remedyctl -n '__remedyctl_at service create' -l restart-sec -x -d 'RestartSec='
complete -c remedyctl -n '__remedyctl_at service create' -l start-limit-interval -x -d 'StartLimitIntervalSec='
complete -c remedyctl -n '__remedyctl_at service create' -l start-limit-burst -x -d 'StartLimitBurst='
complete -c remedyctl -n '__remedyctl_at service create' -l memory-max -x -d 'MemoryMax='
complete -c remedyctl -n '__remedyctl_at service create' -l memory-high -x -d 'MemoryHigh='
complete -c remedyctl -n '__remedyctl_at service create' -l oom-policy -x -a 'continue stop kill' -d 'OOMPolicy='
complete -c remedyctl -n '__remedyctl_at service create' -l logs-dir -x -d 'LogsDirectory='
complete -c remedyctl -n '__remedyctl_at service create' -l log-rotate -d 'Rotate the logs directory daily'
complete -c remedyctl -n '__remedyctl_at service create' -l type -x -a 'exec oneshot' -d 'Type='
complete -c remedyctl -n '__remedyctl_at service create' -l schedule -x -d 'Run on a calendar (OnCalendar=)'
complete -c remedyctl -n '__remedyctl_at service create' -l every -x -d 'Run every so often (OnUnitActiveSec=)'
complete -c remedyctl -n '__remedyctl_at service create' -l log-rotate-keep -x -d 'Rotated files to keep'
complete -c remedyctl -n '__remedyctl_at service create' -s f -l force -d 'Replace a unit remedy did not install'
complete -c remedyctl -n '__remedyctl_at service create' -s n -l dry-run -d 'Change nothing'

set -l health add remove
complete -c remedyctl -n "__fish_seen_subcommand_from health; and not __fish_seen_subcommand_from $health" -a "$health"
complete -c remedyctl -n "__fish_seen_subcommand_from health; and __fish_seen_subcommand_from $health" -a '(__remedyctl_units)'
complete -c remedyctl -n '__remedyctl_at health add' -l url -x -d 'URL that answers 2xx'
complete -c remedyctl -n '__remedyctl_at health add' -l interval -x -d 'Time between probes'
complete -c remedyctl -n '__remedyctl_at health add' -l timeout -x -d 'Time a probe may take'
complete -c remedyctl -n '__remedyctl_at health add' -l failures -x -d 'Failures before a restart'
complete -c remedyctl -n "__fish_seen_subcommand_from health; and __fish_seen_subcommand_from $health" -s n -l dry-run -d 'Change nothing'
