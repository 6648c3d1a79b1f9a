"""Attacks on the anonymised release and the audit log, replayed against a served instance
(issue 12, items 9 and 11).

Item 9: any role could pull the anonymised release on demand, so export, add one person,
export again moved the four entries of that person's cell by one. Now every role reads the
published version, byte for byte the same until an administrator publishes the next one.

Item 11: with no signed checkpoint, `audit verify` said "intact" after the whole log was
deleted. Now it never says "intact" without a checkpoint, and fails when the log is shorter
than the length it verified before (kept beside the key file, out of the attacker's database).
"""

from __future__ import annotations

import subprocess
import sys

import httpx

from havenwatch.core.settings import Settings
from tests.operations.audit_tampering import tamper
from tests.security.attacks.conftest import Served, csrf_token
from tests.web.conftest import api_headers

CROWD = 12
READERS = ("admin-a", "caseworker-a", "viewer-a", "researcher-a", "caseworker-b")
DOWNLOADS = ("/transfer/anonymised.csv", "/transfer/anonymised.json")


def _add_person(client: httpx.Client, headers: dict[str, str], number: int) -> None:
    """One more person, their case and a detention event, through the API."""
    person = client.post(
        "/api/v1/people",
        json={"pseudonym": f"Newcomer {number}", "nationality": "RU"},
        headers=headers,
    )
    assert person.status_code == 201, person.text
    case = client.post(
        "/api/v1/cases", json={"person_id": person.json()["id"], "country": "RS"}, headers=headers
    )
    assert case.status_code == 201, case.text
    event = client.post(
        f"/api/v1/cases/{case.json()['id']}/events",
        json={"type": "detention", "date": "2025-03-10"},
        headers=headers,
    )
    assert event.status_code == 201, event.text


def _publish(served: Served) -> None:
    admin = served.login("admin-a")
    token = csrf_token(admin.get("/transfer").text)
    assert admin.post("/transfer/releases", data={"csrf_token": token}).status_code == 303


def _everyone_reads(served: Served, clients: dict[str, httpx.Client]) -> dict[str, list[bytes]]:
    reads = {}
    for name, client in clients.items():
        answers = [client.get(path) for path in DOWNLOADS]
        assert [a.status_code for a in answers] == [200, 200], name
        reads[name] = [a.content for a in answers]
    return reads


def test_exporting_around_one_new_person_returns_the_same_bytes_to_every_role(
    served: Served,
) -> None:
    """Attack 9: export, add one person, export again; the release must not move."""
    caseworker = served.login("caseworker-a")
    headers = api_headers(served.world, "caseworker-a")
    for number in range(CROWD):
        _add_person(caseworker, headers, number)
    _publish(served)
    clients = {name: served.login(name) for name in READERS}

    before = _everyone_reads(served, clients)
    assert f"RU,RS,{CROWD}".encode() in before["researcher-a"][0]
    _add_person(caseworker, headers, CROWD)
    after = _everyone_reads(served, clients)

    assert after == before
    assert len({tuple(reads) for reads in after.values()}) == 1, "one release for every role"
    researcher = api_headers(served.world, "researcher-a")
    api = clients["researcher-a"].get("/api/v1/exports/anonymised?format=csv", headers=researcher)
    assert api.content == before["researcher-a"][0]


def test_no_role_but_administrators_can_compute_the_release_on_demand(served: Served) -> None:
    for name in ("caseworker-a", "viewer-a", "researcher-a", "caseworker-b"):
        client = served.login(name)
        assert client.get("/transfer/anonymised-live.csv").status_code == 403, name
        headers = api_headers(served.world, name)
        live = client.get("/api/v1/exports/anonymised/live", headers=headers)
        assert live.status_code == 403, name
        token = csrf_token(client.get("/transfer").text)
        assert client.post("/transfer/releases", data={"csrf_token": token}).status_code == 403


def _verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "havenwatch",
            "--data-dir",
            str(settings.data_dir),
            "--database-url",
            settings.database_url,
            "--key-file",
            str(settings.key_file),
            "audit",
            "verify",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deleting_the_whole_audit_log_is_not_reported_intact(
    served: Served, instance_settings: Settings
) -> None:
    """Attack 11: no checkpoint, the whole log deleted, `audit verify` said "intact"."""
    served.login("admin-a").get("/admin/audit")
    first = _verify(instance_settings)
    assert first.returncode == 0, first.stderr
    assert "intact" not in first.stdout
    assert "no signed checkpoint to verify against" in first.stderr

    tamper(served.db, ["DELETE FROM audit_log"])
    second = _verify(instance_settings)

    assert second.returncode == 1
    assert "intact" not in second.stdout
    assert "the log ends at entry 0" in second.stdout
