#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_busybox_image
short_description: Build a tiny container image offline from the host's static busybox
description:
  - Makes an image holding only the host's statically linked busybox and one symlink per applet
    (C(sh), C(ip), C(ping), ...), and imports it with C(docker import). No registry is contacted.
  - alpine's C(ip) and C(ping) are busybox, so the containers print what the lesson shows.
  - Idempotent. The image carries the label C(vethlab.busybox.sha256), the busybox binary's
    digest; an image with that digest and the labels asked for is left alone.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  name:
    description:
      - The image's name and tag.
    type: str
    default: vethlab/busybox:latest
  busybox_path:
    description:
      - The static busybox to use. By default the first static one of C(/bin/busybox),
        C(/usr/bin/busybox), C(/usr/sbin/busybox) and C(/sbin/busybox).
    type: path
  labels:
    description:
      - Labels to put on the image, such as the lab's own label.
    type: dict
    default: {}
  force:
    description:
      - Build and import again even when an image with the same busybox exists.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports whether it would build; builds nothing.
  diff_mode:
    support: none
    description: No diff.
requirements:
  - The C(docker) command and a running engine on the host.
  - A statically linked busybox (Debian/Ubuntu C(busybox-static), Fedora C(busybox)).
notes:
  - The archive is made by C(module_utils/vethlab_busybox.py).
"""

EXAMPLES = r"""
- name: Build the lab image from the host's busybox
  lab_busybox_image:
    name: vethlab/busybox:latest
    labels:
      vethlab.lab: "true"
"""

RETURN = r"""
image:
  description: The image's name and tag.
  returned: success
  type: str
  sample: vethlab/busybox:latest
image_id:
  description: The image's id; null in check mode when it would be built.
  returned: success
  type: str
busybox_path:
  description: The busybox the image was made from.
  returned: success
  type: str
  sample: /bin/busybox
busybox_sha256:
  description: The busybox binary's SHA-256 digest, also the image's label C(vethlab.busybox.sha256).
  returned: success
  type: str
applets:
  description: How many applets the image links.
  returned: when built
  type: int
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_busybox import BUSYBOX_SPEC, run_busybox_image
from ansible.module_utils.vethlab_host import module_main

# The options above, as the module checks them.
ARGUMENT_SPEC = BUSYBOX_SPEC["argument_spec"]


def main():
    module_main(AnsibleModule, BUSYBOX_SPEC, run_busybox_image)


if __name__ == "__main__":
    main()
