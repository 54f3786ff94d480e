"""Property tests: whatever text arrives, the result is clean or the failure is clean."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import load_captured, pair_tuples, pairs_from_truth, read_fixture
from vethlab.module_utils.vethlab_ip import IpOutputError, parse_ip_addr
from vethlab.module_utils.vethlab_pairing import pair_veths, parse_outputs

HOST, CONTAINERS, TRUTH = load_captured("two-containers", "txt", "busybox.txt")
REAL_OUTPUTS = [
    HOST,
    read_fixture("captured", "two-containers", "host.json"),
    *CONTAINERS.values(),
    read_fixture("captured", "multi-network", "containers", "alpine01.iproute2.json"),
    read_fixture("handwritten", "ubuntu-host.txt"),
    read_fixture("lesson", "host.txt"),
]
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_clean(host, containers):
    """Either a well-formed result or an IpOutputError that names its source."""
    try:
        result = pair_veths(*parse_outputs(host, containers))
    except IpOutputError as error:
        assert error.source in {"host", "container_outputs", *map(str, containers), *map(repr, containers)}
        assert str(error)
        return None
    assert set(result) == {"pairs", "bridges", "unpaired", "containers", "warnings"}
    for pair in result["pairs"]:
        assert pair["container"] in containers
        assert pair["container_peer_ifindex"] == pair["host_ifindex"]
        assert pair["host_peer_ifindex"] == pair["container_ifindex"]
    hosts = [pair["host_ifindex"] for pair in result["pairs"]]
    assert len(hosts) == len(set(hosts)), "a host veth was paired twice"
    return result


@PROFILE
@given(st.text())
def test_arbitrary_text_as_host_or_container(text):
    check_clean(text, {"alpine01": CONTAINERS["alpine01"]})
    check_clean(HOST, {"alpine01": text})


@PROFILE
@given(st.sampled_from(REAL_OUTPUTS), st.data())
def test_truncated_real_outputs(output, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(output)))
    try:
        parse_ip_addr(output[:cut], "alpine01")
    except IpOutputError as error:
        assert error.source == "alpine01"
    check_clean(HOST, {"alpine01": output[:cut]})
    check_clean(output[:cut], CONTAINERS)


@PROFILE
@given(st.sampled_from(REAL_OUTPUTS), st.data())
def test_shuffled_and_mutated_lines_of_real_outputs(output, data):
    lines = output.splitlines()
    order = data.draw(st.permutations(lines))
    position = data.draw(st.integers(min_value=0, max_value=max(len(order) - 1, 0)))
    noise = data.draw(st.text(max_size=40))
    mutated = list(order)
    if mutated:
        mutated[position] = mutated[position][: len(noise)] + noise
    check_clean("\n".join(mutated), CONTAINERS)
    check_clean(HOST, {"alpine02": "\n".join(mutated)})


@PROFILE
@given(
    st.dictionaries(
        st.one_of(st.text(max_size=10), st.integers(), st.none()),
        st.one_of(st.sampled_from(REAL_OUTPUTS), st.text(max_size=50), st.integers(), st.none()),
        max_size=4,
    )
)
def test_arbitrary_container_mappings(containers):
    check_clean(HOST, containers)


def test_untouched_real_outputs_still_pair_as_the_kernel_does():
    # The anchor for the properties above: unmutated input gives the kernel's pairs.
    result = check_clean(HOST, CONTAINERS)
    assert result is not None
    assert pair_tuples(result) == pairs_from_truth(TRUTH)
