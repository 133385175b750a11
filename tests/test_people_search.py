"""Find a person: applicants and trainees by name or id, only in the reader's programs; a blind
review finds applicants by id or code and never by name."""

from __future__ import annotations

import pytest

from dashboard import db, people_search, screening
from dashboard.auth import AccessDenied, Scope

P01_SUPERVISOR = Scope("sup@example.org", (("supervisor", "P01"),))
P02_DIRECTOR = Scope("dir@example.org", (("training_director", "P02"),))


@pytest.fixture
def store(db_file):
    opened = db.Store.open(db_file)
    yield opened
    opened.close()


def _one(store, sql: str, **params):
    return store.con.execute(sql, params).fetchall()


def test_applicants_found_by_part_of_a_name_or_an_id_in_the_readers_programs_only(store):
    inside = _one(
        store,
        "select a.application_id, a.person_id, p.full_name from applications as a"
        " join people as p using (person_id) where a.program_id = 'P01' order by 1 limit 1",
    )[0]
    outside = _one(
        store,
        "select a.application_id, p.full_name from applications as a join people as p using (person_id)"
        " where a.program_id <> 'P01' and p.person_id not in"
        " (select person_id from applications where program_id = 'P01') order by 1 limit 1",
    )[0]
    application_id, person_id, name = inside
    surname = name.split()[-1].upper()  # case-insensitive, part of the name
    for text in (surname, application_id.lower(), person_id, f"  {name}  "):
        found = people_search.find_applicants(store, P01_SUPERVISOR, text)
        assert application_id in found.rows["application_id"].to_list(), text
    label = found.rows.filter(found.rows["application_id"] == application_id)["label"][0]
    assert label.startswith(f"{name} · {application_id} · ")
    for text in (outside[0], outside[1]):  # another program's applicant is never found
        assert people_search.find_applicants(store, P01_SUPERVISOR, text).total == 0
    every = Scope("sup@example.org", (("supervisor", "*"),))
    assert people_search.find_applicants(store, every, outside[0]).total == 1


def test_blind_review_finds_by_id_or_code_never_by_name(store):
    application_id, name = _one(
        store,
        "select a.application_id, p.full_name from applications as a join people as p using (person_id)"
        " where a.program_id = 'P01' and a.application_id not in (select application_id from app_decisions)"
        " order by 1 limit 1",
    )[0]
    code = screening.blind_code(screening.blind_secret(store), application_id)
    assert people_search.find_applicants(store, P01_SUPERVISOR, name, hide_names=True).total == 0
    by_id = people_search.find_applicants(store, P01_SUPERVISOR, application_id, hide_names=True)
    by_code = people_search.find_applicants(store, P01_SUPERVISOR, code[-6:].lower(), hide_names=True)
    for found in (by_id, by_code):
        assert found.rows["application_id"].to_list() == [application_id]
        assert found.rows["label"][0].startswith(code) and name not in found.rows["label"][0]


def test_trainees_found_in_the_directors_programs_only(store):
    inside = _one(
        store,
        "select e.person_id, p.full_name, e.cohort_id from enrollments as e join people as p using (person_id)"
        " join cohorts as c using (cohort_id) where c.program_id = 'P02' order by 1 limit 1",
    )[0]
    outside = _one(
        store,
        "select e.person_id, p.full_name from enrollments as e join people as p using (person_id)"
        " join cohorts as c using (cohort_id) where c.program_id <> 'P02' and e.person_id not in"
        " (select e2.person_id from enrollments as e2 join cohorts as c2 using (cohort_id)"
        " where c2.program_id = 'P02') order by 1 limit 1",
    )[0]
    person_id, name, cohort_id = inside
    found = people_search.find_trainees(store, P02_DIRECTOR, name.split()[0].lower())
    row = found.rows.filter(found.rows["person_id"] == person_id).row(0, named=True)
    assert (row["program_id"], row["cohort_id"]) == ("P02", cohort_id)
    assert row["label"].startswith(f"{name} · {person_id} · ")
    assert people_search.find_trainees(store, P02_DIRECTOR, outside[1]).total == 0
    assert people_search.find_trainees(store, P02_DIRECTOR, outside[0]).total == 0


def test_a_search_needs_the_role_and_some_text(store):
    with pytest.raises(AccessDenied):
        people_search.find_applicants(store, P02_DIRECTOR, "a")
    with pytest.raises(AccessDenied):
        people_search.find_trainees(store, P01_SUPERVISOR, "a")
    assert people_search.find_applicants(store, P01_SUPERVISOR, "   ").total == 0
    assert people_search.find_trainees(store, P02_DIRECTOR, "").total == 0


def test_many_matches_are_capped_and_say_so(store):
    found = people_search.find_applicants(store, Scope("s", (("supervisor", "*"),)), "a")
    assert found.total > people_search.RESULT_LIMIT == found.rows.height
    assert "Type more to narrow" in found.summary("applicant")
    assert people_search.Matches(found.rows.head(1), 1).summary("applicant") == "1 applicant found."
    assert (
        people_search.Matches(found.rows.clear(), 0).summary("trainee")
        == "No trainees found in your programs."
    )
