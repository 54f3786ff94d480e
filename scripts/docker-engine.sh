#!/usr/bin/env bash
# Make sure this machine has what vethlab's tests use, and a Docker engine that answers:
#   Docker engine (Debian/Ubuntu: docker.io), iproute2, ping, a static busybox.
# Starts the engine with systemd where systemd runs, else runs dockerd directly
# (CI sandboxes, WSL, containers), logging to /var/log/vethlab-dockerd.log.
set -euo pipefail

log=/var/log/vethlab-dockerd.log
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v ping >/dev/null 2>&1 || missing+=(iputils-ping)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=(busybox-static)

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "docker-engine.sh: missing ${missing[*]} and no apt-get here: install them by hand" >&2
    exit 1
  fi
  echo "docker-engine.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi

if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  systemctl start docker
else
  echo "docker-engine.sh: no systemd; starting dockerd directly (log: $log)"
  nohup dockerd >>"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "docker-engine.sh: the Docker engine did not answer within 60 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
