"""Attacks on signing in, replayed against a served instance (issue 12, items 1, 3, 4, 11)."""

from __future__ import annotations

from attacks.conftest import Served


def test_a_served_instance_lets_each_role_sign_in(served: Served) -> None:
    for name in ("admin-a", "caseworker-a", "viewer-a", "researcher-a", "caseworker-b"):
        assert served.login(name).get("/").status_code == 200
