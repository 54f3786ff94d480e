#!/bin/sh
# A healthy lab checked again by hand: `ip addr` on the host and in each container, and the same
# cells as lab.yml's docker0 lesson (C5-C9), pinged one after the other. No container is created.
# The baseline of `make bench`'s warm runs (and the end of scripts/lesson.sh).
set -eu
names="alpine01 alpine02"

ip addr >/dev/null
for name in $names; do
  docker exec "$name" ip addr >/dev/null
done

# the addresses the lesson pings
bridge=$(ip -4 -o addr show docker0 | awk '{print $4}' | cut -d/ -f1)
device=$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')
outside=$(ip -4 -o addr show dev "$device" | awk '{print $4; exit}' | cut -d/ -f1)
for name in $names; do
  address=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' "$name")
  ping -c 1 -W 2 "$address" >/dev/null                          # C5 host -> container
  docker exec "$name" ping -c 1 -W 2 "$bridge" >/dev/null       # C6 container -> docker0
  docker exec "$name" ping -c 1 -W 2 "$outside" >/dev/null      # C7 container -> the host's primary address
  for other in $names; do
    [ "$other" = "$name" ] && continue
    docker exec "$name" ping -c 1 -W 2 "$(docker inspect -f '{{.NetworkSettings.IPAddress}}' "$other")" >/dev/null  # C8
  done
done
# C9: on the default bridge, alpine02 cannot resolve alpine01 (the lesson expects it to fail)
if docker exec alpine02 ping -c 1 -W 2 alpine01 >/dev/null 2>&1; then echo "lesson: alpine01 resolved on docker0" >&2; exit 1; fi
echo "lesson: all cells as expected"
