# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Parse ``ip addr`` output: the interfaces, as the host or a container shows them.

Plain Python (standard library only, no Ansible imports), so the modules and the tests
share one implementation. The pairing of container interfaces with host veths is in
``vethlab_pairing``.

Accepted input, for the host and for every container:

* iproute2 text (``ip addr``): ``group``, ``qlen``, ``master``, ``link-netnsid``,
  ``altname``, ``@NONE``, IPv6 lines, ``valid_lft`` lines;
* iproute2 JSON (``ip -j addr``);
* busybox text, as alpine prints it (``M-DOWN``, ``state UP``, no ``group``);
* text pasted from a tutorial whose indentation was lost; lines made only of dots
  (``......``, the tutorial's elisions) and ``#`` comment lines are skipped with a
  warning.
"""

from __future__ import annotations

import ipaddress
import json
import re

__all__ = [
    "IpOutputError",
    "Interface",
    "parse_ip_addr",
]

# "12: eth0@if13: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 ..."
# Linux interface names contain no ':' and no white space.
_HEADER = re.compile(r"^(?P<index>\d+):\s*(?P<name>[^\s:]+):\s*<(?P<flags>[^<>]*)>(?P<rest>.*)$")
_LINK_SUFFIX = re.compile(r"^if(\d+)$")
_ELISION = re.compile(r"^[.\u2026\u22ef\u00b7]+$")  # ...... or … (a tutorial's "and so on")
_MAC = re.compile(r"^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+$")
# Header keywords that take one value (iproute2 and busybox).
_HEADER_KEYS = {"mtu", "qdisc", "master", "state", "mode", "group", "qlen", "portname", "portid", "switchid"}
# Continuation lines with no information the pairing needs.
_IGNORED_CONTINUATIONS = ("valid_lft", "prop", "netnsid")
_MAX_IFINDEX = 2**31 - 1


class IpOutputError(ValueError):
    """An ``ip addr`` output that cannot be read.

    ``source`` names where it came from (``host`` or a container's name); ``line_number``
    and ``line`` point at the offending line when there is one.
    """

    def __init__(self, source, message, line_number=None, line=None):
        self.source = source
        self.reason = message
        self.line_number = line_number
        self.line = line
        where = _describe_source(source)
        if line_number is not None:
            text = "%s, line %d: %s: %r" % (where, line_number, message, _shorten(line))
        else:
            text = "%s: %s" % (where, message)
        super().__init__(text)


def _describe_source(source):
    if source == "host":
        return "host output"
    return "container %r output" % (source,)


def _shorten(text, limit=120):
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Interface:
    """One interface as ``ip addr`` shows it."""

    __slots__ = (
        "ifindex",
        "name",
        "link_ifindex",
        "link_name",
        "link_none",
        "flags",
        "mtu",
        "state",
        "master",
        "link_type",
        "mac",
        "link_netnsid",
        "ipv4",
        "ipv6",
        "altnames",
        "line_number",
    )

    def __init__(self, ifindex, name, line_number=None):
        self.ifindex = ifindex
        self.name = name
        self.link_ifindex = None  # N of "@ifN": the peer's index, in another namespace
        self.link_name = None  # "@eth0": the parent, in this namespace
        self.link_none = False  # "@NONE"
        self.flags = []
        self.mtu = None
        self.state = None
        self.master = None
        self.link_type = None
        self.mac = None
        self.link_netnsid = None
        self.ipv4 = []
        self.ipv6 = []
        self.altnames = []
        self.line_number = line_number

    @property
    def is_loopback(self):
        return self.link_type == "loopback" or "LOOPBACK" in self.flags

    @property
    def header(self):
        """The interface as ``ip addr`` names it: ``eth0@if13``."""
        if self.link_ifindex is not None:
            return "%s@if%d" % (self.name, self.link_ifindex)
        if self.link_none:
            return "%s@NONE" % self.name
        if self.link_name:
            return "%s@%s" % (self.name, self.link_name)
        return self.name

    def as_dict(self):
        return {slot: getattr(self, slot) for slot in self.__slots__ if slot != "line_number"}

    def __repr__(self):
        return "Interface(%d, %r)" % (self.ifindex, self.header)


# --------------------------------------------------------------------------- parsing


def parse_ip_addr(text, source="host", warnings=None):
    """Parse one ``ip addr`` (text or ``-j`` JSON) output into a list of :class:`Interface`.

    Raises :class:`IpOutputError` naming ``source`` and the offending line for anything
    that is not ``ip addr`` output.  Non-fatal remarks are appended to ``warnings``.
    """
    if warnings is None:
        warnings = []
    if not isinstance(text, str):
        raise IpOutputError(
            source,
            "expected the text of 'ip addr' (a string, such as a registered result's stdout), got %s" % type(text).__name__,
        )
    if not text.strip():
        raise IpOutputError(source, "the output is empty: no 'ip addr' output was given")
    if text.lstrip().startswith(("[", "{")):
        interfaces = _parse_json(text, source)
    else:
        interfaces = _parse_text(text, source, warnings)
    if not interfaces:
        raise IpOutputError(source, "no interface found: this is not 'ip addr' output")
    return interfaces


def _add_unique(interfaces, seen, new, source, line=None):
    """Append ``new`` unless an interface with its index was already read."""
    if new.ifindex in seen:
        raise IpOutputError(
            source,
            "interface index %d appears twice (%s and %s): were two outputs pasted together?"
            % (new.ifindex, seen[new.ifindex].name, new.name),
            new.line_number,
            line,
        )
    seen[new.ifindex] = new
    interfaces.append(new)


def _parse_ifindex(value, source, line_number, line, what="interface index"):
    number = int(value)
    if number < 1 or number > _MAX_IFINDEX:
        raise IpOutputError(source, "%s %s is out of range" % (what, value), line_number, line)
    return number


def _parse_text(text, source, warnings):
    interfaces = []
    seen = {}
    current = None
    skipped = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if _ELISION.match(line) or line.startswith("#"):
            skipped.append(number)
            continue
        header = _HEADER.match(line)
        if header:
            current = _parse_header(header, source, number, line)
            _add_unique(interfaces, seen, current, source, raw)
            continue
        keyword = line.split(None, 1)[0]
        if current is None:
            raise IpOutputError(
                source,
                "expected an interface line such as '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 ...'",
                number,
                raw,
            )
        if keyword.startswith("link/"):
            _parse_link_line(current, line, source, number)
        elif keyword == "inet":
            current.ipv4.append(_parse_inet(line, source, number, 4))
        elif keyword == "inet6":
            current.ipv6.append(_parse_inet(line, source, number, 6))
        elif keyword == "altname":
            current.altnames.extend(line.split()[1:])
        elif keyword in _IGNORED_CONTINUATIONS:
            continue
        elif raw[:1].isspace() and not _looks_like_header(line):
            # An indented line we do not need (e.g. a detail line of 'ip -d'): it belongs
            # to the interface above, whose block it is in.
            continue
        else:
            raise IpOutputError(
                source,
                "not a line of 'ip addr' output (expected an interface, link/, inet, inet6 or valid_lft line)",
                number,
                raw,
            )
    if skipped:
        warnings.append(
            "%s: skipped %d line(s) that are not ip output (tutorial elisions '......' or '#' comments): line %s"
            % (_describe_source(source), len(skipped), ", ".join(str(number) for number in skipped))
        )
    for iface in interfaces:
        if iface.link_type is None and not iface.is_loopback:
            warnings.append(
                "%s, line %d: interface %s has no link/ line (elided or truncated output)"
                % (_describe_source(source), iface.line_number, iface.name)
            )
    return interfaces


def _looks_like_header(line):
    return bool(re.match(r"^\d+:", line))


def _parse_header(match, source, number, line):
    ifindex = _parse_ifindex(match.group("index"), source, number, line)
    full_name = match.group("name")
    name, at, link = full_name.rpartition("@")
    if not at:
        name, link = full_name, None
    if not name:
        raise IpOutputError(source, "interface %d has no name" % ifindex, number, line)
    iface = Interface(ifindex, name, number)
    if link is not None:
        suffix = _LINK_SUFFIX.match(link)
        if suffix:
            iface.link_ifindex = _parse_ifindex(suffix.group(1), source, number, line, "peer index")
        elif link == "NONE":
            iface.link_none = True
        else:
            iface.link_name = link
    iface.flags = [flag for flag in match.group("flags").split(",") if flag]
    tokens = match.group("rest").split()
    position = 0
    while position < len(tokens):
        key = tokens[position]
        if key in _HEADER_KEYS and position + 1 < len(tokens):
            value = tokens[position + 1]
            if key == "mtu":
                if not value.isdigit():
                    raise IpOutputError(source, "mtu %r is not a number" % value, number, line)
                iface.mtu = int(value)
            elif key == "master":
                iface.master = value
            elif key == "state":
                iface.state = value
            position += 2
        else:
            position += 1
    return iface


def _parse_link_line(iface, line, source, number):
    tokens = line.split()
    iface.link_type = tokens[0][len("link/") :] or None
    if iface.link_type is None:
        raise IpOutputError(source, "link/ line without a link type", number, line)
    if len(tokens) > 1 and _MAC.match(tokens[1]):
        iface.mac = tokens[1].lower()
    elif iface.link_type == "ether":
        raise IpOutputError(source, "link/ether line without a MAC address", number, line)
    for position, token in enumerate(tokens):
        if token == "link-netnsid" and position + 1 < len(tokens):
            value = tokens[position + 1]
            if not value.isdigit():
                raise IpOutputError(source, "link-netnsid %r is not a number" % value, number, line)
            iface.link_netnsid = int(value)


def _parse_inet(line, source, number, version):
    tokens = line.split()
    if len(tokens) < 2:
        raise IpOutputError(source, "%s line without an address" % tokens[0], number, line)
    address = tokens[1]
    if "/" not in address and "peer" in tokens:
        # point-to-point: "inet 10.0.0.1 peer 10.0.0.2/32"
        peer = tokens[tokens.index("peer") + 1] if tokens.index("peer") + 1 < len(tokens) else ""
        address = address + "/" + (peer.split("/", 1)[1] if "/" in peer else str(32 if version == 4 else 128))
    elif "/" not in address:
        address = address + "/" + str(32 if version == 4 else 128)
    try:
        parsed = ipaddress.ip_interface(address)
    except ValueError:
        raise IpOutputError(source, "%r is not an IPv%d address" % (tokens[1], version), number, line) from None
    if parsed.version != version:
        raise IpOutputError(source, "%r is not an IPv%d address" % (tokens[1], version), number, line)
    return str(parsed)


def _parse_json(text, source):
    try:
        data = json.loads(text)
    except ValueError as error:
        line_number = getattr(error, "lineno", None)
        lines = text.splitlines()
        line = lines[line_number - 1] if line_number and line_number <= len(lines) else None
        raise IpOutputError(source, "not valid 'ip -j addr' JSON (%s)" % getattr(error, "msg", error), line_number, line) from None
    if not isinstance(data, list):
        raise IpOutputError(source, "'ip -j addr' JSON must be a list of interfaces, got %s" % type(data).__name__)
    interfaces = []
    seen = {}
    for position, item in enumerate(data):
        _add_unique(interfaces, seen, _interface_from_json(item, position, source), source)
    return interfaces


def _interface_from_json(item, position, source):
    def fail(message):
        return IpOutputError(source, "JSON interface #%d: %s (in %s)" % (position, message, _shorten(json.dumps(item, default=str), 200)))

    if not isinstance(item, dict):
        raise fail("expected an object, got %s" % type(item).__name__)
    ifindex = item.get("ifindex")
    name = item.get("ifname")
    if not isinstance(ifindex, int) or isinstance(ifindex, bool) or not 1 <= ifindex <= _MAX_IFINDEX:
        raise fail("'ifindex' must be a positive integer")
    if not isinstance(name, str) or not name or any(ch.isspace() or ch == ":" for ch in name):
        raise fail("'ifname' must be an interface name")
    iface = Interface(ifindex, name)
    link_index = item.get("link_index")
    link = item.get("link")
    if link_index is not None:
        if not isinstance(link_index, int) or isinstance(link_index, bool) or not 1 <= link_index <= _MAX_IFINDEX:
            raise fail("'link_index' must be a positive integer")
        iface.link_ifindex = link_index
    elif "link" in item:
        if link is None:
            iface.link_none = True
        elif isinstance(link, str):
            iface.link_name = link
        else:
            raise fail("'link' must be a name or null")
    flags = item.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(flag, str) for flag in flags):
        raise fail("'flags' must be a list of strings")
    iface.flags = list(flags)
    for key, attribute, kind in (
        ("mtu", "mtu", int),
        ("operstate", "state", str),
        ("master", "master", str),
        ("link_type", "link_type", str),
        ("link_netnsid", "link_netnsid", int),
    ):
        value = item.get(key)
        if value is None:
            continue
        if not isinstance(value, kind) or isinstance(value, bool):
            raise fail("'%s' must be %s" % (key, "a number" if kind is int else "a string"))
        setattr(iface, attribute, value)
    address = item.get("address")
    if isinstance(address, str) and _MAC.match(address):
        iface.mac = address.lower()
    altnames = item.get("altnames", [])
    if isinstance(altnames, list):
        iface.altnames = [name for name in altnames if isinstance(name, str)]
    addr_info = item.get("addr_info", [])
    if not isinstance(addr_info, list):
        raise fail("'addr_info' must be a list")
    for entry in addr_info:
        if not isinstance(entry, dict):
            raise fail("'addr_info' entries must be objects")
        family = entry.get("family")
        local = entry.get("local")
        prefix = entry.get("prefixlen")
        if family not in ("inet", "inet6"):
            continue
        if not isinstance(local, str) or not isinstance(prefix, int) or isinstance(prefix, bool):
            raise fail("an %s address needs 'local' and 'prefixlen'" % family)
        try:
            parsed = ipaddress.ip_interface("%s/%d" % (local, prefix))
        except ValueError:
            raise fail("%r/%r is not an address" % (local, prefix)) from None
        if (parsed.version == 4) != (family == "inet"):
            raise fail("%r is not an %s address" % (local, family))
        (iface.ipv4 if family == "inet" else iface.ipv6).append(str(parsed))
    return iface
