"""The scale-out figure's machine bound (bench/serve_latency.py): how busy the machine was, from
/proc/stat, and the ratio its CPUs allow at most. Arithmetic only; no timings asserted."""

from __future__ import annotations

import pytest

from bench.serve_latency import busy_between, machine_bound, machine_ticks


def test_busy_share_of_all_cpus():
    assert busy_between((100, 1000), (250, 1200)) == 0.75
    assert busy_between((5, 10), (5, 10)) == 0.0  # no time passed: nothing measured


def test_machine_ticks_grow_and_busy_is_a_share():
    first = machine_ticks()
    sum(range(200_000))  # some work of our own
    second = machine_ticks()
    assert second[1] >= first[1] and second[0] >= first[0]
    assert 0.0 <= busy_between(first, second) <= 1.0


@pytest.mark.parametrize(("cpus", "busy", "per_s", "expected"), [
    (2, 0.73, 176.7, (8.26, 1.37)),  # the run quoted in the README: two processes hit it
    (2, 0.5, 100.0, (10.0, 2.0)),  # half the machine idle: two processes could double it
    (4, 0.25, 100.0, (10.0, 4.0)),
    (2, 1.0, 100.0, (20.0, 1.0)),  # already saturated: a second process cannot add anything
])
def test_bound_is_the_cpus_over_what_one_answer_costs_every_process(cpus, busy, per_s, expected):
    assert machine_bound(cpus, busy, per_s) == expected


def test_nothing_measured_gives_no_bound():
    assert machine_bound(2, 0.0, 100.0) == (0.0, None)
    assert machine_bound(2, 0.5, 0.0) == (0.0, None)
