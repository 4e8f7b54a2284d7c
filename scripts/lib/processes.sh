# shellcheck shell=bash
# What scripts/services.sh and scripts/lab.sh both need to start and watch their daemons: a
# clock in microseconds, a line of output, whether a process is alive, and a wait for a daemon
# to answer. Sourced, not run.

now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((10#$t)); }
secs() { # secs <start-us>: seconds since then, 3 decimals
  local d=$(($(now_us) - $1))
  printf '%d.%03d' $((d / 1000000)) $((d / 1000 % 1000))
}
say() { printf '%s\n' "$*"; }

# A zombie counts as dead: PID 1 on these machines reaps orphans only every ~1.5 s.
alive() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# waitfor <what> <timeout-s> <pid or -> <cmd...>: poll every 50 ms; fail early if <pid> died.
waitfor() {
  local what=$1 to=$2 pid=$3 t
  shift 3
  t=$(now_us)
  until "$@" >/dev/null 2>&1; do
    if [ "$pid" != - ] && ! alive "$pid"; then say "FAILED: $what (process $pid exited)" >&2; return 1; fi
    if [ $(($(now_us) - t)) -gt $((to * 1000000)) ]; then say "TIMEOUT: $what after ${to} s" >&2; return 1; fi
    sleep 0.05
  done
  say "  $what ready in $(secs "$t") s"
}

# The engine on $DOCKER_SOCK: its CLI, and whether it answers.
docker_cli() { DOCKER_HOST=unix://$DOCKER_SOCK docker "$@"; }
docker_ping() { curl -sf --max-time 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping; }
