"""Each student their own values: stable for a class, different between its machines, off every route a machine
has, and the secret in none of them."""

from __future__ import annotations

import ipaddress

import pytest

from vethlab.module_utils.vethlab_lessons import settings
from vethlab.variants import pool_of, routes_of, subnet_for, subnets, values

SECRET = b"0123456789abcdef" * 4
CLASS = ["student%02d" % n for n in range(1, 61)]
DEFAULTS = {name: setting.default for name, setting in settings().items()}


def test_a_class_of_60_gets_60_subnets_the_same_on_every_run():
    first = subnets(SECRET, CLASS)
    assert len(set(first.values())) == 60 and subnets(SECRET, list(reversed(CLASS))) == first
    assert all(net.prefixlen == 24 and net.subnet_of(ipaddress.ip_network("10.0.0.0/8")) for net in first.values())
    assert subnets(b"another class's secret" * 2, CLASS) != first


def test_a_subnet_a_machine_already_routes_is_an_error_naming_the_route_and_the_pool_setting():
    """A school VPN's 10.0.0.0/8: the value is not moved (it would then depend on one machine's routes) - the run stops
    saying which route and which setting picks another pool; that pool's values are off the route."""
    share = subnets(SECRET, CLASS)["student07"]
    assert subnet_for(SECRET, "student07", CLASS, ["172.17.0.0/16"]) == share
    with pytest.raises(
        ValueError,
        match=r"student07's subnet %s overlaps its route 10\.0\.0\.0/8 \(dev tun0\): give the class another pool with lab_variant_pool"
        % share,
    ):
        subnet_for(SECRET, "student07", CLASS, [("10.0.0.0/8", "tun0")])
    pool = pool_of("172.20.0.0/14")
    other = subnet_for(SECRET, "student07", CLASS, [("10.0.0.0/8", "tun0")], pool)
    assert other.subnet_of(pool) and other.prefixlen == 24
    assert len(set(subnets(SECRET, CLASS, pool).values())) == 60
    with pytest.raises(ValueError, match="not a network in CIDR form"):
        pool_of("172.20.0.1/14")
    with pytest.raises(ValueError, match="at least one /24"):
        pool_of("172.20.0.0/26")


def test_the_values_are_the_rosters_under_any_limit_and_no_two_share_a_24():
    """Variants are a function of the roster and the secret: the machine's value is the same whatever part of the
    class a run reaches (AWX slices, --limit); no two of 2,000 seats share a /24."""
    roster = ["seat%04d" % n for n in range(2000)]
    whole = subnets(SECRET, roster)
    assert len(set(whole.values())) == 2000
    for name in ("seat0007", "seat1999"):
        assert subnet_for(SECRET, name, roster, []) == whole[name]


def test_the_values_a_machine_gets_and_no_secret_in_them():
    found = values(SECRET, "student07", CLASS, [], ["subnet", "network_name", "container_names"], DEFAULTS)
    net = ipaddress.ip_network(found["lab_network_subnet"])
    assert found["lab_network_gateway"] == str(net.network_address + 1)
    assert found["lab_network_name"].startswith("mynet-") and found["lab_containers"][0].startswith("alpine01-")
    assert found["lab_link_container"].startswith("alpine03-")
    assert SECRET.decode() not in repr(found)
    assert values(SECRET, "student07", CLASS, [], ["subnet"], DEFAULTS).keys() == {"lab_network_subnet", "lab_network_gateway"}
    with pytest.raises(ValueError, match="lab_variant_fields: colour is not one of"):
        values(SECRET, "student07", CLASS, [], ["colour"], DEFAULTS)


def test_the_routes_of_a_machine_are_read_from_ip_route():
    output = "default via 192.0.2.1 dev eth0\n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2\n172.17.0.0/16 dev docker0\n"
    assert routes_of(output + "unreachable 10.99.0.0/16\n") == [
        ("192.0.2.0/24", "eth0"),
        ("172.17.0.0/16", "docker0"),
        ("10.99.0.0/16", None),
    ]


def test_the_lessons_own_network_made_from_the_value_is_no_clash():
    """Once the student (or the lab) made the network with the card's subnet, the machine routes it on br-...: a
    rerun gives the same value; the same /24 on another device is a clash."""
    share = subnets(SECRET, CLASS)["student11"]
    assert subnet_for(SECRET, "student11", CLASS, [(str(share), "br-4aab42532443")]) == share
    with pytest.raises(ValueError, match="overlaps its route %s \\(dev eth1\\)" % share):
        subnet_for(SECRET, "student11", CLASS, [(str(share), "eth1")])
