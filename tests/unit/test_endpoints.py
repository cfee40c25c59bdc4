"""Notebook ``endpoints`` -> Endpoint values: every uri form of section 11.0, both key list names, hostile text."""

from __future__ import annotations

from typing import Any

import pytest

from tui.api.endpoints import UriError, parse_endpoints, split_uri
from tui.api.parse import parse_notebook, parse_v1_instance
from tui.core.models import Endpoint


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("ssh://ma-user@10.0.0.5:30122", ("ma-user", "10.0.0.5", 30122)),
        ("ssh://10.0.0.5:30122", ("", "10.0.0.5", 30122)),
        ("ssh://ma-user@dev.example.com", ("ma-user", "dev.example.com", 22)),
        ("SSH://Dev.Example.COM:2222/", ("", "dev.example.com", 2222)),
        ("tcp://192.168.1.7:31000", ("", "192.168.1.7", 31000)),
        ("192.168.1.7:31000", ("", "192.168.1.7", 31000)),
        ("[2001:db8::7]:31000", ("", "2001:db8::7", 31000)),
        ("ssh://ma-user@[2001:DB8::7]:31000", ("ma-user", "2001:db8::7", 31000)),
        ("[2001:db8::7]", ("", "2001:db8::7", 22)),
        ("2001:db8::7", ("", "2001:db8::7", 22)),
        ("notebook-host", ("", "notebook-host", 22)),
        ("  10.0.0.5:22  ", ("", "10.0.0.5", 22)),
    ],
)
def test_every_documented_uri_form_gives_user_host_and_port(uri: str, expected: tuple[str, str, int]) -> None:
    assert split_uri(uri) == expected


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("", "names no host"),
        ("10.0.0.5:0", "the port in '10.0.0.5:0' is not 1-65535"),
        ("10.0.0.5:65536", "is not 1-65535"),
        ("10.0.0.5:ssh", "is not 1-65535"),
        ("-oProxyCommand=touch /tmp/x", "is not a host name or address"),
        ("ssh://-oProxyCommand=x@host:22", "is not a user name"),
        ("host name:22", "is not a host name or address"),
        ("[2001:db8::7:31000", "an IPv6 address in brackets"),
        ("[not-v6]:22", "is not an IPv6 address"),
        ("fe80::zz", "is not an IPv6 address"),
        ("ssh://user@", "names no host"),
    ],
)
def test_a_uri_that_names_no_usable_address_says_why(uri: str, why: str) -> None:
    with pytest.raises(UriError, match=None) as caught:
        split_uri(uri)
    assert why in str(caught.value)


def _nb(endpoints: Any) -> dict[str, Any]:
    return {
        "id": "6e4a7b1c-0000-4000-8000-000000000001",
        "name": "cv-lab",
        "status": "RUNNING",
        "endpoints": endpoints,
    }


def test_a_notebook_with_ssh_and_jupyterlab_endpoints() -> None:
    instance = parse_notebook(
        _nb(
            [
                {"service": "NOTEBOOK", "uri": "https://jupyter.example/lab", "key_pair_names": []},
                {
                    "service": "SSH",
                    "dev_service": "SSH",
                    "uri": "ssh://ma-user@203.0.113.9:30022",
                    "key_pair_names": ["KeyPair-cv"],
                    "allowed_access_ips": ["198.51.100.0/24", "203.0.113.4"],
                },
            ]
        )
    )
    assert instance.ssh == Endpoint(
        service="SSH",
        uri="ssh://ma-user@203.0.113.9:30022",
        host="203.0.113.9",
        port=30022,
        user="ma-user",
        key_pair_names=("KeyPair-cv",),
        allowed_ips=("198.51.100.0/24", "203.0.113.4"),
    )
    assert instance.ssh.address == "203.0.113.9:30022"
    assert [e.service for e in instance.endpoints] == ["NOTEBOOK", "SSH"]


def test_otc_pages_name_the_key_list_ssh_keys() -> None:
    instance = parse_notebook(_nb([{"service": "SSH", "uri": "10.1.2.3:30100", "ssh_keys": ["KeyPair-otc"]}]))
    assert instance.ssh is not None and instance.ssh.key_pair_names == ("KeyPair-otc",)


def test_no_endpoints_or_only_jupyterlab_means_no_ssh() -> None:
    for value in (None, [], "SSH", {"service": "SSH"}, [{"service": "NOTEBOOK", "uri": "https://x/lab"}]):
        assert parse_notebook(_nb(value)).ssh is None
    assert parse_v1_instance({"id": "DE-1", "name": "old", "status": "RUNNING"}).ssh is None


def test_an_unreadable_ssh_uri_keeps_the_endpoint_with_the_reason() -> None:
    instance = parse_notebook(
        _nb([{"service": "SSH", "uri": "-oProxyCommand=evil", "key_pair_names": ["k"]}])
    )
    assert instance.ssh is not None
    assert instance.ssh.host == "" and instance.ssh.port is None
    assert (
        instance.ssh.problem == "'-oProxyCommand=evil': '-oProxyCommand=evil' is not a host name or address"
    )
    empty = parse_notebook(_nb([{"service": "SSH", "uri": ""}])).ssh
    assert empty is not None and empty.problem == "the SSH endpoint has no uri yet"


def test_hostile_key_pair_names_and_ips_are_dropped_and_control_characters_never_pass() -> None:
    instance = parse_notebook(
        _nb(
            [
                {
                    "service": "SSH",
                    "uri": "10.0.0.5:30022\n    ProxyCommand evil",
                    "key_pair_names": ["ok-key", "../../etc/passwd", "a\nHost *", "with space", 7, "ok-key"],
                    "allowed_access_ips": ["10.0.0.0/8", "1.2.3.4\x1b[2J", "evil host"],
                }
            ]
        )
    )
    ssh = instance.ssh
    assert ssh is not None
    assert ssh.key_pair_names == ("ok-key",)
    assert ssh.allowed_ips == ("10.0.0.0/8",)
    assert "\n" not in ssh.uri and ssh.host == ""


def test_endpoint_lists_are_bounded() -> None:
    many = [
        {"service": "SSH", "uri": f"10.0.0.{i}:22", "key_pair_names": [f"k{j}" for j in range(100)]}
        for i in range(100)
    ]
    instance = parse_notebook(_nb(many))
    assert len(instance.endpoints) == 16
    assert instance.ssh is not None and len(instance.ssh.key_pair_names) == 16


def test_parse_endpoints_ignores_items_that_are_not_services() -> None:
    assert parse_endpoints([1, "x", None, {}, {"uri": "h:1"}, {"service": "ssh", "uri": "h:2"}]) == (
        Endpoint(service="SSH", uri="h:2", host="h", port=2),
    )
