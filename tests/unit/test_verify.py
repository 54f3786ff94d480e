"""The verify step over a captured lab and recorded ping answers: every cell's why, in both languages."""

from __future__ import annotations

import pytest

from conftest import load_captured
from vethlab.module_utils.vethlab_health import problem
from vethlab.module_utils.vethlab_lessons import run_plan
from vethlab.module_utils.vethlab_pairing import pair_veths, parse_outputs
from vethlab.module_utils.vethlab_verify import verify, where_to_look

HOST, CONTAINERS, _ = load_captured("two-containers", "txt", "busybox.txt")
NAMES = ["alpine01", "alpine02"]
PLAN = run_plan({"lab_containers": NAMES}, ["docker0"], [], False)
ANSWER = "PING {0} ({0}): 56 data bytes\n\n--- {0} ping statistics ---\n1 packets transmitted, {1} packets received\n"


RESOLVER = {"/etc/resolv.conf": "nameserver 192.0.2.53\n"}
# Each container's process on the host (Docker's record): every ping and read enters its namespace from outside.
PIDS = {"alpine01": 4301, "alpine02": 4302}
NAME_OF_PID = {str(pid): name for name, pid in PIDS.items()}


@pytest.fixture
def observed():
    return {
        "veths": pair_veths(*parse_outputs(HOST, CONTAINERS)),
        "running": list(NAMES),
        "health": {},
        "bridge_problems": {},
        "files": {name: dict(RESOLVER) for name in NAMES},
        "inspected": {name: {"pid": PIDS[name], "networks": ["bridge"], "link_aliases": {}, "dns": []} for name in NAMES},
    }


def end_of(argv):
    """The end a command runs at: a container when it enters its namespace (nsenter -t PID) or reads its process's
    /proc/PID/net/arp, else the host."""
    if argv[0] == "nsenter":
        return NAME_OF_PID[argv[2]]
    if argv[0] == "cat" and argv[-1].startswith("/proc/") and argv[-1].split("/")[2].isdigit():
        return NAME_OF_PID[argv[-1].split("/")[2]]
    return "host"


def routes(source, addresses, local=()):
    """What ``ip route get`` prints for each address: the host goes through docker0, a container through
    eth0, and an address in ``local`` is the source's own (lo)."""
    lines = []
    for address in addresses:
        dev = "lo" if address in local else ("docker0" if source == "host" else "eth0")
        lines += ["== " + address, ("local " if address in local else "") + "%s dev %s  src 172.17.0.9" % (address, dev)]
    return "\n".join(lines) + "\n"


ARP_HEADER = "IP address       HW type     Flags       HW address            Mask     Device\n"


def answering(silent=(), local=(), firewalld=None, asked=None, arp=None):
    """A runner as the default bridge answers: every address replies, except from a source to an
    address in ``silent``; no name resolves (busybox's "bad address"); routes as ``routes`` says.
    firewall-cmd --state says "running" when ``firewalld``, is missing when None; ``asked`` (a list)
    records each time it is asked. ``arp``: {container or "host": [(address, mac[, device])]}, its /proc/net/arp's
    complete entries (on eth0 unless a device is given)."""

    def runner(argv):
        if argv[:2] == ["docker", "inspect"]:  # Docker's record again after the pings: the same processes
            return 0, "".join("/%s %d\n" % (name, PIDS[name]) for name in argv[6:]), ""
        if argv[-1].endswith("/net/arp"):
            if asked is not None:
                asked.append(argv)
            end = end_of(argv)
            rows = [row if len(row) == 3 else (*row, "eth0") for row in (arp or {}).get(end, [])]
            return 0, ARP_HEADER + "".join("%-16s 0x1         0x2         %s     *        %s\n" % row for row in rows), ""
        if argv[0] == "sh" and "firewall-cmd --state" in argv[-1]:
            if asked is not None:
                asked.append(argv)
            return (3, "", "") if firewalld is None else (0, "running\n", "") if firewalld else (252, "not running\n", "")
        source = end_of(argv)
        if "ip route get" in " ".join(argv):
            addresses = argv[argv.index("route") + 1 :]
            return 0, routes(source, addresses, local), ""
        target = argv[-1]
        if not target[0].isdigit():
            return 1, "", "ping: bad address '%s'\n" % target
        answered = 0 if (source, target) in silent else 1
        return (0 if answered else 1), ANSWER.format(target, answered), ""

    return runner


def run(observed, runner):
    return verify(observed, PLAN, "192.0.2.2", "docker0", runner, attempts=1)


def test_a_healthy_lab_passes_with_every_cell_reachable(observed):
    result = run(observed, answering())
    assert result["passed"] is True and len(result["reachability"]) == 9
    (by_name,) = [cell for cell in result["reachability"] if cell["name"]]
    assert (by_name["source"], by_name["name"], by_name["expected"], by_name["observed"]) == (
        "alpine02",
        "alpine01",
        "unresolved",
        "unresolved",
    )
    assert [lesson["id"] for lesson in result["lessons"]] == ["docker0"] and result["lessons"][0]["passed"]
    assert result["lessons"][0]["i18n"]["zh"]["title"] == "理解Docker0"
    # A lesson names its checkpoints; its cells are in reachability once (by their "lesson"), not copied here.
    assert set(result["lessons"][0]) == {"id", "title", "i18n", "passed", "checkpoints"}
    assert {cell["lesson"] for cell in result["reachability"]} == {"docker0"}
    cell = result["reachability"][0]
    assert (cell["expected"], cell["observed"], cell["passed"], cell["reachable"], cell["as_expected"]) == (
        "reachable",
        "reachable",
        True,
        True,
        True,
    )
    assert cell["detail"] == "1 of 1 echo requests answered" and cell["i18n"]["zh"]["detail"] == "发出 1 个回显请求，收到 1 个回复"
    assert "why" not in cell


def test_a_cell_dropped_between_whole_containers_points_at_the_firewall(observed):
    address = observed["veths"]["pairs"][1]["ipv4"][0].split("/")[0]
    result = run(observed, answering(silent={("alpine01", address)}))
    (failed,) = [cell for cell in result["reachability"] if not cell["passed"]]
    assert failed["why"].startswith("0 of 1 echo requests answered; the interfaces and addresses look right: look for a firewall rule")
    assert "防火墙" in failed["i18n"]["zh"]["why"]
    assert [c["id"] for c in result["checkpoints"] if not c["passed"]] == ["C8"]


def test_a_broken_container_is_named_in_each_of_its_cells(observed):
    observed["health"] = {"alpine02": [problem("eth0_down", interface="eth0")], "alpine01": []}
    address = observed["veths"]["pairs"][1]["ipv4"][0].split("/")[0]
    silent = {("host", address), ("alpine02", "172.17.0.1"), ("alpine02", "192.0.2.2"), ("alpine01", address)}
    silent |= {("alpine02", pair["ipv4"][0].split("/")[0]) for pair in observed["veths"]["pairs"]}
    result = run(observed, answering(silent=silent))
    failed = [cell for cell in result["reachability"] if not cell["passed"]]
    # The five cells that go through alpine02, each naming the fault ...
    through = [cell for cell in failed if cell["expected"] == "reachable"]
    assert len(through) == 5 and all(
        "alpine02: eth0 is down; a run of the lab without --check recreates it" in cell["why"] for cell in through
    )
    assert all("alpine02：eth0 处于关闭（down）状态" in cell["i18n"]["zh"]["why"] for cell in through)
    # ... and C9's must-fail cell from alpine02: its name "does not resolve" only because alpine02 is cut off,
    # which is no proof of the lesson's reason: an error, not a pass.
    (c9,) = [cell for cell in failed if cell["expected"] != "reachable"]
    assert (c9["checkpoint"], c9["observed"], c9["control"]) == ("C9", "error", "172.17.0.1")
    assert c9["why"].startswith("alpine02 cannot reach its own gateway 172.17.0.1")
    assert "连自己的网关 172.17.0.1 都无法到达" in c9["i18n"]["zh"]["why"]


def test_where_to_look_tells_a_dns_problem_from_a_firewall_and_an_unexpected_answer():
    cell = {"source": "alpine02", "target": "alpine01", "expected": "reachable", "observed": "unresolved"}
    assert where_to_look(cell, {}, []) == [("look.dns", {})]
    cell = {"source": "alpine02", "target": "alpine-net-01", "expected": "unreachable", "observed": "reachable"}
    assert where_to_look(cell, {}, []) == [("cell.expected_unreachable_but_reachable", {})]
    cell = {"source": "alpine02", "target": "alpine03", "expected": "unresolved", "observed": "reachable", "address": "172.17.0.4"}
    assert where_to_look(cell, {}, []) == [("cell.expected_unresolved_but_resolved", {"address": "172.17.0.4"})]
    cell = {"source": "host", "target": "alpine01", "expected": "reachable", "observed": "unreachable"}
    bridge_down = problem("bridge_down", bridge="docker0")
    ((key, params),) = where_to_look(cell, {}, [bridge_down])
    assert key == "look.bridge" and params["problems"] == {"en": "docker0 is down", "zh": "docker0 处于关闭状态"}


def test_with_firewalld_running_the_host_firewall_is_named_with_the_fix():
    answered = {"source": "alpine02", "target": "alpine-net-01", "expected": "unreachable", "observed": "reachable"}
    assert where_to_look(answered, {}, [], firewalld=True) == [("cell.expected_unreachable_but_reachable", {}), ("look.firewalld", {})]
    silent = {"source": "alpine01", "target": "host (primary)", "expected": "reachable", "observed": "unreachable"}
    assert where_to_look(silent, {}, []) == [("look.firewall", {})]
    assert where_to_look(silent, {}, [], firewalld=True) == [("look.firewalld", {})]
    # A broken container is named before the firewall, firewalld or not.
    broken = {"alpine01": [problem("eth0_down", interface="eth0")]}
    assert where_to_look(silent, broken, [], firewalld=True)[0][0] == "look.container"


def test_firewalld_is_asked_only_when_a_cell_is_not_as_expected(observed):
    asked = []
    assert run(observed, answering(firewalld=True, asked=asked))["passed"] is True
    assert asked == []
    outside = "192.0.2.2"
    result = run(observed, answering(silent={("alpine01", outside)}, firewalld=True, asked=asked))
    (cell,) = [cell for cell in result["reachability"] if not cell["passed"]]
    assert len([argv for argv in asked if argv[0] == "sh"]) == 1
    assert "firewalld is running on this machine" in cell["why"] and "sudo systemctl restart docker" in cell["why"]
    assert "这台机器上运行着 firewalld" in cell["i18n"]["zh"]["why"] and "sudo systemctl restart docker" in cell["i18n"]["zh"]["why"]
    # Without firewalld (stopped, or not installed), the generic firewall advice.
    for state in (False, None):
        (cell,) = [c for c in run(observed, answering(silent={("alpine01", outside)}, firewalld=state))["reachability"] if not c["passed"]]
        assert "firewalld" not in cell["why"] and "iptables -S, nft list ruleset" in cell["why"]


def test_a_reply_from_an_address_on_the_sources_own_lo_does_not_count(observed):
    """ICMP to the host blocked, and 172.17.0.1 added to alpine01's lo: its "container -> host" ping is
    answered by alpine01 itself. The cell fails, saying so."""
    observed["addresses"] = {"alpine01": [["lo", "127.0.0.1/8"], ["lo", "172.17.0.1/32"], ["eth0", "172.17.0.2/16"]]}
    blocked = {("alpine02", "172.17.0.1")}  # the real host does not answer: only alpine01's trick does
    result = run(observed, answering(silent=blocked))
    (c6,) = [c for c in result["checkpoints"] if c["id"] == "C6"]
    assert not c6["passed"]
    (tricked,) = [c for c in result["reachability"] if c["source"] == "alpine01" and c["address"] == "172.17.0.1"]
    assert tricked["observed"] == "reachable" and not tricked["passed"] and tricked["wrong_path"]
    assert "but 172.17.0.1 is an address of alpine01 itself (on lo: 172.17.0.1/32)" in tricked["why"]
    assert "是 alpine01 自己的地址" in tricked["i18n"]["zh"]["why"]


def test_a_name_that_resolves_to_another_address_does_not_count():
    from vethlab.module_utils.vethlab_checkpoints import Seen
    from vethlab.module_utils.vethlab_verify import wrong_path

    seen = Seen({"addresses": {"alpine02": [["eth0", "172.17.0.3/16"]], "alpine03": [["eth0", "172.17.0.4/16"]]}}, PLAN)
    cell = {"source": "alpine03", "target": "alpine02", "name": "alpine02", "address": "172.17.0.9", "observed": "reachable"}
    assert wrong_path(cell, seen) == [
        ("cell.resolved_elsewhere", {"name": "alpine02", "address": "172.17.0.9", "target": "alpine02", "theirs": "172.17.0.3"})
    ]
    assert wrong_path(dict(cell, address="172.17.0.3"), seen) == []


def test_a_reply_the_kernel_delivered_to_the_source_itself_does_not_count(observed):
    """The address answered is not among those observed (added after ip addr was read), but the kernel's
    route in the source's namespace says local: the cell fails for that reason, in both languages."""
    result = run(observed, answering(local={"172.17.0.1"}))
    tricked = [c for c in result["reachability"] if c["address"] == "172.17.0.1"]
    assert tricked and all(not c["passed"] and c["wrong_path"] and c["observed"] == "reachable" for c in tricked)
    assert all("delivers 172.17.0.1 to itself (local 172.17.0.1 dev lo src 172.17.0.9)" in c["why"] for c in tricked)
    assert all("交给了自己" in c["i18n"]["zh"]["why"] for c in tricked)
    assert [c["id"] for c in result["checkpoints"] if not c["passed"]] == ["C6"]


def test_a_reply_through_another_interface_than_the_targets_subnet_does_not_count(observed):
    observed["addresses"] = {name: [["eth0", pair["ipv4"][0]]] for name, pair in zip(NAMES, observed["veths"]["pairs"])}
    observed["addresses"]["alpine01"].append(["eth9", "10.9.0.2/24"])

    def runner(argv):
        if "ip route get" in " ".join(argv) and end_of(argv) == "alpine01":
            addresses = argv[argv.index("route") + 1 :]
            return 0, routes("alpine01", addresses).replace("dev eth0", "dev eth9"), ""
        return answering()(argv)

    result = run(observed, runner)
    wrong = [c for c in result["reachability"] if c["source"] == "alpine01" and c["expected"] == "reachable"]
    # to docker0's address and to alpine02 the way is eth0 (their subnet); to the host's primary address, any way but lo
    assert [c["passed"] for c in wrong] == [False, True, False]
    assert "but alpine01 sends to 172.17.0.1 through eth9" in wrong[0]["why"] and "not through eth0" in wrong[0]["why"]


def test_a_route_that_cannot_be_read_is_no_proof(observed):
    def runner(argv):
        if "ip route get" in " ".join(argv):
            return 127, "", "sh: ip: not found\n"
        return answering()(argv)

    result = run(observed, runner)
    answered = [c for c in result["reachability"] if c["expected"] == "reachable"]
    assert answered and all(not c["passed"] and "could not be read" in c["why"] for c in answered)


@pytest.mark.parametrize(
    ("resolv_conf", "dns", "said"),
    [
        ("nameserver 127.0.0.11\n", [], "alpine02 asks Docker's embedded DNS (127.0.0.11)"),
        ("search lan\n", [], "alpine02 has no nameserver in /etc/resolv.conf"),
        (None, [], "alpine02's /etc/resolv.conf could not be read"),
        ("nameserver 192.0.2.99\n", ["192.0.2.53"], "alpine02 asks 192.0.2.99, but Docker was told --dns 192.0.2.53"),
    ],
)
def test_a_name_cell_that_must_fail_is_judged_only_with_the_lessons_resolver(observed, resolv_conf, dns, said):
    """alpine02's 'alpine01 does not resolve' proves the default bridge only when alpine02 asks the resolver Docker
    gave it; otherwise the cell is error, is not pinged, and says why."""
    observed["files"]["alpine02"] = {"/etc/resolv.conf": resolv_conf}
    observed["inspected"]["alpine02"]["dns"] = dns
    pinged = []

    def runner(argv):
        pinged.append(argv)
        return answering()(argv)

    result = run(observed, runner)
    (c9,) = [c for c in result["reachability"] if c["checkpoint"] == "C9"]
    assert (c9["observed"], c9["passed"], c9["probes"]) == ("error", False, 0)
    assert c9["why"].startswith(said)
    assert not any(argv[-1] == "alpine01" for argv in pinged)
    assert [c["id"] for c in result["checkpoints"] if not c["passed"]] == ["C9"]


def test_the_resolver_docker_was_told_is_the_lessons(observed):
    observed["inspected"]["alpine02"]["dns"] = ["192.0.2.53"]
    assert run(observed, answering())["passed"] is True


def test_an_address_on_a_containers_lo_is_reported_in_its_health():
    from vethlab.module_utils.vethlab_health import health

    containers, _ = health({}, ["alpine01"], {}, [], {"alpine01": [["lo", "127.0.0.1/8"], ["lo", "172.17.0.1/32"]]})
    (found,) = containers["alpine01"]
    assert found["code"] == "lo_address" and found["is"] == "lo has 172.17.0.1/32 besides 127.0.0.1/8"
    assert health({}, ["alpine01"], {}, [], {"alpine01": [["lo", "127.0.0.1/8"]]})[0] == {"alpine01": []}


def test_a_container_holding_its_gateway_at_another_bridges_mac_is_named_with_the_fix(observed):
    """alpine01's veth was on another bridge, and back: its ARP table still gives docker0's address that bridge's
    MAC, so nothing between it and the host answers. Each such cell names the entry, whose MAC it is and the fix;
    the tables are read only when a reply did not come."""
    bridges = observed["veths"]["bridges"]
    docker0 = bridges["docker0"]["mac"]
    other = "02:42:22:2f:be:af"
    observed["veths"]["bridges"] = dict(bridges, **{"br-7c64e394d75b": {"ipv4": ["192.168.0.1/24"], "mac": other}})
    address = observed["veths"]["pairs"][0]["ipv4"][0].split("/")[0]
    silent = {("host", address), ("alpine01", "172.17.0.1"), ("alpine01", "192.0.2.2")}
    asked = []
    result = run(observed, answering(silent=silent, asked=asked, arp={"alpine01": [("172.17.0.1", other)], "alpine02": []}))
    failed = [cell for cell in result["reachability"] if not cell["passed"]]
    assert len(failed) == 3 and [c["id"] for c in result["checkpoints"] if not c["passed"]] == ["C5", "C6", "C7"]
    for cell in failed:
        assert (
            "alpine01's ARP table still gives 172.17.0.1 the MAC %s, which is br-7c64e394d75b's, not docker0's (%s)" % (other, docker0)
        ) in cell["why"], cell["why"]
        assert "ip neigh flush dev eth0" in cell["why"] and "look for a firewall rule" not in cell["why"]
        assert "alpine01 的 ARP 表仍把 172.17.0.1 对应到 MAC %s，那是 br-7c64e394d75b 的" % other in cell["i18n"]["zh"]["why"]
    # The ends of the silent cells: alpine01 and the host (its table has nothing wrong here).
    # The kernel's record of each, read on the host (alpine01's through its process): nothing runs in the container.
    assert sorted(" ".join(argv) for argv in asked if argv[-1].endswith("/net/arp")) == [
        "cat /proc/4301/net/arp",
        "cat /proc/net/arp",
    ]
    # A MAC the lab does not know is still named as not the owner's; a right entry points at the firewall as before.
    unknown = run(observed, answering(silent=silent, arp={"alpine01": [("172.17.0.1", "02:00:00:00:00:01")]}))
    (cell, *_) = [cell for cell in unknown["reachability"] if not cell["passed"]]
    assert "gives 172.17.0.1 the MAC 02:00:00:00:00:01, not docker0's (%s)" % docker0 in cell["why"], cell["why"]
    right = run(observed, answering(silent=silent, arp={"alpine01": [("172.17.0.1", docker0)]}))
    assert all("look for a firewall rule" in cell["why"] for cell in right["reachability"] if not cell["passed"])
    # docker0's address at the MAC of one of docker0's own ports (alpine01's veth, learned while it was off the
    # bridge) is taken by the bridge as its own: not named.
    port = next(p["host_mac"] for p in observed["veths"]["pairs"] if p["bridge"] == "docker0")
    on_a_port = run(observed, answering(silent=silent, arp={"alpine01": [("172.17.0.1", port)]}))
    assert all("look for a firewall rule" in cell["why"] for cell in on_a_port["reachability"] if not cell["passed"])
    asked.clear()
    assert run(observed, answering(asked=asked))["passed"] and not asked  # a whole lab reads no ARP table


def test_an_arp_table_keeps_only_complete_entries():
    from vethlab.module_utils.vethlab_reach import parse_arp

    table = ARP_HEADER + "172.17.0.1       0x1         0x2         02:42:A2:32:0D:60     *        eth0\n"
    table += "172.17.0.3       0x1         0x0         00:00:00:00:00:00     *        eth0\n"
    assert parse_arp(table) == [{"address": "172.17.0.1", "mac": "02:42:a2:32:0d:60", "device": "eth0"}]
    assert parse_arp("") == [] and parse_arp("cat: can't open '/proc/net/arp'") == []


def test_the_hosts_entry_for_a_container_at_an_old_mac_is_named_on_the_lab_bridges_only(observed):
    """alpine01 made again with its address and a new MAC: the host's entry still gives the old one, so the host's
    pings go nowhere. The cells from the host name the host's entry and the fix; an entry on another link of the
    host (its uplink) is not the lab's and is never named."""
    alpine01 = observed["veths"]["pairs"][0]
    address, mac = alpine01["ipv4"][0].split("/")[0], alpine01["mac"]
    old = "02:42:de:ad:be:ef"
    result = run(observed, answering(silent={("host", address)}, arp={"host": [(address, old, "docker0")]}))
    (cell,) = [cell for cell in result["reachability"] if not cell["passed"]]
    said = "the host's ARP table still gives %s the MAC %s on docker0, not alpine01:eth0's (%s)" % (address, old, mac)
    assert said in cell["why"] and "sudo ip neigh del %s dev docker0" % address in cell["why"], cell["why"]
    assert "主机的 ARP 表仍把 %s 在 docker0 上对应到 MAC %s" % (address, old) in cell["i18n"]["zh"]["why"]
    elsewhere = run(observed, answering(silent={("host", address)}, arp={"host": [(address, old, "eth0")]}))
    (cell,) = [cell for cell in elsewhere["reachability"] if not cell["passed"]]
    assert "ARP table" not in cell["why"] and "look for a firewall rule" in cell["why"]


# --------------------------------------------------------------------------- names, as Docker gives them


def seen_with(hosts="", networks=("bridge",), links=None, resolv="nameserver 192.0.2.53\n"):
    """A judge's view of alpine03 (pid 4303) and alpine02: alpine03's files and Docker's record of it."""
    from vethlab.module_utils.vethlab_checkpoints import Seen

    observed = {
        "veths": pair_veths(*parse_outputs(HOST, CONTAINERS)),
        "running": ["alpine01", "alpine02", "alpine03"],
        "files": {"alpine03": {"/etc/hosts": hosts, "/etc/resolv.conf": resolv}},
        "inspected": {
            "alpine03": {"pid": 4303, "hostname": "3f2c1d", "id": "3f2c1d9a8b7c6d", "networks": list(networks), "link_aliases": links or {}}
        },
    }
    return Seen(observed, PLAN)


def test_a_name_resolves_by_the_link_docker_recorded_not_by_a_hosts_line_added_by_hand():
    from vethlab.module_utils.vethlab_verify import resolve_name

    address = pair_veths(*parse_outputs(HOST, CONTAINERS))["pairs"][1]["ipv4"][0].split("/")[0]  # alpine02's
    cell = {"source": "alpine03", "target": "alpine02", "name": "alpine02"}
    asked = []
    linked = resolve_name(cell, seen_with("%s\talpine02 4f1e alpine02\n" % address, links={"alpine02": "alpine02"}), asked.append)
    assert (linked["address"], linked["resolved_by"], linked["notes"], asked) == (address, "link", [], [])
    # The same line typed by hand, with no --link in Docker's record: named, and never an answer.
    forged = resolve_name(cell, seen_with("127.0.0.1\tlocalhost\n%s alpine02\n" % address), asked.append)
    assert "address" not in forged or forged.get("address") is None
    (why, edited) = forged["unresolved"]
    assert why[0] == "resolve.no_resolver" and edited == (
        "resolve.hosts_edited",
        {"source": "alpine03", "name": "alpine02", "line": "%s alpine02" % address},
    )
    assert asked == []  # on the default bridge no DNS server is asked at all
    # A line typed ahead of --link's, giving alpine01's address: the container's own resolver takes it, so its ping
    # goes there - the cell is judged at that address (and fails as resolved elsewhere), the line named.
    ahead = "172.17.0.2 alpine02\n%s\talpine02 4f1e alpine02\n" % address
    typed = resolve_name(cell, seen_with(ahead, links={"alpine02": "alpine02"}), asked.append)
    assert (typed["address"], typed["resolved_by"]) == ("172.17.0.2", "hosts")
    assert typed["notes"] == [("resolve.hosts_edited", {"source": "alpine03", "name": "alpine02", "line": "172.17.0.2 alpine02"})]


def test_on_a_user_network_the_embedded_dns_is_asked_from_inside_the_sources_namespace():
    from vethlab.module_utils.vethlab_verify import resolve_name

    cell = {"source": "alpine03", "target": "alpine02", "name": "alpine02"}
    asked = []
    seen = seen_with(networks=("mynet",), resolv="nameserver 127.0.0.11\noptions ndots:0\n")
    found = resolve_name(cell, seen, lambda pid, name: asked.append((pid, name)) or ["192.168.0.3"])
    assert (found["address"], found["resolved_by"], asked) == ("192.168.0.3", "dns", [(4303, "alpine02")])
    unknown = resolve_name(cell, seen, lambda pid, name: [])
    assert unknown["unresolved"][0][0] == "resolve.dns_unknown"
    # 127.0.0.11 typed into a container on the default bridge: nothing answers there, and nothing is asked.
    typed = resolve_name(cell, seen_with(resolv="nameserver 127.0.0.11\n"), lambda pid, name: asked.append("asked") or ["192.168.0.3"])
    assert typed["unresolved"][0][0] == "resolve.no_resolver" and asked == [(4303, "alpine02")]


def test_a_dns_reply_is_read_as_the_judge_asked_it():
    import struct

    from vethlab.module_utils.vethlab_netns import dns_answer, dns_question

    question = dns_question("alpine-net-02", 0x1234)
    assert question[12:] == b"\x0dalpine-net-02\x00\x00\x01\x00\x01"
    answer = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) + question[12:]
    answer += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 600, 4) + bytes([192, 168, 0, 3])
    assert dns_answer(answer, 0x1234) == ["192.168.0.3"]
    assert dns_answer(answer, 0x4321) is None  # another question's reply
    nxdomain = struct.pack("!HHHHHH", 0x1234, 0x8183, 1, 0, 0, 0) + question[12:]
    assert dns_answer(nxdomain, 0x1234) == []
    assert dns_answer(answer[:30], 0x1234) is None  # truncated


def test_nothing_is_judged_when_a_container_changed_or_the_engine_stopped_during_the_check(observed):
    """After the pings Docker's record is read once more: a container whose process is not the one looked into (made
    again meanwhile: its pid could be another's), or an engine that stopped answering, judges nothing."""
    from vethlab.module_utils.vethlab_verify import NotJudged

    def restarted(argv):
        if argv[:2] == ["docker", "inspect"]:
            return 0, "/alpine01 4301\n/alpine02 9999\n", ""
        return answering()(argv)

    with pytest.raises(NotJudged, match="alpine02 changed during the check"):
        run(observed, restarted)

    def engine_gone(argv):
        if argv[:2] == ["docker", "inspect"]:
            return 1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
        return answering()(argv)

    with pytest.raises(NotJudged, match="the Docker engine stopped answering during the check"):
        run(observed, engine_gone)


def test_an_outside_address_that_is_not_the_hosts_own_is_refused_naming_it_and_the_hosts_addresses():
    from vethlab.module_utils.vethlab_verify import outside_problem

    observed = {"host_ipv4_addresses": ["10.0.2.15", "172.17.0.1"]}
    assert outside_problem("10.0.2.15", observed) is None
    refused = outside_problem("192.0.2.7", observed)
    assert '"192.0.2.7" is not one of 10.0.2.15, 172.17.0.1' in refused and "lab_verify_outside_address" in refused
    assert "no IPv4 default route" in outside_problem("", observed)
