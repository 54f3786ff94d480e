#!/bin/sh
# The lesson's steps typed by hand, as a plain shell script: the baseline of `make bench`.
# Reset (the lab's containers only), two containers, `ip addr` three times, the same pings
# as lab.yml. Touches only containers carrying the lab's label.
# Usage: scripts/lesson.sh [IMAGE]
set -eu
image=${1:-vethlab/busybox:latest}
label=vethlab.lab
names="alpine01 alpine02"

# 清空实验环境 (only the lab's containers)
old=$(docker ps -aq --filter "label=$label=true")
[ -z "$old" ] || docker rm -f $old >/dev/null

# docker run -it --name alpine01 alpine (detached, as Ansible runs it)
for name in $names; do
  docker run -dit --pull never --name "$name" --label "$label=true" "$image" >/dev/null
done

# ip addr on the host and in each container
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
  ping -c 1 -W 2 "$address" >/dev/null                          # host -> container
  docker exec "$name" ping -c 1 -W 2 "$bridge" >/dev/null       # container -> docker0
  docker exec "$name" ping -c 1 -W 2 "$outside" >/dev/null      # container -> the host's primary address
  for other in $names; do
    [ "$other" = "$name" ] && continue
    docker exec "$name" ping -c 1 -W 2 "$(docker inspect -f '{{.NetworkSettings.IPAddress}}' "$other")" >/dev/null
  done
done
echo "lesson.sh: all pings answered"
