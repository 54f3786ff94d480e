#!/bin/sh
# The lesson typed by hand, as a plain shell script: the baseline of `make bench`'s fresh runs.
# Reset (the lab's containers only), two containers, `ip addr` on the host and in each, and the
# same cells as lab.yml's docker0 lesson (C5-C9). Touches only containers carrying the lab's label.
# Name lookups go to 127.0.0.1 (--dns), as in the bench's lab runs: nothing leaves the machine.
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
  docker run -dit --pull never --name "$name" --label "$label=true" --dns 127.0.0.1 "$image" >/dev/null
done

exec sh "$(dirname "$0")/lesson_check.sh"
