"""Shared fixtures for the legal engine tests: the Serbian rules and a fictional jurisdiction."""

from __future__ import annotations

from pathlib import Path

import pytest

from havenwatch.legal.model import Jurisdiction
from havenwatch.legal.rules import load_jurisdiction, load_rules

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def rs() -> Jurisdiction:
    return load_jurisdiction("RS")


@pytest.fixture(scope="session")
def xx() -> Jurisdiction:
    return load_rules(FIXTURES / "XX.toml")
