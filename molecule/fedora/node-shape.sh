#!/bin/sh
# Run as root inside a container of the student-node image (Debian with systemd and sshd): give it the
# shape of a Fedora 40 or Rocky Linux 9 machine, as far as the lab's roles can see. Argument: fedora40 or rocky9.
# - Debian's real dnf 4, rpm and Python dnf bindings, with Fedora's dnf.conf and rpm's database where
#   Fedora keeps it (/var/lib/rpm); no repository yet (the scenario's prepare.yml adds the distribution's).
# - The distribution's release files (/etc/os-release and /etc/redhat-release...), Debian's own removed.
# - What runs underneath stays Debian's: the libraries and iptables that the Docker binaries in the
#   stand-in packages need, and the files of the tools the stand-ins name (ip, ping, busybox, requests).
# - fedora40 only: firewalld, enabled (Fedora's default), nftables backend.
# Test only: the packages Ansible installs come later, through dnf, from the scenario's repositories.
set -eu
shape=$1
case $shape in
  fedora40) firewall=firewalld ;;
  rocky9) firewall= ;;
  *) echo "node-shape.sh: unknown shape '$shape' (fedora40 or rocky9)" >&2; exit 2 ;;
esac
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
apt-get update -qq
# shellcheck disable=SC2086 # $firewall is one package name or nothing
DEBIAN_FRONTEND=noninteractive apt-get install -o Dpkg::Use-Pty=0 -y -qq --no-install-recommends \
  dnf rpm python3-dnf iptables libdevmapper1.02.1 iputils-ping busybox-static python3-requests $firewall >/dev/null
apt-get clean
rm -f /usr/sbin/policy-rc.d /etc/debian_version
rm -rf /var/lib/apt/lists/*

# rpm's database where Fedora and RHEL keep it (Debian's rpm defaults to ~/.rpmdb), empty.
mkdir -p /var/lib/rpm /etc/rpm /etc/yum.repos.d /etc/pki/rpm-gpg
echo "%_dbpath /var/lib/rpm" > /etc/rpm/macros
rpm --initdb

case $shape in
  fedora40)
    cat > /usr/lib/os-release <<'RELEASE'
NAME="Fedora Linux"
VERSION="40 (Server Edition)"
ID=fedora
VERSION_ID=40
VERSION_CODENAME=""
PLATFORM_ID="platform:f40"
PRETTY_NAME="Fedora Linux 40 (Server Edition)"
ANSI_COLOR="0;38;2;60;110;180"
LOGO=fedora-logo-icon
CPE_NAME="cpe:/o:fedoraproject:fedora:40"
HOME_URL="https://fedoraproject.org/"
SUPPORT_END=2025-05-13
VARIANT="Server Edition"
VARIANT_ID=server
RELEASE
    echo 'Fedora release 40 (Forty)' > /etc/fedora-release
    ln -sf fedora-release /etc/redhat-release
    ln -sf fedora-release /etc/system-release
    printf '[main]\ngpgcheck=True\ninstallonly_limit=3\nclean_requirements_on_remove=True\nbest=False\nskip_if_unavailable=False\n' \
      > /etc/dnf/dnf.conf
    systemctl enable firewalld.service >/dev/null 2>&1
    ;;
  rocky9)
    cat > /usr/lib/os-release <<'RELEASE'
NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
ROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"
ROCKY_SUPPORT_PRODUCT_VERSION="9.4"
REDHAT_SUPPORT_PRODUCT="Rocky Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
RELEASE
    echo 'Rocky Linux release 9.4 (Blue Onyx)' > /etc/rocky-release
    ln -sf rocky-release /etc/redhat-release
    ln -sf rocky-release /etc/system-release
    printf '[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=True\nbest=True\nskip_if_unavailable=False\n' \
      > /etc/dnf/dnf.conf
    ;;
esac
ln -sf ../usr/lib/os-release /etc/os-release
