"""Each student their own values: the custom network's subnet and gateway (and, if the teacher wants, its name
and the lesson's container names), derived from the class's secret and the machine's inventory name.

The same class gets the same values on every run; two machines of a class never get the same subnet; a subnet
never overlaps a route the machine already has (its own networks, docker0's 172.17.0.0/16, a VPN). The secret
stays on the controller: only the values reach a machine.

A subnet is a /24 out of 10.16.0.0-10.239.255.0 (never 10.0.x nor 10.240.x and above, which schools' and
clouds' networks often use), chosen by HMAC-SHA256(secret, "NAME:subnet:N") for N = 0, 1, ...: the first that
no earlier machine of the class (in name order) took and that overlaps none of the machine's routes. Its gateway
is its first address. A name's variant appends four hex digits of HMAC(secret, "NAME:names") to the lesson's name.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

FIELDS = ("subnet", "network_name", "container_names")
# Where a subnet comes from: 10.16.0.0/12 through 10.239.0.0/16, as /24s.
FIRST_SECOND_OCTET, SECOND_OCTETS = 16, 224
TRIES = 4096


def _digest(secret: bytes, text: str) -> bytes:
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).digest()


def candidates(secret: bytes, host: str):
    """The /24s a machine may get, in its own order."""
    for number in range(TRIES):
        digest = _digest(secret, "%s:subnet:%d" % (host, number))
        second = FIRST_SECOND_OCTET + int.from_bytes(digest[:2], "big") % SECOND_OCTETS
        yield ipaddress.ip_network("10.%d.%d.0/24" % (second, digest[2]))


def subnets(secret: bytes, class_hosts: list[str]) -> dict:
    """Each machine of the class its own /24, none shared: in name order, each takes its first candidate not taken."""
    taken, chosen = set(), {}
    for host in sorted(set(class_hosts)):
        chosen[host] = next(net for net in candidates(secret, host) if net not in taken)
        taken.add(chosen[host])
    return chosen


def subnet_for(secret: bytes, host: str, class_hosts: list[str], routes: list) -> ipaddress.IPv4Network:
    """The machine's subnet: its class share, or - when that overlaps one of its routes - its next candidate that
    overlaps none and that no other machine of the class has. ``routes`` are (destination, device) pairs (or bare
    destinations). A route to exactly that /24 on a Docker bridge (br-...) is the lesson's own network, made from
    this very value by the lab or the student: it does not move the value, so a rerun keeps it."""
    shares = subnets(secret, [*class_hosts, host])
    routed = [
        (ipaddress.ip_network(route, strict=False), None)
        if isinstance(route, str)
        else (ipaddress.ip_network(route[0], strict=False), route[1])
        for route in routes
    ]
    others = {net for name, net in shares.items() if name != host}

    def clashes(net):
        return any(net.overlaps(found) and not (found == net and (device or "").startswith("br-")) for found, device in routed)

    for net in [shares[host], *candidates(secret, host)]:
        if net not in others and not clashes(net):
            return net
    raise ValueError("no /24 in 10.16.0.0-10.239.255.0 is free of this machine's routes")


def suffix(secret: bytes, host: str) -> str:
    return _digest(secret, "%s:names" % host).hex()[:4]


def values(secret: bytes, host: str, class_hosts: list[str], routes: list[str], fields, defaults: dict) -> dict:
    """The lesson settings this machine gets instead of the lesson's: {setting name: value}.

    ``defaults`` are the lesson's own values ({setting: value}, vethlab_lessons), ``fields`` what varies."""
    unknown = [field for field in fields if field not in FIELDS]
    if unknown:
        raise ValueError("lab_variant_fields: %s is not one of %s" % (", ".join(map(str, unknown)), ", ".join(FIELDS)))
    found = {}
    if "subnet" in fields:
        net = subnet_for(secret, host, class_hosts, routes)
        found.update(lab_network_subnet=str(net), lab_network_gateway=str(net.network_address + 1))
    tail = suffix(secret, host)
    if "network_name" in fields:
        found["lab_network_name"] = "%s-%s" % (defaults["lab_network_name"], tail)
    if "container_names" in fields:
        for name, value in defaults.items():
            if name in ("lab_containers", "lab_network_containers", "lab_link_container"):
                found[name] = ["%s-%s" % (item, tail) for item in value] if isinstance(value, list) else "%s-%s" % (value, tail)
    return found


def routes_of(output: str) -> list[tuple[str, str | None]]:
    """The (destination, device) of each route of ``ip -4 -o route show`` (``default`` left out): what the machine
    already routes."""
    found = []
    for line in (output or "").splitlines():
        words = line.split()
        if not words or words[0] == "default":
            continue
        destination = words[1] if words[0] in ("unicast", "local", "broadcast", "unreachable", "blackhole", "prohibit") else words[0]
        device = words[words.index("dev") + 1] if "dev" in words[:-1] else None
        try:
            found.append((str(ipaddress.ip_network(destination, strict=False)), device))
        except ValueError:
            continue
    return found
