#!/bin/sh
# Run inside the node's root folder (chroot) after debootstrap: a student VM as a teacher finds it.
# A user "teacher" who logs in with a key and may sudo; sshd with keys only; host keys and
# machine-id made on each node's first boot, not shared by every node made from the image.
set -eu
useradd --create-home --shell /bin/bash teacher
echo 'teacher ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/teacher
chmod 0440 /etc/sudoers.d/teacher
install -d -m 0700 -o teacher -g teacher /home/teacher/.ssh
printf 'PasswordAuthentication no\nPermitRootLogin no\nUseDNS no\n' > /etc/ssh/sshd_config.d/vethlab.conf
rm -f /etc/ssh/ssh_host_*
mkdir -p /etc/systemd/system/ssh.service.d
printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
  > /etc/systemd/system/ssh.service.d/host-keys.conf
systemctl enable ssh.service >/dev/null 2>&1 || ln -sf /lib/systemd/system/ssh.service /etc/systemd/system/multi-user.target.wants/ssh.service
: > /etc/machine-id
apt-get clean
