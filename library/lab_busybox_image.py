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

import json

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_busybox import CANDIDATES, BusyboxError, file_digest, find_static_busybox, import_changes, rootfs_tar

DIGEST_LABEL = "vethlab.busybox.sha256"
ARGUMENT_SPEC = {
    "name": {"type": "str", "default": "vethlab/busybox:latest"},
    "busybox_path": {"type": "path"},
    "labels": {"type": "dict", "default": {}},
    "force": {"type": "bool", "default": False},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    name = module.params["name"]
    docker = module.get_bin_path("docker", required=True)
    try:
        busybox = find_static_busybox((module.params["busybox_path"],) if module.params["busybox_path"] else CANDIDATES)
    except BusyboxError as error:
        module.fail_json(msg="lab_busybox_image: %s" % error)
    digest = file_digest(busybox)
    result = {"changed": False, "image": name, "busybox_path": busybox, "busybox_sha256": digest, "image_id": None}

    wanted = dict(((key, str(value)) for key, value in module.params["labels"].items()), **{DIGEST_LABEL: digest})
    rc, out, _ = module.run_command([docker, "image", "inspect", name])
    if rc == 0:
        image = json.loads(out)[0]
        labels = (image.get("Config") or {}).get("Labels") or {}
        if all(labels.get(key) == value for key, value in wanted.items()) and not module.params["force"]:
            result["image_id"] = image["Id"]
            module.exit_json(**result)

    result["changed"] = True
    if module.check_mode:
        module.exit_json(**result)

    rc, out, err = module.run_command([busybox, "--list"])
    if rc != 0:
        module.fail_json(msg="lab_busybox_image: '%s --list' failed: %s" % (busybox, err.strip()), **result)
    applets = out.split()
    archive = rootfs_tar(busybox, applets)
    rc, out, err = module.run_command([docker, "import", *import_changes(wanted), "-", name], data=archive, binary_data=True)
    if rc != 0:
        module.fail_json(msg="lab_busybox_image: docker import failed: %s" % err.strip(), **result)
    result["image_id"] = out.strip()
    result["applets"] = len(applets)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
