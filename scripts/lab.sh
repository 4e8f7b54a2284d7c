#!/usr/bin/env bash
# The lab estate: the reference estate (examples/estate.yaml) rebuilt on this machine's loopback, so that
# the built-in runbooks run for real and backups are restored to prove them (docs/runbooks.md,
# "Drills"). What it is made of:
#
#   workstation  127.0.10.10  sshd (user homeops-ws); in Docker: postgres (WAL archived to the
#                             NAS's share), pihole (dnsmasq, primary DNS), nginx (/health),
#                             central-agent, api-gateway, agent-orchestrator (health checks)
#   nas          127.0.10.20  sshd (user homeops-nas); /volume1 (the shares: backups, WAL
#                             archive); in Docker: nas-pihole (secondary DNS), the failover
#                             services homeops-failover-*-1 (created, stopped), backups (the
#                             backup schedule: pg_dump, base backups, config/app/media sets)
#   router       127.0.10.1   dnsmasq as a DNS cache; its DHCP server runs in a network namespace
#                             of its own, joined by a veth pair to a LAN namespace where
#                             `lab.sh dhcp-client` asks for a lease as a client of the house would
#
# One Docker engine (its own dockerd, socket and data under the lab's folder) serves both hosts:
# the NAS's containers carry the names its Container Manager would give them.
#
#   scripts/lab.sh build         what needs the package registries: Debian packages on this
#                                machine and the container image (debootstrap), cached by content
#   scripts/lab.sh up            start what is not running, put the estate in its normal state
#                                (idempotent; works offline after build); writes $R/env.sh and
#                                $R/config.yaml (examples/lab.yaml with addresses, ports, paths)
#   scripts/lab.sh down          stop everything the lab started
#   scripts/lab.sh reset         down, then remove the lab's folder (the cache stays)
#   scripts/lab.sh status        one line per part
#   scripts/lab.sh env           print the environment lines of env.sh
#   scripts/lab.sh dhcp-client   ask the router's DHCP for a lease from the LAN namespace;
#                                prints "address=… dns=… …" (the DNS servers handed out)
#   scripts/lab.sh backup NAME   make a backup now: dump, base, config, app, media, all
#   scripts/lab.sh stop-nas      the NAS goes away: its sshd and every session of it stopped
#   scripts/lab.sh packages      the Debian packages the lab needs on this machine
#
# Nothing listens on anything but 127.0.10.x (HOMEOPS_LAB_NET); the DHCP LAN (192.0.2.0/24,
# TEST-NET-1) exists only between the two namespaces the script makes. Needs root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
R=${HOMEOPS_LAB_DIR:-/tmp/homeops-lab}
CACHE=${HOMEOPS_LAB_CACHE:-/var/cache/homeops-lab}
NET=${HOMEOPS_LAB_NET:-127.0.10}
WS=$NET.10
NAS=$NET.20
ROUTER=$NET.1
SSH_PORT=${HOMEOPS_LAB_SSH_PORT:-2022}
WEB_PORT=8080
PG_PORT=5432
WS_USER=homeops-ws
NAS_USER=homeops-nas
GROUP=homeops-lab
DOCKER_SOCK=$R/docker/docker.sock
# The backup schedule's pace: a dump every DUMP_EVERY seconds (the reference: 4 h).
DUMP_EVERY=${HOMEOPS_LAB_DUMP_EVERY:-14400}
PACKAGES="docker.io busybox-static openssh-server openssh-client dnsmasq dnsutils iproute2 sudo logrotate debootstrap curl"
# In the image: PostgreSQL 15 (server, client, pg_amcheck), dnsmasq (the Pi-holes' DNS core),
# busybox (httpd for the services' health endpoints, nslookup, wget).
IMAGE_PACKAGES="postgresql-15 dnsmasq-base busybox"
SUITE=$( (. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}") 2>/dev/null || echo bookworm)
# Names of the namespaces and veth ends: short (15 characters at most) and tied to the lab's folder.
TAG=hl$(printf '%s' "$R" | sha256sum | cut -c1-6)
NS_ROUTER=$TAG-router
NS_LAN=$TAG-lan
VETH_ROUTER=${TAG}r
VETH_LAN=${TAG}c

# ---------------------------------------------------------------- helpers
# shellcheck source=scripts/lib/processes.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"
die() { printf 'lab.sh: %s\n' "$*" >&2; exit 1; }

pid_of() { # pid_of <name> <comm>: the PID in $R/run/<name>.pid if that process is alive and is <comm>
  local p
  [ -f "$R/run/$1.pid" ] || return 1
  p=$(cat "$R/run/$1.pid")
  alive "$p" || return 1
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] || return 1
  echo "$p"
}

descendants() { # descendants <pid>: every live descendant, children first
  local kids k
  kids=$(awk -v pp="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($2 == pp) print pid }' /proc/[0-9]*/stat 2>/dev/null || true)
  for k in $kids; do
    echo "$k"
    descendants "$k"
  done
}

stop() { # stop <name> <comm> <signal>: signal it and its descendants, wait up to 20 s, then SIGKILL
  local name=$1 comm=$2 sig=$3 p t i kids
  if p=$(pid_of "$name" "$comm"); then
    t=$(now_us)
    kids=$(descendants "$p")
    kill "-$sig" "$p" 2>/dev/null || true
    for ((i = 0; i < 400; i++)); do alive "$p" || break; sleep 0.05; done
    if alive "$p"; then say "  $name ($p) still alive after 20 s: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; fi
    # shellcheck disable=SC2086
    [ -z "$kids" ] || kill -TERM $kids 2>/dev/null || true
    say "  stopped $name ($p) in $(secs "$t") s"
  fi
  rm -f "$R/run/$name.pid"
}

need() {
  local missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}; run scripts/lab.sh build (or apt-get install -y --no-install-recommends $PACKAGES)"
}


# ---------------------------------------------------------------- build (needs the registries)
mirror() { # the Debian mirror apt itself uses
  local uri
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

build_rootfs() { # build_rootfs <dir>: a minimal Debian with the image's packages
  local dir=$1
  debootstrap --variant=minbase "$SUITE" "$dir" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$CACHE/debootstrap.log" >&2; return 1; }
  # Nothing starts at install time, no cluster is made (the container makes its own), and the
  # postgres user has the uid the official images use (999), so that data directories moved
  # between them keep their owner.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  mkdir -p "$dir/etc/postgresql-common"
  echo 'create_main_cluster = false' >"$dir/etc/postgresql-common/createcluster.conf"
  chroot "$dir" groupadd -r -g 999 postgres
  chroot "$dir" useradd -r -u 999 -g 999 -d /var/lib/postgresql -s /bin/bash postgres
  mount -t proc proc "$dir/proc"
  local rc=0
  # shellcheck disable=SC2086
  chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confold $IMAGE_PACKAGES >"$CACHE/image-apt.log" 2>&1 || rc=$?
  umount "$dir/proc"
  [ $rc = 0 ] || { tail -20 "$CACHE/image-apt.log" >&2; return $rc; }
  chroot "$dir" apt-get clean
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/*
  mkdir -p "$dir/var/log/pihole" "$dir/var/run/postgresql"
  chroot "$dir" chown postgres:postgres /var/run/postgresql
}

# The image's identity: the suite, its packages and the recipe itself; a change to any of them
# builds a new one.
ROOTFS_HASH=$( { echo "$SUITE $IMAGE_PACKAGES"; declare -f build_rootfs; } | sha256sum | cut -c1-12)
IMAGE_TAR=$CACHE/debian-$SUITE-$ROOTFS_HASH.tar.gz
# PostgreSQL's programs on the PATH, as in the official postgres images (Debian puts only some
# of them in /usr/bin: pg_amcheck is not).
IMAGE_ENV="PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
IMAGE=homeops-lab/debian:$(echo "$ROOTFS_HASH $IMAGE_ENV" | sha256sum | cut -c1-12)

apt_packages() { # install the host's packages that are missing
  local missing=() p policy=/usr/sbin/policy-rc.d own=no rc=0
  for p in $PACKAGES; do dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -gt 0 ] || { say "  packages: all installed"; return 0; }
  say "  packages: installing ${missing[*]}"
  apt-get update -q >"$CACHE/apt-update.log" 2>&1 || { tail -5 "$CACHE/apt-update.log" >&2; return 1; }
  # Debian's packages must not start their own daemons (sshd on 22, dnsmasq on 53).
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && own=yes; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >"$CACHE/apt-install.log" 2>&1 || rc=$?
  [ $own = no ] || rm -f $policy
  [ $rc = 0 ] || { tail -20 "$CACHE/apt-install.log" >&2; return $rc; }
}

cmd_build() {
  [ "$(id -u)" = 0 ] || die "build needs root"
  local t0 t tmp
  t0=$(now_us)
  mkdir -p "$CACHE"
  say "lab.sh build (cache $CACHE)"
  apt_packages
  if [ -s "$IMAGE_TAR" ]; then
    say "  image $IMAGE: cached ($IMAGE_TAR)"
  else
    t=$(now_us)
    tmp=$CACHE/build.$$
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # shellcheck disable=SC2064
    trap "umount '$tmp/root/proc' 2>/dev/null || true; rm -rf --one-file-system '$tmp'" EXIT
    build_rootfs "$tmp/root"
    tar -C "$tmp/root" --numeric-owner -cf - . | gzip -1 >"$tmp/image.tar.gz"
    mv "$tmp/image.tar.gz" "$IMAGE_TAR"
    rm -rf --one-file-system "$tmp"
    trap - EXIT
    # Older images of the recipe are of no more use.
    find "$CACHE" -maxdepth 1 -name "debian-*.tar.gz" ! -name "$(basename "$IMAGE_TAR")" -delete
    say "  image $IMAGE built from Debian $SUITE in $(secs "$t") s ($(du -h "$IMAGE_TAR" | cut -f1))"
  fi
  say "build done in $(secs "$t0") s; now: scripts/lab.sh up"
}

# ---------------------------------------------------------------- users and files
up_users() {
  getent group "$GROUP" >/dev/null || groupadd "$GROUP"
  local u
  for u in "$WS_USER" "$NAS_USER"; do
    id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
    usermod -p '*' -a -G "$GROUP" "$u" # a locked ('!') account is refused by sshd when UsePAM is off
  done
  # The reference estate's commands use `sudo -n` for what its admin user may not do alone
  # (files of the postgres user, the router); the lab's users may do the same. They can use the
  # lab's Docker engine already, which is as much as root.
  if [ ! -f /etc/sudoers.d/homeops-lab ]; then
    printf '%s ALL=(ALL) NOPASSWD: ALL\n' "$WS_USER" "$NAS_USER" >/etc/sudoers.d/homeops-lab
    chmod 440 /etc/sudoers.d/homeops-lab
  fi
}

up_files() {
  mkdir -p "$R"/{run,ssh,docker,bin,router,lan,notes} "$R"/ws/{srv/homeops/postgres,log,mnt} "$R"/nas/volume1/backups/{config,app,media,db/base,db/wal}
  chmod 755 "$R" "$R/ws" "$R/nas"
  # The workstation sees the NAS's share where the reference estate mounts it (/mnt/nas).
  ln -sfn "$R/nas/volume1" "$R/ws/mnt/nas"
  chown -R "$NAS_USER:$GROUP" "$R/nas"
  chmod -R g+rwX,o+rX "$R/nas"
  # PostgreSQL (uid 999 in its container) writes the WAL archive; the backups container (root) the rest.
  chown 999:999 "$R/nas/volume1/backups/db/wal"
  if [ ! -d "$R/ws/srv/homeops/postgres/data" ]; then
    mkdir -p "$R/ws/srv/homeops/postgres/data"
    chown 999:999 "$R/ws/srv/homeops/postgres/data"
    chmod 700 "$R/ws/srv/homeops/postgres/data"
  fi
  chown "$WS_USER:$GROUP" "$R/ws" "$R/ws/log" "$R/ws/srv/homeops"
  touch "$R/nas/notifications.log"
  chown "$NAS_USER:$GROUP" "$R/nas/notifications.log"
  # A log for the maintenance window's log rotation, and its own rotation config and state.
  [ -f "$R/ws/log/homeops.log" ] || echo "$(date -Is) lab started" >"$R/ws/log/homeops.log"
  cat >"$R/ws/logrotate.conf" <<CONF
$R/ws/log/*.log {
  rotate 4
  size 1
  missingok
  notifempty
  compress
}
CONF
  chown -R "$WS_USER:$GROUP" "$R/ws/log" "$R/ws/logrotate.conf"
  write_container_scripts
}

# Scripts the containers run, mounted read-only at /lab: the image stays plain Debian.
write_container_scripts() {
  cat >"$R/bin/postgres.sh" <<'SH'
#!/bin/sh
# PostgreSQL of the workstation: a cluster made on first start, WAL archived to /wal-archive
# (the NAS's share), listening on the workstation's address.
set -e
export PATH=/usr/lib/postgresql/15/bin:$PATH
D=/var/lib/postgresql/data
if [ ! -s "$D/PG_VERSION" ]; then
  initdb -D "$D" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$D/postgresql.conf" <<CONF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f /wal-archive/%f && cp %p /wal-archive/%f'
archive_timeout = 300
fsync = off
full_page_writes = on
CONF
  echo 'host all all 127.0.0.0/8 trust' >>"$D/pg_hba.conf"
  echo 'host replication all 127.0.0.0/8 trust' >>"$D/pg_hba.conf"
fi
exec postgres -D "$D" -c listen_addresses="$LISTEN" -c port="$PORT" -c unix_socket_directories=/var/run/postgresql
SH
  cat >"$R/bin/pihole.sh" <<'SH'
#!/bin/sh
# A Pi-hole's DNS core: dnsmasq answering the house's names, logging every query where
# Pi-hole logs them (/var/log/pihole/pihole.log).
mkdir -p /var/log/pihole
exec dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
  --listen-address="$LISTEN" --bind-interfaces --port=53 --user=root --group=root \
  --log-queries --log-facility=/var/log/pihole/pihole.log \
  --address=/workstation.home/"$WS" --address=/nas.home/"$NAS" --address=/router.home/"$ROUTER" \
  --address=/blocked.example/0.0.0.0 --txt-record=instance.home,"$NAME" --local=/home/ \
  --domain-needed --bogus-priv --cache-size=150
SH
  cat >"$R/bin/service.sh" <<'SH'
#!/bin/sh
# An application service: an HTTP server whose /health answers.
mkdir -p /www
echo ok >/www/health
exec busybox httpd -f -p "$LISTEN" -h /www
SH
  cat >"$R/bin/healthy.sh" <<'SH'
#!/bin/sh
# Health of an application service: its /health answers and, when it uses the database, the
# database accepts connections.
busybox wget -q -O /dev/null "http://$LISTEN/health" || exit 1 # (-T makes Debian's busybox 1.35 crash)
[ -z "$DATABASE" ] || pg_isready -q -t 2 -h "${DATABASE%:*}" -p "${DATABASE#*:}" || exit 1
SH
  cat >"$R/bin/backups.sh" <<'SH'
#!/bin/sh
# The backup jobs of the estate, writing to the NAS's share (/backups): pg_dump every
# DUMP_EVERY seconds, a base backup when there is none, the configuration's continuous sync
# (30 versions), application data (7 days) and the media mirror's stamp (weekly).
export PATH=/usr/lib/postgresql/15/bin:$PATH
stamp() { date -u +%Y%m%dT%H%M%SZ; }
dump() {
  f=/backups/db/homeops-$(stamp).dump
  pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres -Fc -f "/backups/db/.partial.dump" homeops &&
    chmod 644 /backups/db/.partial.dump && mv /backups/db/.partial.dump "$f" && echo "dump $f"
}
base() {
  d=/backups/db/base/$(stamp)
  pg_basebackup -h "$PGHOST" -p "$PGPORT" -U postgres -D "$d.partial" -Ft -z -X fetch -c fast &&
    chmod -R a+rX "$d.partial" && mv "$d.partial" "$d" && echo "base backup $d"
}
config() {
  f=/backups/config/config-$(stamp).tar.gz
  tar -C /lab-bin -czf "$f" . && chmod 644 "$f" && echo "config $f"
  ls -1t /backups/config/config-*.tar.gz | tail -n +31 | xargs -r rm -f
}
app() {
  f=/backups/app/app-$(stamp).tar.gz
  tar -C /etc -czf "$f" hostname hosts passwd && chmod 644 "$f" && echo "app $f"
}
media() { touch /backups/media/.last-sync && echo "media synced"; }
case "$1" in
  dump | base | config | app | media) "$1" ;;
  all) dump && base && config && app && media ;;
  loop)
    until pg_isready -q -h "$PGHOST" -p "$PGPORT"; do sleep 1; done
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -Atqc "select 1 from pg_database where datname = 'homeops'" | grep -q 1 || exit 1
    ls /backups/db/base/*/base.tar.gz >/dev/null 2>&1 || base
    last_dump=0
    while :; do
      now=$(date +%s)
      if [ $((now - last_dump)) -ge "$DUMP_EVERY" ]; then dump && last_dump=$now; fi
      # The configuration syncs continuously (every half hour here), application data daily.
      find /backups/config -name 'config-*' -mmin -30 | grep -q . || config
      find /backups/app -name 'app-*' -mmin -1440 | grep -q . || app
      find /backups/media -name .last-sync -mmin -10080 | grep -q . || media
      sleep 60
    done ;;
  *) echo "usage: backups.sh dump|base|config|app|media|all|loop" >&2; exit 64 ;;
esac
SH
  chmod 755 "$R"/bin/*.sh
}

# ---------------------------------------------------------------- docker
up_docker() {
  if pid_of dockerd dockerd >/dev/null; then
    say "  dockerd already running ($(cat "$R/run/dockerd.pid"))"
  else
    setsid dockerd --host "unix://$DOCKER_SOCK" --group "$GROUP" --data-root "$R/docker/data" --exec-root "$R/docker/exec" \
      --pidfile "$R/docker/dockerd.pid" --iptables=false --ip6tables=false --bridge=none \
      --ip-forward=false --ip-masq=false --storage-driver "${HOMEOPS_DOCKER_DRIVER:-overlay2}" --log-level warn \
      </dev/null >>"$R/docker/dockerd.log" 2>&1 &
    echo $! >"$R/run/dockerd.pid"
    waitfor "dockerd" 30 $! docker_ping || die "dockerd did not start; see $R/docker/dockerd.log"
  fi
  if ! docker_cli image inspect "$IMAGE" >/dev/null 2>&1; then
    [ -s "$IMAGE_TAR" ] || die "no image $IMAGE_TAR: run scripts/lab.sh build first (it needs the package registries; up does not)"
    local t
    t=$(now_us)
    docker_cli import --change "ENV $IMAGE_ENV" "$IMAGE_TAR" "$IMAGE" >/dev/null
    say "  image $IMAGE imported in $(secs "$t") s"
  fi
}

# container <name> <docker create arguments…>: created, or made again when its arguments have
# changed (a label holds their hash); the data lives in bind mounts, so nothing is lost.
container() {
  local name=$1 spec had
  shift
  spec=$(printf '%s\n' init "$@" | sha256sum | cut -c1-12)
  if had=$(docker_cli container inspect -f '{{index .Config.Labels "homeops.lab.spec"}}' "$name" 2>/dev/null); then
    [ "$had" = "$spec" ] && return 0
    docker_cli rm -f "$name" >/dev/null
  fi
  # --init: an init (tini) as PID 1 passes `docker stop`'s SIGTERM on; busybox's httpd as PID 1
  # would ignore it and be killed only after the stop's grace time.
  docker_cli create --name "$name" --init --network host --label homeops.lab=1 --label "homeops.lab.spec=$spec" \
    --health-interval 2s --health-timeout 3s --health-retries 2 --health-start-period 30s \
    -v "$R/bin:/lab-bin:ro" "$@" >/dev/null
}

running() { [ "$(docker_cli inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
healthy() { [ "$(docker_cli inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = healthy ]; }

up_containers() {
  local addr="-e WS=$WS -e NAS=$NAS -e ROUTER=$ROUTER"
  # shellcheck disable=SC2086
  {
    container postgres --user 999:999 -e LISTEN="$WS" -e PORT=$PG_PORT \
      -v "$R/ws/srv/homeops/postgres/data:/var/lib/postgresql/data" -v "$R/nas/volume1/backups/db/wal:/wal-archive" \
      --health-cmd 'pg_isready -q -U postgres' "$IMAGE" /lab-bin/postgres.sh
    container pihole $addr -e LISTEN="$WS" -e NAME=primary --health-cmd "busybox nslookup -type=a nas.home $WS" "$IMAGE" /lab-bin/pihole.sh
    container nginx -e LISTEN="$WS:$WEB_PORT" --health-cmd /lab-bin/healthy.sh "$IMAGE" /lab-bin/service.sh
    container central-agent -e LISTEN="$WS:8081" -e DATABASE="$WS:$PG_PORT" --health-cmd /lab-bin/healthy.sh "$IMAGE" /lab-bin/service.sh
    container api-gateway -e LISTEN="$WS:8082" -e DATABASE="$WS:$PG_PORT" --health-cmd /lab-bin/healthy.sh "$IMAGE" /lab-bin/service.sh
    container agent-orchestrator -e LISTEN="$WS:8083" -e DATABASE="$WS:$PG_PORT" --health-cmd /lab-bin/healthy.sh "$IMAGE" /lab-bin/service.sh
    container nas-pihole $addr -e LISTEN="$NAS" -e NAME=secondary --health-cmd "busybox nslookup -type=a nas.home $NAS" "$IMAGE" /lab-bin/pihole.sh
    container homeops-failover-auth-1 -e LISTEN="$NAS:8090" --health-cmd /lab-bin/healthy.sh "$IMAGE" /lab-bin/service.sh
    container homeops-failover-gateway-1 -e LISTEN="$NAS:8091" -e DATABASE="$WS:$PG_PORT" --health-cmd /lab-bin/healthy.sh "$IMAGE" /lab-bin/service.sh
    container backups -e PGHOST="$WS" -e PGPORT=$PG_PORT -e DUMP_EVERY="$DUMP_EVERY" -v "$R/nas/volume1/backups:/backups" \
      --health-cmd true "$IMAGE" /lab-bin/backups.sh loop
  }
}

# The normal state of the estate: everything of the workstation up and healthy, the NAS's
# Pi-hole up, its failover services stopped, DHCP handing out the workstation first.
normal_state() {
  local c t
  docker_cli start postgres >/dev/null
  waitfor "postgres healthy" 60 - healthy postgres || { docker_cli logs --tail 20 postgres >&2; return 1; }
  docker_cli exec postgres psql -U postgres -Atqc "select 1 from pg_database where datname = 'homeops'" | grep -q 1 || seed_database
  docker_cli stop -t 2 homeops-failover-auth-1 homeops-failover-gateway-1 >/dev/null
  docker_cli start pihole nginx central-agent api-gateway agent-orchestrator nas-pihole backups >/dev/null
  for c in pihole nginx central-agent api-gateway agent-orchestrator nas-pihole; do
    waitfor "$c healthy" 60 - healthy "$c" || return 1
  done
  dhcp_dns "$WS,$NAS,$ROUTER"
  t=$(now_us)
  # A dump, a base backup and every other set present, so that the lab starts fresh.
  until ls "$R"/nas/volume1/backups/db/*.dump >/dev/null 2>&1 && ls "$R"/nas/volume1/backups/db/base/*/base.tar.gz >/dev/null 2>&1; do
    running backups || { docker_cli logs --tail 20 backups >&2; die "the backups container stopped"; }
    [ $(($(now_us) - t)) -lt 60000000 ] || die "no dump and base backup after 60 s; see docker logs backups"
    sleep 0.2
  done
}

seed_database() {
  docker_cli exec -i postgres psql -U postgres -v ON_ERROR_STOP=1 -q >/dev/null <<'SQL'
create database homeops;
\c homeops
create table accounts (id serial primary key, name text not null unique, created timestamptz not null default now());
create table events (id bigserial primary key, account int not null references accounts, at timestamptz not null default now(), kind text not null, detail text);
create index events_at on events (at);
insert into accounts (name) select 'account-' || i from generate_series(1, 50) i;
insert into events (account, kind, detail) select 1 + i % 50, 'seed', md5(i::text) from generate_series(1, 5000) i;
SQL
  say "  database homeops seeded (accounts 50, events 5000)"
}

# ---------------------------------------------------------------- sshd (two hosts)
sshd_login() { # sshd_login <address> <user>
  ssh -i "$R/ssh/id_ed25519" -p "$SSH_PORT" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=3 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$R/ssh/known_hosts" -o LogLevel=ERROR "$2@$1" true
}

up_sshd() { # up_sshd <host> <address> <user>
  local h=$1 addr=$2 user=$3 s=$R/ssh
  if pid_of "sshd-$h" sshd >/dev/null; then say "  sshd of $h already running ($(cat "$R/run/sshd-$h.pid"))"; return; fi
  cp "$s/id_ed25519.pub" "$s/authorized_keys.d/$user"
  chown "$user" "$s/authorized_keys.d/$user"
  chmod 600 "$s/authorized_keys.d/$user"
  cat >"$s/$h/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress $addr
HostKey $s/$h/host_ed25519
PidFile $s/$h/sshd.pid
AuthorizedKeysFile $s/authorized_keys.d/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $user
StrictModes no
UsePAM no
MaxSessions 30
SetEnv DOCKER_HOST=unix://$DOCKER_SOCK HOMEOPS_LAB_DIR=$R
Subsystem sftp internal-sftp
CFG
  mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$s/$h/sshd_config"
  setsid /usr/sbin/sshd -D -e -f "$s/$h/sshd_config" </dev/null >>"$s/$h/sshd.log" 2>&1 &
  echo $! >"$R/run/sshd-$h.pid"
  waitfor "sshd of $h on $addr:$SSH_PORT" 10 $! sshd_login "$addr" "$user"
}

ssh_keys() { # host keys of both hosts, the lab's user key, and known_hosts pinning the host keys
  local s=$R/ssh h
  mkdir -p "$s/authorized_keys.d" "$s/ws" "$s/nas"
  chmod 755 "$s"
  for h in ws nas; do [ -f "$s/$h/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "homeops-lab-$h" -f "$s/$h/host_ed25519"; done
  [ -f "$s/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C homeops-lab -f "$s/id_ed25519"
  {
    printf '[%s]:%s %s\n' "$WS" "$SSH_PORT" "$(cut -d' ' -f1,2 "$s/ws/host_ed25519.pub")"
    printf '[%s]:%s %s\n' "$NAS" "$SSH_PORT" "$(cut -d' ' -f1,2 "$s/nas/host_ed25519.pub")"
  } >"$s/known_hosts"
  chmod 644 "$s/known_hosts"
}

# ---------------------------------------------------------------- router: DNS cache, DHCP in a namespace
dig_ok() { dig +short +time=1 +tries=1 @"$1" nas.home | grep -qx "$NAS"; }

up_router_dns() {
  if pid_of router-dns dnsmasq >/dev/null; then say "  router DNS already running"; return; fi
  # The router's tertiary DNS: a cache in front of the two Pi-holes.
  setsid dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --listen-address="$ROUTER" --bind-interfaces --port=53 --user=root --group=root \
    --server="$WS" --server="$NAS" --all-servers --log-facility="$R/router/dns.log" --cache-size=150 \
    </dev/null >>"$R/router/dns.out" 2>&1 &
  echo $! >"$R/run/router-dns.pid"
  waitfor "router DNS on $ROUTER:53" 10 $! dig_ok "$ROUTER"
}

ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

up_lan() {
  if ! ns_exists "$NS_ROUTER"; then
    ip netns add "$NS_ROUTER"
    ip netns add "$NS_LAN"
    ip link add "$VETH_ROUTER" type veth peer name "$VETH_LAN"
    ip link set "$VETH_ROUTER" netns "$NS_ROUTER"
    ip link set "$VETH_LAN" netns "$NS_LAN"
    ip -n "$NS_ROUTER" addr add 192.0.2.1/24 dev "$VETH_ROUTER"
    ip -n "$NS_ROUTER" link set lo up
    ip -n "$NS_ROUTER" link set "$VETH_ROUTER" up
    ip -n "$NS_LAN" link set lo up
    ip -n "$NS_LAN" link set "$VETH_LAN" up
  fi
  [ -f "$R/router/dhcp-options" ] || echo "option:dns-server,$WS,$NAS,$ROUTER" >"$R/router/dhcp-options"
  cat >"$R/lan/udhcpc.script" <<'SH'
#!/bin/sh
# udhcpc's hook: what the lease handed out, one line.
[ "$1" = bound ] && echo "address=$ip dns=$(echo $dns | tr ' ' ,) router=$router lease=$lease"
exit 0
SH
  chmod 755 "$R/lan/udhcpc.script"
  if pid_of router-dhcp dnsmasq >/dev/null; then say "  router DHCP already running"; return; fi
  # DNS off (port 0): this instance only hands out leases, and the DNS servers with them.
  setsid ip netns exec "$NS_ROUTER" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
    --interface="$VETH_ROUTER" --bind-interfaces --dhcp-range=192.0.2.100,192.0.2.199,255.255.255.0,1h \
    --dhcp-optsfile="$R/router/dhcp-options" --dhcp-leasefile="$R/router/leases" --dhcp-authoritative \
    --pid-file="$R/router/dhcp.pid" --log-dhcp --log-facility="$R/router/dhcp.log" --user=root --group=root \
    </dev/null >>"$R/router/dhcp.out" 2>&1 &
  echo $! >"$R/run/router-dhcp.pid"
  waitfor "router DHCP in namespace $NS_ROUTER" 15 $! dhcp_answers
}

dhcp_client() { ip netns exec "$NS_LAN" busybox udhcpc -i "$VETH_LAN" -n -q -f -t 3 -T 1 -A 1 -s "$R/lan/udhcpc.script" 2>/dev/null | grep '^address='; }
dhcp_answers() { dhcp_client | grep -q "dns="; }

# What DHCP hands out as DNS servers (the router's reload: dnsmasq reads its options file again on SIGHUP).
dhcp_dns() {
  local want="option:dns-server,$1"
  [ "$(cat "$R/router/dhcp-options" 2>/dev/null)" = "$want" ] && return 0
  echo "$want" >"$R/router/dhcp-options"
  kill -HUP "$(cat "$R/router/dhcp.pid")"
  say "  DHCP hands out DNS $1"
}

# ---------------------------------------------------------------- config and environment
write_config() {
  sed -e "s|@LAB@|$R|g" -e "s|@WS@|$WS|g" -e "s|@NAS@|$NAS|g" -e "s|@ROUTER@|$ROUTER|g" \
    -e "s|@SSH_PORT@|$SSH_PORT|g" -e "s|@WEB_PORT@|$WEB_PORT|g" -e "s|@PG_PORT@|$PG_PORT|g" \
    -e "s|@WS_USER@|$WS_USER|g" -e "s|@NAS_USER@|$NAS_USER|g" -e "s|@REPO@|$ROOT|g" \
    "$ROOT/examples/lab.yaml" >"$R/config.yaml.new"
  mv "$R/config.yaml.new" "$R/config.yaml"
}

env_lines() {
  local k v
  while IFS='=' read -r k v; do printf 'export %s=%q\n' "$k" "$v"; done <<EOF
HOMEOPS_LAB_DIR=$R
HOMEOPS_CONFIG=$R/config.yaml
HOMEOPS_LAB_DOCKER_HOST=unix://$DOCKER_SOCK
HOMEOPS_LAB_WS=$WS
HOMEOPS_LAB_NAS=$NAS
HOMEOPS_LAB_ROUTER=$ROUTER
HOMEOPS_LAB_SSH_PORT=$SSH_PORT
HOMEOPS_LAB_SSH_KEY=$R/ssh/id_ed25519
HOMEOPS_LAB_KNOWN_HOSTS=$R/ssh/known_hosts
HOMEOPS_LAB_IMAGE=$IMAGE
EOF
}

# ---------------------------------------------------------------- commands
cmd_up() {
  [ "$(id -u)" = 0 ] || die "up needs root (it adds the lab's users and network namespaces)"
  need dockerd docker curl busybox /usr/sbin/sshd ssh ssh-keygen dnsmasq dig ip sudo setsid
  local t0
  t0=$(now_us)
  say "lab.sh up ($R, addresses $NET.x)"
  mkdir -p "$R"
  up_users
  up_files
  up_docker
  up_containers
  ssh_keys
  up_sshd ws "$WS" "$WS_USER"
  up_sshd nas "$NAS" "$NAS_USER"
  up_lan
  normal_state
  up_router_dns
  write_config
  env_lines >"$R/env.sh"
  say "lab up in $(secs "$t0") s; environment: source $R/env.sh"
}

cmd_down() {
  local t0 ids
  t0=$(now_us)
  say "lab.sh down ($R)"
  if pid_of dockerd dockerd >/dev/null; then
    ids=$(docker_cli ps -q 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker_cli stop -t 2 $ids >/dev/null 2>&1 || true
  fi
  stop router-dhcp dnsmasq TERM
  stop router-dns dnsmasq TERM
  stop sshd-nas sshd TERM
  stop sshd-ws sshd TERM
  stop dockerd dockerd TERM
  for ns in "$NS_LAN" "$NS_ROUTER"; do ns_exists "$ns" && ip netns del "$ns"; done
  say "lab down in $(secs "$t0") s"
}

cmd_reset() {
  cmd_down
  if [ -d "$R" ]; then
    awk -v r="$R/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system "$R"
    say "removed $R"
  fi
  rm -f /etc/sudoers.d/homeops-lab
}

cmd_status() {
  local all=0 n c p
  for nc in dockerd:dockerd sshd-ws:sshd sshd-nas:sshd router-dns:dnsmasq; do
    n=${nc%%:*} c=${nc##*:}
    if p=$(pid_of "$n" "$c"); then say "$n running ($p)"; else say "$n stopped"; all=1; fi
  done
  if p=$(pid_of router-dhcp dnsmasq); then say "router-dhcp running ($p, namespace $NS_ROUTER)"; else say "router-dhcp stopped"; all=1; fi
  if pid_of dockerd dockerd >/dev/null; then docker_cli ps -a --format '{{.Names}}\t{{.Status}}' | sort | sed 's/^/  /'; fi
  return $all
}

cmd_stop_nas() {
  # The NAS goes away: its sshd and every session it serves (a listener stopped alone would
  # leave the established connections working).
  stop sshd-nas sshd TERM
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  reset) cmd_reset ;;
  status) cmd_status ;;
  env) env_lines ;;
  dhcp-client) dhcp_client ;;
  backup) docker_cli exec backups /lab-bin/backups.sh "${2:-all}" ;;
  stop-nas) cmd_stop_nas ;;
  packages) echo "$PACKAGES" ;;
  *) die "usage: lab.sh build|up|down|reset|status|env|dhcp-client|backup NAME|stop-nas|packages" ;;
esac
