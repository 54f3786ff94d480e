#!/bin/sh
# The simulated machines' two images, built once per recipe (molecule/fleet/create.yml names them): a blank Debian
# as a teacher finds a student VM, and the same with Docker and the host tools preinstalled. make test runs the
# classroom's scenarios side by side: the first to need the images builds them while the others wait for it (an
# flock(2), let go by the kernel when its process ends), then finds them built.
#
#   node-images.sh IMAGE ENGINE_IMAGE SUITE MIRROR PACKAGES ENGINE_PACKAGES SETUP_SCRIPT
#
# PACKAGES and ENGINE_PACKAGES are comma-separated; SETUP_SCRIPT runs in the root folder (node-setup.sh).
# Prints "built" when it built them; nothing when both were there.
set -eu
image=$1 engine_image=$2 suite=$3 mirror=$4 packages=$5 engine_packages=$6 setup=$7
exec 9>"${TMPDIR:-/tmp}/vethlab-node-images.lock"
flock 9
docker image inspect "$image" "$engine_image" >/dev/null 2>&1 && exit 0
command -v debootstrap >/dev/null ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
root=$(mktemp -d "${TMPDIR:-/tmp}/vethlab-node-XXXXXX")
trap 'rm -rf "$root"' EXIT
import_root() {  # the root folder as it is now, as the node image $1
  tar -C "$root" -c . | docker import --change 'CMD ["/sbin/init"]' --change 'LABEL vethlab.fleet.node=true' - "$1" >/dev/null
}
# A minimal Debian (about 40 s), the teacher's user, sshd and first-boot keys: the blank node.
debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >/dev/null
chroot "$root" /bin/sh -s < "$setup"
import_root "$image"
# Docker and the host tools installed into the same root, no service started in the folder: the other node.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# shellcheck disable=SC2046 # the package names, split into words
chroot "$root" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null && apt-get clean' \
  sh $(echo "$engine_packages" | tr , ' ')
rm -f "$root/usr/sbin/policy-rc.d"
import_root "$engine_image"
echo built
