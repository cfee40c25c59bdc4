"""A flavor list is a size the server chooses: a page of 100,000 flavors keeps the first
``MAX_FLAVORS`` (the create and resize pickers list every one), in the order sent."""

from __future__ import annotations

from tui.api.parse_offers import MAX_FLAVORS, parse_flavors


def test_a_huge_flavor_page_keeps_the_first_max_flavors() -> None:
    page = {"data": [{"id": f"modelarts.vm.cpu.{i}", "category": "CPU"} for i in range(100_000)]}
    flavors = parse_flavors(page, "e")
    assert [f.id for f in flavors] == [f"modelarts.vm.cpu.{i}" for i in range(MAX_FLAVORS)]


def test_repeated_ids_do_not_count_against_the_bound() -> None:
    page = {"data": [{"id": "same"}] * 5_000 + [{"id": "other"}]}
    assert [f.id for f in parse_flavors(page, "e")] == ["same", "other"]
