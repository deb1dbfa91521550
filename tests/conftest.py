"""Shared fixtures."""

import pytest

import varshare as vs


@pytest.fixture(autouse=True)
def graph():
    """Give every test a fresh default graph."""
    vs.reset_default_graph()
    return vs.get_default_graph()
