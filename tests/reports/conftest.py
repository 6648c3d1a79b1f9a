"""A populated instance for the re-identification checks (see reidentification_data)."""

from __future__ import annotations

import pytest
from reidentification_data import Population, populate

from havenwatch.store.database import Database


@pytest.fixture
def population(db: Database) -> Population:
    """Demo cases and planted people in the database, with the truth about who is where."""
    return populate(db)
