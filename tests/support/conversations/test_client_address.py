"""The client address limits count by: X-Forwarded-For read from the right, past our own
proxies only; IPv6 clients by their /64."""

from __future__ import annotations

from support.conversations.limits import client_address, limit_key, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "fd00::/8"])


def test_forwarding_not_trusted_takes_the_peer_whatever_the_header_says():
    address = client_address("198.51.100.4", "1.2.3.4", trust_forwarded=False, trusted_proxies=())
    assert address == "198.51.100.4"


def test_the_right_most_address_that_is_not_our_proxy_is_the_client():
    # The client wrote "1.2.3.4"; our two proxies appended what they saw.
    address = client_address(
        "10.0.0.2",
        "1.2.3.4, 198.51.100.7, 10.0.0.1",
        trust_forwarded=True,
        trusted_proxies=PROXIES,
    )
    assert address == "198.51.100.7"


def test_with_no_proxies_listed_the_right_most_entry_is_the_client():
    address = client_address(
        "127.0.0.1", "6.6.6.6, 203.0.113.9", trust_forwarded=True, trusted_proxies=()
    )
    assert address == "203.0.113.9"


def test_a_peer_that_is_not_our_proxy_cannot_forward_an_address():
    address = client_address(
        "198.51.100.4", "203.0.113.9", trust_forwarded=True, trusted_proxies=PROXIES
    )
    assert address == "198.51.100.4"


def test_garbage_in_the_header_stops_at_the_last_address_our_proxies_vouch_for():
    address = client_address(
        "10.0.0.2", "not-an-ip, 10.0.0.1", trust_forwarded=True, trusted_proxies=PROXIES
    )
    assert address == "10.0.0.1"


def test_ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4():
    assert limit_key("2001:db8:1:2:aaaa::1") == limit_key("2001:db8:1:2:bbbb::9")
    assert limit_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert limit_key("192.0.2.1") == "192.0.2.1"
