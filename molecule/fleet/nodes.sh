#!/bin/sh
# The simulated student machines, made and removed by this machine's docker: one command for all of a class's
# nodes (a task per node costs Ansible a module start each, about 0.5 s of CPU), called by create.yml and
# destroy.yml.
#
#   nodes.sh remove NETWORK NAME...            the nodes, their /var/lib/docker volumes and the class's network
#                                              (prints what it removed)
#   nodes.sh start NETWORK NAME IMAGE [...]    each node from its image: systemd as PID 1, its own /var/lib/docker
#                                              (the recipe in shared/notes/machine.md)
#   nodes.sh authorize KEY.pub NAME...         the key authorized for the teacher on each node
#   nodes.sh addresses NETWORK NAME...         "NAME ADDRESS" for each node on the class's network
set -eu
action=$1 first=$2  # the class's network, or (authorize) the key
shift 2
case $action in
remove)
  network=$first
  docker rm --force --volumes "$@" 2>/dev/null || true
  volumes=""
  for name; do volumes="$volumes vethlab-$name-docker"; done
  # shellcheck disable=SC2086 # the volumes' names are words of the nodes' names
  docker volume rm --force $volumes
  docker network rm "$network" 2>/dev/null || true
  ;;
start)
  network=$first
  while [ $# -ge 2 ]; do
    docker run --detach --pull=never --name="$1" --hostname="$1" --label=vethlab.fleet=true --network="$network" \
      --cap-add=ALL --cap-drop=SYS_RESOURCE --security-opt=seccomp=unconfined --security-opt=apparmor=unconfined \
      --security-opt=systempaths=unconfined --device-cgroup-rule='a *:* rwm' --cgroupns=host \
      --volume=/sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs=/run --tmpfs=/run/lock --tmpfs=/tmp \
      --volume="vethlab-$1-docker:/var/lib/docker" "$2" /sbin/init
    shift 2
  done
  ;;
authorize)
  key=$first
  for name; do
    docker exec -i "$name" sh -c 'cat > "$1" && chown 1000:1000 "$1" && chmod 0600 "$1"' sh /home/teacher/.ssh/authorized_keys < "$key"
  done
  ;;
addresses)
  network=$first
  for name; do
    address=$(docker inspect --format "{{with index .NetworkSettings.Networks \"$network\"}}{{.IPAddress}}{{end}}" "$name")
    [ -n "$address" ] || { echo "$name has no address on $network" >&2; exit 1; }
    echo "$name $address"
  done
  ;;
*)
  echo "nodes.sh: unknown action $action" >&2
  exit 2
  ;;
esac
