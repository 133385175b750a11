"""Find a person: applicants and trainees by name or id, only in the reader's programs; a blind
review finds applicants by id or code and never by name."""

from __future__ import annotations

import pytest

from dashboard.core.access import AccessDenied, Scope
from dashboard.hiring import hidden_names, people_search
from dashboard.store import db

P01_SUPERVISOR = Scope("sup@example.org", (("supervisor", "P01"),))
P02_DIRECTOR = Scope("dir@example.org", (("training_director", "P02"),))


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
    code = hidden_names.blind_code(hidden_names.blind_secret(store), application_id)
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


# --- the pages --------------------------------------------------------------------------------


def _rows(db_file, sql: str, **params) -> list[tuple]:
    """Rows from a short-lived connection (closed before the app opens the file)."""
    con = db.connect(db_file)
    try:
        return con.execute(sql, params or None).fetchall()
    finally:
        con.close()


def test_candidate_page_finds_an_applicant_by_name_and_opens_them(db_file, app_as):
    (application_id, name), *_ = _rows(
        db_file,
        "select a.application_id, p.full_name from applications as a join people as p using (person_id)"
        " where a.program_id = 'P01' order by 1",
    )
    (outsider,) = _rows(
        db_file,
        "select p.full_name from people as p where person_id in (select person_id from applications"
        " where program_id <> 'P01') and person_id not in (select person_id from applications"
        " where program_id = 'P01') order by 1 limit 1",
    )[0]
    at = app_as("supervisor", ("P01",), page="views/candidate.py")
    assert not at.exception
    assert any("Find an applicant above" in i.value for i in at.info)  # nothing open yet: say how
    at.text_input(key="candidate_find_text").input(name.split()[-1].lower()).run()
    assert any("found" in c.value for c in at.caption)
    pick = at.selectbox(key="candidate_find_pick")
    pick.select(next(o for o in pick.options if application_id in o)).run()
    assert not at.exception
    assert f"Applicant: {name}" in [t.value for t in at.text]
    assert at.query_params["application"] == application_id  # the address names who is open
    at.text_input(key="candidate_find_text").input(outsider).run()
    assert "No applicants found in your programs." in [c.value for c in at.caption]


def test_trainees_page_finds_a_trainee_and_turns_the_pickers_to_them(db_file, app_as):
    at = app_as("training_director", ("P02", "P04"), page="views/trainees.py")
    other = "P02" if at.selectbox(key="trainees_program").value == "P04" else "P04"  # not the one shown
    person_id, name, cohort_id = _rows(
        db_file,
        "select e.person_id, p.full_name, e.cohort_id from enrollments as e"
        " join people as p using (person_id) join cohorts as c using (cohort_id)"
        " where c.program_id = $program order by 1 limit 1",
        program=other,
    )[0]
    at.text_input(key="trainees_find_text").input(person_id).run()
    pick = at.selectbox(key="trainees_find_pick")
    pick.select(next(o for o in pick.options if o.startswith(name))).run()
    assert not at.exception
    assert at.selectbox(key="trainees_program").value == other
    assert at.selectbox(key="trainees_cohort").value == cohort_id
    assert at.selectbox(key="trainees_person").value == person_id
