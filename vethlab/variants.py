"""Each student their own values: the custom network's subnet and gateway (and, if the teacher wants, its name
and the lesson's container names), derived from the class's secret and roster alone - the machine's inventory name
among the class's names - never from what one machine routes or which of them a run reaches.

The same class gets the same values on every run, under any --limit; two machines of a class never get the same
subnet. The secret stays on the controller: only the values reach a machine. A value that overlaps a route the
machine already has (its own networks, docker0's 172.17.0.0/16, a school VPN's 10.0.0.0/8) is not moved: it is an
error naming the route and the setting that gives the class another pool (``lab_variant_pool``).

A subnet is a /24 of the pool: by default 10.16.0.0-10.239.255.0 (never 10.0.x nor 10.240.x and above, which
schools' and clouds' networks often use); ``lab_variant_pool`` (a network in CIDR form, /24 or larger) names
another. Each machine, in name order, takes the first of its candidates - HMAC-SHA256(secret, "NAME:subnet:N") for
N = 0, 1, ... - that no earlier machine took. Its gateway is its first address. A name's variant appends four hex
digits of HMAC(secret, "NAME:names") to the lesson's name.
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


def pool_of(text) -> ipaddress.IPv4Network | None:
    """lab_variant_pool as a network (None: the default pool); ValueError saying what is wrong."""
    if text in (None, ""):
        return None
    try:
        pool = ipaddress.ip_network(str(text), strict=True)
    except ValueError as error:
        raise ValueError("lab_variant_pool %r is not a network in CIDR form, such as 172.20.0.0/14 (%s)" % (text, error)) from None
    if pool.version != 4 or pool.prefixlen > 24:
        raise ValueError("lab_variant_pool %s must be an IPv4 network of at least one /24 (a prefix of 24 or less)" % pool)
    return pool


def candidates(secret: bytes, host: str, pool=None):
    """The /24s a machine may get, in its own order: of the default pool, or of ``pool`` (an IPv4 network)."""
    for number in range(TRIES):
        digest = _digest(secret, "%s:subnet:%d" % (host, number))
        if pool is None:
            second = FIRST_SECOND_OCTET + int.from_bytes(digest[:2], "big") % SECOND_OCTETS
            yield ipaddress.ip_network("10.%d.%d.0/24" % (second, digest[2]))
        else:
            count = 2 ** (24 - pool.prefixlen)
            yield ipaddress.ip_network((int(pool.network_address) + (int.from_bytes(digest[:4], "big") % count) * 256, 24))


def subnets(secret: bytes, class_hosts: list[str], pool=None) -> dict:
    """Each machine of the class its own /24, none shared: in name order, each takes its first candidate not taken."""
    taken, chosen = set(), {}
    for host in sorted(set(class_hosts)):
        chosen[host] = next((net for net in candidates(secret, host, pool) if net not in taken), None)
        if chosen[host] is None:
            raise ValueError("lab_variant_pool %s has no free /24 left for %s: the class needs a larger pool" % (pool, host))
        taken.add(chosen[host])
    return chosen


def clash(net, routes) -> tuple[str, str | None] | None:
    """The first of the machine's routes that ``net`` overlaps, as (destination, device); None when none does. A
    route to exactly that /24 on a Docker bridge (br-...) is the lesson's own network, made from this very value by
    the lab or the student: no clash."""
    for route in routes:
        destination, device = (route, None) if isinstance(route, str) else route
        found = ipaddress.ip_network(destination, strict=False)
        if net.overlaps(found) and not (found == net and (device or "").startswith("br-")):
            return str(found), device
    return None


def subnet_for(secret: bytes, host: str, class_hosts: list[str], routes: list, pool=None) -> ipaddress.IPv4Network:
    """The machine's subnet: its share of the class (the roster and the secret alone), checked against its routes -
    ``routes`` are (destination, device) pairs (or bare destinations): an overlap is a ValueError naming the route
    and the setting that picks another pool, never a quiet move to another value."""
    net = subnets(secret, [*class_hosts, host], pool)[host]
    found = clash(net, routes)
    if found:
        route = found[0] + (" (dev %s)" % found[1] if found[1] else "")
        raise ValueError(
            "%s's subnet %s overlaps its route %s: give the class another pool with lab_variant_pool (a network in CIDR"
            " form that none of its machines routes, such as 172.20.0.0/14); every machine's value then changes, so"
            " prepare the class again" % (host, net, route)
        )
    return net


def suffix(secret: bytes, host: str) -> str:
    return _digest(secret, "%s:names" % host).hex()[:4]


def values(secret: bytes, host: str, class_hosts: list[str], routes: list[str], fields, defaults: dict, pool=None) -> dict:
    """The lesson settings this machine gets instead of the lesson's: {setting name: value}.

    ``defaults`` are the lesson's own values ({setting: value}, vethlab_lessons), ``fields`` what varies, ``pool``
    lab_variant_pool (None: the default pool)."""
    unknown = [field for field in fields if field not in FIELDS]
    if unknown:
        raise ValueError("lab_variant_fields: %s is not one of %s" % (", ".join(map(str, unknown)), ", ".join(FIELDS)))
    found = {}
    if "subnet" in fields:
        net = subnet_for(secret, host, class_hosts, routes, pool_of(pool))
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
