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
from ansible.module_utils.vethlab_busybox import BusyboxError, ensure_image

ARGUMENT_SPEC = {
    "name": {"type": "str", "default": "vethlab/busybox:latest"},
    "busybox_path": {"type": "path"},
    "labels": {"type": "dict", "default": {}},
    "force": {"type": "bool", "default": False},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    docker = module.get_bin_path("docker", required=True)

    def runner(argv, data=None):
        return module.run_command(argv, data=data, binary_data=data is not None)

    try:
        result = ensure_image(params["name"], runner, params["labels"], params["busybox_path"], params["force"], module.check_mode, docker)
    except BusyboxError as error:
        module.fail_json(msg="lab_busybox_image: %s" % error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
