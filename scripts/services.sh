#!/usr/bin/env bash
# Real services on loopback for the integration and end-to-end tests (see README.md, "Test
# it"): a Docker engine with a local busybox image, sshd with key auth, two dnsmasq
# instances (Pi-hole's DNS core) and PostgreSQL 15 with WAL archiving.
#
#   scripts/services.sh up        start what is not running (idempotent), write $R/env.sh
#   scripts/services.sh down      stop everything this script started (zombie-aware)
#   scripts/services.sh reset     down, then remove the state folder (the next up starts from scratch)
#   scripts/services.sh env       print `export VAR=...` lines for the tests
#   scripts/services.sh status    one line per service
#   scripts/services.sh check     smoke-test every service (containers reaching healthy/unhealthy, ssh, dig, WAL archive)
#   scripts/services.sh packages  the Debian packages this script needs (for apt-get install)
#
# Everything lives under $HOMEOPS_SVC_DIR (default /tmp/homeops-svc); each daemon's PID is in
# $R/<name>.pid. Nothing listens on anything but 127.0.0.1 / ::1 and containers have no network.
# HOMEOPS_DOCKER_DRIVER picks the first storage driver to try (default overlay2; vfs is the fallback).
# Needs root (it adds the `runbook` user and runs PostgreSQL as `postgres`).
set -euo pipefail

R=${HOMEOPS_SVC_DIR:-/tmp/homeops-svc}
SSH_PORT=2222
DNS1_PORT=5353
DNS2_PORT=5354
PG_PORT=55432
PG_BIN=/usr/lib/postgresql/15/bin
DOCKER_SOCK=$R/docker/docker.sock
IMAGE=local/busybox:latest
PACKAGES="docker.io busybox-static openssh-server openssh-client dnsmasq dnsutils postgresql curl"

# ---------------------------------------------------------------- helpers
# shellcheck source=scripts/lib/processes.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"
die() { printf 'services.sh: %s\n' "$*" >&2; exit 1; }

# The PID in $R/<name>.pid, if that process is alive and is the program we started (no PID reuse).
pid_of() {
  local name=$1 comm=$2 p
  [ -f "$R/$name.pid" ] || return 1
  p=$(cat "$R/$name.pid")
  alive "$p" || return 1
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$comm" ] || return 1
  echo "$p"
}

# stop <name> <comm> <signal>: signal the process and wait (zombie-aware) up to 20 s, then SIGKILL.
stop() {
  local name=$1 comm=$2 sig=$3 p t i
  if p=$(pid_of "$name" "$comm"); then
    t=$(now_us)
    kill "-$sig" "$p" 2>/dev/null || true
    for ((i = 0; i < 400; i++)); do alive "$p" || break; sleep 0.05; done
    if alive "$p"; then say "  $name ($p) still alive after 20 s: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; fi
    say "  stopped $name ($p) in $(secs "$t") s"
  fi
  rm -f "$R/$name.pid"
}

# Daemons of ours that outlived their PID file (a dockerd killed with -9 leaves containerd-shim
# and the container's processes behind): found by program name and our state folder in their
# command line, and ended by PID; a shim's children (the containers' init) go first.
sweep() {
  local d p comm kids
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    comm=$(cat "$d/comm" 2>/dev/null) || continue
    case $comm in containerd-shim* | containerd | dockerd | sshd | dnsmasq | postgres) ;; *) continue ;; esac
    alive "$p" || continue
    tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF -- "$R/" || continue
    kids=$(awk -v pp="$p" '{ pid = $1; sub(/^.*\) /, ""); if ($2 == pp) print pid }' /proc/[0-9]*/stat 2>/dev/null || true)
    say "  leftover $comm ($p)${kids:+ with children $kids}: SIGKILL"
    # shellcheck disable=SC2086
    [ -z "$kids" ] || kill -KILL $kids 2>/dev/null || true
    kill -KILL "$p" 2>/dev/null || true
  done
}

need() { # need <command>...: fail with the apt-get line when a program is missing
  local missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}; install with: apt-get install -y --no-install-recommends $PACKAGES"
}


# ---------------------------------------------------------------- docker
start_dockerd() { # start_dockerd <storage-driver>
  setsid dockerd --host "unix://$DOCKER_SOCK" --data-root "$R/docker/data" --exec-root "$R/docker/exec" \
    --pidfile "$R/docker/dockerd.pid" --iptables=false --ip6tables=false --bridge=none \
    --ip-forward=false --ip-masq=false --storage-driver "$1" --log-level warn \
    </dev/null >>"$R/docker/dockerd.log" 2>&1 &
  echo $! >"$R/dockerd.pid"
  waitfor "dockerd ($1)" 20 $! docker_ping
}

up_docker() {
  if pid_of dockerd dockerd >/dev/null; then
    say "  dockerd already running ($(cat "$R/dockerd.pid"), $(cat "$R/docker/driver" 2>/dev/null))"
  else
    mkdir -p "$R/docker"
    local first=${HOMEOPS_DOCKER_DRIVER:-overlay2}
    if start_dockerd "$first"; then
      echo "$first" >"$R/docker/driver"
    else
      say "  $first did not work (see $R/docker/dockerd.log); falling back to vfs"
      stop dockerd dockerd TERM
      start_dockerd vfs || die "dockerd did not start; see $R/docker/dockerd.log"
      echo vfs >"$R/docker/driver"
    fi
  fi
  if ! docker_cli image inspect "$IMAGE" >/dev/null 2>&1; then
    local t bb root=$R/docker/bbroot a
    t=$(now_us)
    bb=$(command -v busybox)
    rm -rf "$root"
    mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,root}
    cp "$bb" "$root/bin/busybox"
    for a in $("$bb" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    echo 'root:x:0:' >"$root/etc/group"
    tar -C "$root" -c . | docker_cli import --change 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
    rm -rf "$root"
    say "  image $IMAGE imported from busybox-static in $(secs "$t") s"
  fi
}

# ---------------------------------------------------------------- sshd
sshd_login() { # sshd_login <user>: log in with the test key, checking the host key against known_hosts
  ssh -i "$R/ssh/id_ed25519" -p "$SSH_PORT" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=3 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$R/ssh/known_hosts" -o LogLevel=ERROR \
    "$1@127.0.0.1" true
}

up_sshd() {
  if pid_of sshd sshd >/dev/null; then say "  sshd already running ($(cat "$R/sshd.pid"))"; return; fi
  local s=$R/ssh u
  mkdir -p "$s/authorized_keys.d"
  chmod 755 "$s"
  [ -f "$s/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C homeops-test-host -f "$s/host_ed25519"
  [ -f "$s/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C homeops-test -f "$s/id_ed25519"
  printf '[127.0.0.1]:%s,[::1]:%s,[localhost]:%s %s\n' "$SSH_PORT" "$SSH_PORT" "$SSH_PORT" \
    "$(cut -d' ' -f1,2 "$s/host_ed25519.pub")" >"$s/known_hosts"
  id runbook >/dev/null 2>&1 || useradd -m -s /bin/bash runbook
  usermod -p '*' runbook # a locked ('!') account is refused by sshd, even for key auth, when UsePAM is off
  for u in root runbook; do
    cp "$s/id_ed25519.pub" "$s/authorized_keys.d/$u"
    chown "$u" "$s/authorized_keys.d/$u"
    chmod 600 "$s/authorized_keys.d/$u"
  done
  cat >"$s/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
ListenAddress ::1
HostKey $s/host_ed25519
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys.d/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers root runbook
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
CFG
  mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$s/sshd_config"
  # An absolute path: sshd re-executes itself for every connection.
  setsid /usr/sbin/sshd -D -e -f "$s/sshd_config" </dev/null >>"$s/sshd.log" 2>&1 &
  echo $! >"$R/sshd.pid"
  waitfor "sshd on 127.0.0.1:$SSH_PORT" 10 $! sshd_login runbook
}

# ---------------------------------------------------------------- dnsmasq
dig_ok() { dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" nas.home | grep -q 10.0.10.20; }

up_dns() {
  local d=$R/dns n p
  mkdir -p "$d"
  # Record data only: nothing is ever sent to these addresses.
  echo '10.0.10.21 backup.home' >"$d/hosts"
  for spec in "dns1:$DNS1_PORT" "dns2:$DNS2_PORT"; do
    n=${spec%%:*} p=${spec##*:}
    if pid_of "$n" dnsmasq >/dev/null; then say "  $n already running ($(cat "$R/$n.pid"))"; continue; fi
    setsid dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
      --listen-address=127.0.0.1 --bind-interfaces --port="$p" --user=root --group=root \
      --pid-file="$d/$n.dnsmasq.pid" --log-facility="$d/$n.log" --log-queries \
      --address=/nas.home/10.0.10.20 --address=/blocked.example/0.0.0.0 \
      --txt-record=instance.home,"$n" --addn-hosts="$d/hosts" --local=/home/ \
      --domain-needed --bogus-priv --cache-size=150 </dev/null >>"$d/$n.out" 2>&1 &
    echo $! >"$R/$n.pid"
    waitfor "dnsmasq $n on 127.0.0.1:$p" 10 $! dig_ok "$p"
  done
}

# ---------------------------------------------------------------- postgres
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

up_postgres() {
  local d=$R/pg t
  if pid_of postgres postgres >/dev/null; then say "  postgres already running ($(cat "$R/postgres.pid"))"; return; fi
  if [ -f "$d/data/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$d/data" status >/dev/null 2>&1; then
    head -1 "$d/data/postmaster.pid" >"$R/postgres.pid" # running, but its PID file here was lost
    say "  postgres already running ($(cat "$R/postgres.pid"))"
    return
  fi
  mkdir -p "$d/archive"
  chown -R postgres:postgres "$d"
  if [ ! -f "$d/data/PG_VERSION" ]; then
    t=$(now_us)
    runuser -u postgres -- "$PG_BIN/initdb" -D "$d/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$d/initdb.log"
    cat >>"$d/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$d'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $d/archive/%f && cp %p $d/archive/%f'
CONF
    say "  initdb in $(secs "$t") s"
  fi
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 30 start >/dev/null
  head -1 "$d/data/postmaster.pid" >"$R/postgres.pid"
  waitfor "postgres on 127.0.0.1:$PG_PORT" 10 "$(cat "$R/postgres.pid")" pg_ready
}

# ---------------------------------------------------------------- commands
env_lines() {
  local k v
  while IFS='=' read -r k v; do printf 'export %s=%q\n' "$k" "$v"; done <<EOF
HOMEOPS_SVC_DIR=$R
DOCKER_HOST=unix://$DOCKER_SOCK
HOMEOPS_TEST_DOCKER_IMAGE=$IMAGE
HOMEOPS_TEST_SSH_HOST=127.0.0.1
HOMEOPS_TEST_SSH_PORT=$SSH_PORT
HOMEOPS_TEST_SSH_USER=runbook
HOMEOPS_TEST_SSH_KEY=$R/ssh/id_ed25519
HOMEOPS_TEST_KNOWN_HOSTS=$R/ssh/known_hosts
HOMEOPS_TEST_DNS1=127.0.0.1:$DNS1_PORT
HOMEOPS_TEST_DNS2=127.0.0.1:$DNS2_PORT
HOMEOPS_TEST_DNS1_PIDFILE=$R/dns1.pid
HOMEOPS_TEST_DNS2_PIDFILE=$R/dns2.pid
PGHOST=127.0.0.1
PGPORT=$PG_PORT
PGUSER=postgres
HOMEOPS_TEST_PG_DATA=$R/pg/data
HOMEOPS_TEST_PG_ARCHIVE=$R/pg/archive
EOF
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "up needs root (it adds the runbook user and runs PostgreSQL as postgres)"
  need dockerd docker curl busybox /usr/sbin/sshd ssh ssh-keygen dnsmasq dig "$PG_BIN/initdb" runuser setsid
  local t0
  t0=$(now_us)
  mkdir -p "$R"
  chmod 755 "$R"
  say "services.sh up ($R)"
  up_docker
  up_sshd
  up_dns
  up_postgres
  env_lines >"$R/env.sh"
  say "all services up in $(secs "$t0") s; environment: source $R/env.sh"
}

cmd_down() {
  local t0 ids
  t0=$(now_us)
  say "services.sh down ($R)"
  if pid_of dockerd dockerd >/dev/null; then
    ids=$(docker_cli ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker_cli rm -f $ids >/dev/null 2>&1 || true
  fi
  stop postgres postgres INT # fast shutdown
  stop dns2 dnsmasq TERM
  stop dns1 dnsmasq TERM
  stop sshd sshd TERM
  stop dockerd dockerd TERM # containerd goes with it
  sweep
  say "all services down in $(secs "$t0") s"
}

cmd_reset() {
  cmd_down
  [ -d "$R" ] || return 0
  # Leftover mounts (containers of a dockerd that was killed) first, so that rm never crosses into them.
  awk -v r="$R/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$R"
  say "removed $R"
}

cmd_status() {
  local n c p all=0
  for nc in dockerd:dockerd sshd:sshd dns1:dnsmasq dns2:dnsmasq postgres:postgres; do
    n=${nc%%:*} c=${nc##*:}
    if p=$(pid_of "$n" "$c"); then say "$n running ($p)"; else say "$n stopped"; all=1; fi
  done
  return $all
}

cmd_check() {
  local t ok=0 st
  health() { [ "$(docker_cli inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = "$2" ]; }
  docker_cli rm -f homeops-check-ok homeops-check-bad >/dev/null 2>&1 || true
  t=$(now_us)
  docker_cli run -d --name homeops-check-ok --network none --health-cmd true --health-interval 1s --health-retries 1 "$IMAGE" sleep 60 >/dev/null
  docker_cli run -d --name homeops-check-bad --network none --health-cmd false --health-interval 1s --health-retries 1 "$IMAGE" sleep 60 >/dev/null
  waitfor "container healthy" 15 - health homeops-check-ok healthy || ok=1
  waitfor "container unhealthy" 15 - health homeops-check-bad unhealthy || ok=1
  docker_cli rm -f homeops-check-ok homeops-check-bad >/dev/null
  say "  docker: $(secs "$t") s"
  waitfor "ssh runbook@127.0.0.1:$SSH_PORT" 5 - sshd_login runbook || ok=1
  waitfor "ssh root@127.0.0.1:$SSH_PORT" 5 - sshd_login root || ok=1
  waitfor "dig @127.0.0.1 -p $DNS1_PORT" 5 - dig_ok "$DNS1_PORT" || ok=1
  waitfor "dig @127.0.0.1 -p $DNS2_PORT" 5 - dig_ok "$DNS2_PORT" || ok=1
  [ "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$DNS2_PORT" TXT instance.home)" = '"dns2"' ] || { say "dns2 TXT instance.home wrong" >&2; ok=1; }
  psqlc() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -XAtq -c "$1"; }
  before=$(psqlc 'select archived_count from pg_stat_archiver')
  psqlc 'select pg_switch_wal()' >/dev/null
  archived() { [ "$(psqlc 'select archived_count from pg_stat_archiver')" -gt "$before" ]; }
  waitfor "WAL segment archived" 10 - archived || ok=1
  st=OK
  [ $ok = 0 ] || st=FAILED
  say "check: $st"
  return $ok
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  reset) cmd_reset ;;
  env) env_lines ;;
  status) cmd_status ;;
  check) cmd_check ;;
  packages) echo "$PACKAGES" ;;
  *) die "usage: services.sh up|down|reset|env|status|check|packages" ;;
esac
