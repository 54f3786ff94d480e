#!/bin/sh
# The fedora scenario's package mirror, built into folder $1 (test only). Neither Fedora's, Rocky's nor
# Docker's repositories can be reached here, so their packages are stand-ins built with rpmbuild: the
# names, versions, architectures and dependencies those repositories use, carrying this machine's own
# (Debian's) Docker binaries and systemd units; the base tools (iproute, iputils, busybox,
# python3-requests) and bash carry no files (the machine's Debian underneath has them). Each repository made
# with createrepo_c; every package signed, the distributions' with one local key, Docker's with another:
#   $1/fedora/releases/40/Everything/x86_64/os   fedora-release, bash, moby-engine, containerd, runc, the tools
#   $1/fedora/updates/40/Everything/x86_64       runc (a newer build: dnf takes it from updates)
#   $1/rocky/9/BaseOS/x86_64/os                  rocky-release, bash, the tools
#   $1/docker-ce/centos/9/x86_64/stable          docker-ce, docker-ce-cli, containerd.io, the plugins
#   $1/docker-ce/centos/gpg                      Docker's key (its fingerprint in $1/docker-ce/fingerprint)
#   $1/keys/RPM-GPG-KEY-distribution             the distributions' key
set -eu
out=$(realpath "$1")
work=$(mktemp -d)
trap 'gpgconf --homedir "$work/gnupg" --kill all 2>/dev/null || true; rm -rf "$work"' EXIT
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"
mkdir -p "$out/keys" "$out/docker-ce/centos"

# key NAME: a signing key without passphrase; prints its fingerprint.
key() {
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "$1 <tests@vethlab.invalid>" rsa2048 sign never
  gpg --batch --quiet --with-colons --fingerprint "$1" 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}'
}
distribution_key=$(key "vethlab test distribution")
docker_key=$(key "vethlab test Docker")
gpg --batch --armor --export "$distribution_key" > "$out/keys/RPM-GPG-KEY-distribution"
gpg --batch --armor --export "$docker_key" > "$out/docker-ce/centos/gpg"
echo "$docker_key" > "$out/docker-ce/fingerprint"

units=$work/units
mkdir -p "$units"
cat > "$units/docker.service" <<'UNIT'
[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target docker.socket firewalld.service containerd.service
Wants=network-online.target containerd.service
Requires=docker.socket

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
TimeoutStartSec=0
RestartSec=2
Restart=always
LimitNOFILE=infinity
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
Delegate=yes
KillMode=process
OOMScoreAdjust=-500

[Install]
WantedBy=multi-user.target
UNIT
cat > "$units/docker.socket" <<'UNIT'
[Unit]
Description=Docker Socket for the API

[Socket]
ListenStream=/run/docker.sock
SocketMode=0660
SocketUser=root
SocketGroup=docker

[Install]
WantedBy=sockets.target
UNIT
cat > "$units/containerd.service" <<'UNIT'
[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
LimitNOFILE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
UNIT

# package REPO NAME VERSION RELEASE ARCH "TAGS" "FILE=SOURCE ..." ["POST"]: one signed rpm into $out/REPO/Packages.
# TAGS are spec lines (Requires:, Provides:...); each FILE is installed at that path from SOURCE on this machine.
package() {
  repo=$1 name=$2 version=$3 release=$4 arch=$5 tags=$6 files=$7 post=${8:-}
  spec=$work/$name-$(echo "$repo" | tr / _).spec
  {
    echo "Name: $name"
    echo "Version: $version"
    echo "Release: $release"
    echo "Summary: vethlab test stand-in for $name"
    echo "License: Apache-2.0"
    echo "BuildArch: $arch"
    echo "AutoReqProv: no"
    printf '%s\n' "$tags" | sed '/^$/d'
    echo "%description"
    echo "vethlab test stand-in for $name (built by molecule/fedora/standin-rpms.sh; not the real package)."
    echo "%install"
    echo "mkdir -p %{buildroot}/usr/share/doc/$name"
    echo "echo 'vethlab test stand-in' > %{buildroot}/usr/share/doc/$name/STANDIN"
    for pair in $files; do
      case $pair in *.service=* | *.socket=*) mode=0644 ;; *) mode=0755 ;; esac
      echo "install -D -m $mode ${pair#*=} %{buildroot}${pair%%=*}"
    done
    echo "%files"
    echo "/usr/share/doc/$name"
    for pair in $files; do echo "${pair%%=*}"; done
    if [ -n "$post" ]; then
      echo "%post"
      echo "$post"
    fi
  } > "$spec"
  rpmbuild --quiet -bb "$spec" --define "_topdir $work/build" --define "_rpmdir $out/$repo/Packages" \
    --define '_build_name_fmt %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm' --define '_binary_payload w1.gzdio' \
    --define '_build_id_links none' --define 'debug_package %{nil}' --define '__os_install_post %{nil}' >/dev/null
}

fedora=fedora/releases/40/Everything/x86_64/os
updates=fedora/updates/40/Everything/x86_64
rocky=rocky/9/BaseOS/x86_64/os
ce=docker-ce/centos/9/x86_64/stable
group_post='getent group docker >/dev/null || groupadd -r docker
systemctl daemon-reload >/dev/null 2>&1 || :'

package $fedora fedora-release 40 40 noarch "Provides: system-release
Provides: system-release(releasever) = 40
Provides: fedora-release-common = 40-40" ""
package $fedora moby-engine 24.0.5 4.fc40 x86_64 "Requires: containerd
Requires: runc
Provides: docker = 24.0.5-4.fc40
Provides: docker-cli = 24.0.5-4.fc40
Conflicts: docker-ce
Conflicts: docker-ce-cli" \
  "/usr/bin/docker=/usr/bin/docker /usr/bin/dockerd=/usr/sbin/dockerd /usr/bin/docker-proxy=/usr/sbin/docker-proxy
   /usr/bin/docker-init=/usr/bin/tini-static /usr/lib/systemd/system/docker.service=$units/docker.service
   /usr/lib/systemd/system/docker.socket=$units/docker.socket" "$group_post"
package $fedora containerd 1.6.23 1.fc40 x86_64 "Requires: runc" \
  "/usr/bin/containerd=/usr/bin/containerd /usr/bin/containerd-shim-runc-v2=/usr/bin/containerd-shim-runc-v2
   /usr/lib/systemd/system/containerd.service=$units/containerd.service" "systemctl daemon-reload >/dev/null 2>&1 || :"
package $fedora runc 1.1.12 1.fc40 x86_64 "" "/usr/bin/runc=/usr/sbin/runc"
package $updates runc 1.1.14 1.fc40 x86_64 "" "/usr/bin/runc=/usr/sbin/runc"
for release in fc40 el9; do
  case $release in fc40) repo=$fedora ;; *) repo=$rocky ;; esac
  [ $release = fc40 ] && iproute=6.7.0-2.fc40 iputils=20240117-4.fc40 requests=2.31.0-3.fc40 \
    || iproute=6.2.0-6.el9_4 iputils=20210202-9.el9 requests=2.25.1-8.el9
  package $repo iproute "${iproute%-*}" "${iproute#*-}" x86_64 "" ""
  package $repo iputils "${iputils%-*}" "${iputils#*-}" x86_64 "" ""
  package $repo python3-requests "${requests%-*}" "${requests#*-}" noarch "" ""
done
package $fedora busybox 1.36.1 7.fc40 x86_64 "" ""
# What every installed system has: bash, the /bin/sh of every package's scriptlets (no files: Debian's is there).
package $fedora bash 5.2.26 3.fc40 x86_64 "Provides: /bin/sh
Provides: /bin/bash" ""
package $rocky bash 5.1.8 9.el9 x86_64 "Provides: /bin/sh
Provides: /bin/bash" ""
package $rocky rocky-release 9.4 1.7.el9 noarch "Provides: system-release
Provides: system-release(releasever) = 9
Provides: redhat-release = 9.4" ""

package $ce containerd.io 1.7.22 3.1.el9 x86_64 "Provides: containerd
Provides: runc
Obsoletes: containerd < 1.7.22
Obsoletes: runc < 1.1.15" \
  "/usr/bin/containerd=/usr/bin/containerd /usr/bin/containerd-shim-runc-v2=/usr/bin/containerd-shim-runc-v2
   /usr/bin/runc=/usr/sbin/runc /usr/lib/systemd/system/containerd.service=$units/containerd.service" \
  "systemctl daemon-reload >/dev/null 2>&1 || :"
package $ce docker-ce-cli 27.3.1 1.el9 x86_64 "Recommends: docker-buildx-plugin
Recommends: docker-compose-plugin
Conflicts: docker
Conflicts: moby-engine" "/usr/bin/docker=/usr/bin/docker"
package $ce docker-ce 27.3.1 1.el9 x86_64 "Requires: containerd.io >= 1.6.24
Requires: docker-ce-cli
Conflicts: docker
Conflicts: moby-engine
Conflicts: podman-docker" \
  "/usr/bin/dockerd=/usr/sbin/dockerd /usr/bin/docker-proxy=/usr/sbin/docker-proxy /usr/bin/docker-init=/usr/bin/tini-static
   /usr/lib/systemd/system/docker.service=$units/docker.service /usr/lib/systemd/system/docker.socket=$units/docker.socket" \
  "$group_post"
package $ce docker-buildx-plugin 0.17.1 1.el9 x86_64 "Enhances: docker-ce-cli" ""
package $ce docker-compose-plugin 2.29.7 1.el9 x86_64 "Enhances: docker-ce-cli" ""

# Sign: the distributions' packages with the distribution key, Docker's with Docker's; then index each repository.
sign() {
  rpmsign --addsign --define "_gpg_name $1" --define "_gpg_path $GNUPGHOME" --define "__gpg $(command -v gpg)" \
    --define '_gpg_sign_cmd_extra_args --pinentry-mode loopback --passphrase ""' "$2"/Packages/*.rpm >/dev/null 2>&1
  for rpm in "$2"/Packages/*.rpm; do # rpmsign may say an error and exit 0: each package must carry a signature
    rpm -qp --qf '%{RSAHEADER:pgpsig}\n' "$rpm" 2>/dev/null | grep -q "Key ID" || { echo "standin-rpms.sh: $rpm is not signed" >&2; exit 1; }
  done
}
for repo in $fedora $updates $rocky; do sign "$distribution_key" "$out/$repo"; done
sign "$docker_key" "$out/$ce"
for repo in $fedora $updates $rocky $ce; do createrepo_c --quiet --compress-type=gz "$out/$repo"; done
