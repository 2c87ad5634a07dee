"""The guard against PySide6 6.12.0 dropping references to None and True on Python 3.11."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject

from ui import refcount_guard


def test_the_guard_keeps_the_singletons_from_running_out(qapp, monkeypatch):
    leaky = refcount_guard.leaky_singletons()
    if not leaky:
        pytest.skip("this PySide6 and Python do not drop references")
    guard = refcount_guard.install(qapp)
    assert guard is not None and set(leaky) <= set(guard.leaky)
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20_000):  # the leak: each call takes one reference from None
        probe.setObjectName("x")
    assert sys.getrefcount(None) < before - 19_000
    floor = sys.getrefcount(None) + 50_000  # as if the count had sunk below the guard's floor
    monkeypatch.setattr(refcount_guard, "FLOOR", floor)
    guard.top_up()  # what its timer does every second
    assert sys.getrefcount(None) >= floor - 100  # give or take a few temporary references
