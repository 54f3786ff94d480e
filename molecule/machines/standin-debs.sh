#!/bin/sh
# Stand-in packages for a test, built into folder $1 from this machine's own Debian docker.io:
# docker-ce, docker-ce-cli and containerd.io (Docker's repository cannot be reached here, so
# its real packages cannot be downloaded), and podman-docker (a `docker` that is podman). They
# carry Docker CE's package names with Debian's binaries inside: what the role sees (dpkg's
# names, a running engine under systemd) is what a machine with Docker CE shows it. Test only.
set -eu
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
VERSION=20.10.24-standin

# package NAME DEPENDS DESCRIPTION FILE...  (each FILE copied from this machine to the same path)
package() {
  name=$1 depends=$2 description=$3
  shift 3
  root=$work/$name
  mkdir -p "$root/DEBIAN"
  for file in "$@"; do
    mkdir -p "$root$(dirname "$file")"
    cp -p "$file" "$root$file"
  done
  {
    echo "Package: $name"
    echo "Version: $VERSION"
    echo "Architecture: $(dpkg --print-architecture)"
    echo "Maintainer: vethlab tests <tests@vethlab.invalid>"
    [ -z "$depends" ] || echo "Depends: $depends"
    echo "Description: vethlab test stand-in: $description"
  } >"$root/DEBIAN/control"
  dpkg-deb -Zgzip -z1 --root-owner-group --build "$root" "$out/$name.deb" >/dev/null
}

package containerd.io "" "containerd and runc (Debian's binaries)" \
  /usr/bin/containerd /usr/bin/containerd-shim /usr/bin/containerd-shim-runc-v1 /usr/bin/containerd-shim-runc-v2 \
  /usr/bin/ctr /usr/sbin/runc /lib/systemd/system/containerd.service
package docker-ce-cli "" "the docker command (Debian's binary)" /usr/bin/docker
package docker-ce "containerd.io, docker-ce-cli, iptables, libdevmapper1.02.1, libsystemd0" \
  "Docker's engine (Debian's binaries), started by systemd" \
  /usr/sbin/dockerd /usr/sbin/docker-proxy /usr/bin/tini-static \
  /lib/systemd/system/docker.service /lib/systemd/system/docker.socket
# docker-init is tini-static, as in docker.io; the docker group for docker.socket; start as Docker CE does.
cat >"$work/docker-ce/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
ln -sf tini-static /usr/bin/docker-init
getent group docker >/dev/null || addgroup --system docker
systemctl daemon-reload
systemctl enable --now containerd.service docker.service
SCRIPT
chmod 0755 "$work/docker-ce/DEBIAN/postinst"
dpkg-deb -Zgzip -z1 --root-owner-group --build "$work/docker-ce" "$out/docker-ce.deb" >/dev/null

# podman-docker: its `docker` is podman (here a script that says so and fails).
mkdir -p "$work/podman/usr/bin"
printf '#!/bin/sh\necho "Emulate Docker CLI using podman (vethlab test stand-in)" >&2\nexit 125\n' >"$work/podman/usr/bin/docker"
chmod 0755 "$work/podman/usr/bin/docker"
package podman-docker "" "podman's docker command" # an empty package first, then its file
cp -a "$work/podman/usr" "$work/podman-docker/"
dpkg-deb -Zgzip -z1 --root-owner-group --build "$work/podman-docker" "$out/podman-docker.deb" >/dev/null
