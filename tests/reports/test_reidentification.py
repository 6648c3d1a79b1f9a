"""Joining the anonymised export with the case data singles out no one."""

from __future__ import annotations

from disclosure_attack import recoverable
from reidentification_data import CANARIES, CROWD, RARE, Population, published

from havenwatch.reports.public import anonymised_export


def test_every_published_count_matches_the_data_and_covers_at_least_k_people(
    population: Population,
) -> None:
    truth = population.tables()
    for k in (5, 10):
        release = anonymised_export(population.db, k)
        counts = published(release)

        assert counts, "the demo data is large enough for something to be published"
        for (key, position), people in counts.items():
            assert people == truth[key].grid[position]
            assert people >= k


def test_no_person_in_the_data_falls_in_a_published_cell_smaller_than_k(
    population: Population,
) -> None:
    counts = published(anonymised_export(population.db, 10))

    for (key, (nationality, country)), who in population.people.items():
        for position in [(nationality, country), (nationality, "ALL"), ("ALL", country)]:
            shown = counts.get((key, position))
            assert shown is None or shown >= 10, (key, position, len(who))


def test_planted_rare_people_are_not_published(population: Population) -> None:
    counts = published(anonymised_export(population.db, 5))

    for planted in RARE:
        assert len(population.people[planted.cell]) < 5
        assert planted.cell not in counts


def test_people_without_consent_are_counted_only_in_a_cell_of_at_least_k(
    population: Population,
) -> None:
    crowd_cell = CROWD[0].cell
    counts = published(anonymised_export(population.db, 10))

    assert len(population.people[crowd_cell]) >= len(CROWD)
    assert counts[crowd_cell] == len(population.people[crowd_cell])


def test_no_suppressed_count_can_be_worked_back_from_the_totals_of_two_exports(
    population: Population,
) -> None:
    public, researchers = (published(anonymised_export(population.db, k)) for k in (10, 5))
    assert set(public) <= set(researchers), "suppression is nested in k"
    combined = {**public, **researchers}

    for key, table in population.tables().items():
        for export in (public, researchers, combined):
            shown = {position: v for (slice_key, position), v in export.items() if slice_key == key}
            assert recoverable(table, shown) == set(), key
        small = {p for p, v in table.grid.items() if 0 < v < 5}
        assert not {(key, position) for position in small} & set(combined)


def test_no_identifying_string_appears_in_either_format(population: Population) -> None:
    release = anonymised_export(population.db, 5)

    for text in (release.to_csv(), release.to_json()):
        for secret in (*CANARIES, *population.identifiers):
            assert secret not in text
