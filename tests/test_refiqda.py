"""REFI-QDA exchange: the `.qdc` codebook out, coded `.qdpx` projects in, as real tools write them.

Every project here is written by tests/qdpx_writer.py the way NVivo, ATLAS.ti, MAXQDA and
QualCoder export (CRLF or LF, BOMs, emoji, inline text, odd GUIDs and namespaces), and read back
through dashboard.refiqda.qdpx. Hostile archives are in tests/test_refiqda_hostile.py.
"""

from __future__ import annotations

import pytest
import xmlschema
from conftest import ROOT
from qdpx_writer import Sel, Src, codes_from_qdc, guid, locate, project_xml, write_qdpx, write_zip

from dashboard import codebook
from dashboard.core.access import AccessDenied, Scope
from dashboard.refiqda.qdc import code_guid, codebook_codes, codebook_qdc, qdc_xml
from dashboard.refiqda.qdpx import Context, QdpxError, excerpt_id, read_qdpx
from dashboard.store import db

SCHEMAS = ROOT / "tests" / "schemas"
RATERS = [("R01", "Cormac Uchenna"), ("R02", "Elena Moreau"), ("R03", "Hollis Zamora")]
INTERVIEWS = ["I000001", "I000002", "I000010", "I000011"]
CODES = codebook_codes(codebook.load_themes(), codebook.load_subthemes())
SUBTHEMES = dict(codebook.load_subthemes().select("code", "theme").iter_rows())

TEXT = (
    "Interviewer: What keeps you going? 🙂\n"
    "Applicant: Honestly 😀 I sing in a choir on Tuesdays and I do not move it for anything.\n"
    "Applicant: Some weeks 😩 the sessions are the draining part, I admit.\n"
    "Interviewer: And supervision?\n"
    "Applicant: I bring my hardest cases to supervision on purpose.\n"
    "And I record sessions so my supervisor can pick them apart.\n"
)
U1, U2 = guid("user/cormac"), guid("user/elena")


def context() -> Context:
    """Interviews, raters and Vocation's shipped codebook, without a database."""
    return Context(INTERVIEWS, RATERS, CODES, SUBTHEMES)


def vocation(path: str) -> str:
    """The GUID of a code of Vocation's own codebook."""
    return code_guid(path)


def own_codes() -> list[dict]:
    """Vocation's codebook as a tool holds it after importing the .qdc."""
    return codes_from_qdc(qdc_xml(CODES))


def selections() -> list[Sel]:
    """Three codings of TEXT: supports, counter, a sub-theme across a line end."""
    return [
        Sel("sing in a choir on Tuesdays", [vocation("balance")], coder=U1),
        Sel("the sessions are the draining part", [vocation("fit/counter")], coder=U2),
        Sel(
            "bring my hardest cases to supervision on purpose.\nAnd I record sessions",
            [vocation("adaptiveness/feedback")],
            coder=U1,
        ),
    ]


USERS = [{"guid": U1, "name": "Cormac Uchenna"}, {"guid": U2, "name": "r02"}]
EXPECTED = [
    ("balance", None, "supports", "sing in a choir on Tuesdays", "R01"),
    ("fit", None, "counter", "the sessions are the draining part", "R02"),
    (
        "adaptiveness",
        "feedback",
        "supports",
        "bring my hardest cases to supervision on purpose.\nAnd I record sessions",
        "R01",
    ),
]


def rows(result) -> list[tuple]:
    """The excerpts as (theme, subtheme, stance, text, rater), in file order."""
    return list(result.excerpts.select("theme", "subtheme", "stance", "text", "rater_id").iter_rows())


def check_positions(result) -> None:
    """Every excerpt's text is its transcript's text between its positions."""
    texts = dict(result.transcripts.select("transcript_id", "text").iter_rows())
    joined = result.excerpts.join(result.positions, on="excerpt_id")
    assert joined.height == result.excerpts.height
    for r in joined.iter_rows(named=True):
        assert texts[r["transcript_id"]][r["start_pos"] : r["end_pos"]] == r["text"]


# --- the codebook out ----------------------------------------------------------------------


def test_qdc_from_the_database_validates_against_the_published_schema(db_file):
    store = db.Store.open(db_file)
    try:
        text = codebook_qdc(store, Scope("s@example.org", (("supervisor", "P01"),)))
        with pytest.raises(AccessDenied):  # the kit's roles only; the command line acts as Scope.system()
            codebook_qdc(store, Scope("l@example.org", (("leadership", ""), ("admin", ""))))
    finally:
        store.close()
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(text)
    assert 'xmlns="urn:QDA-XML:codebook:1.0"' in text


def test_qdc_holds_every_theme_and_subtheme_with_a_counter_code_and_definitions():
    themes, subthemes = codebook.load_themes(), codebook.load_subthemes()
    codes = own_codes()
    assert [c["name"] for c in codes] == themes["name"].to_list()
    balance = codes[0]
    assert balance["description"].startswith(themes["definition"][0])
    assert balance["children"][0]["name"] == f"{themes['name'][0]} – counter"
    fit = next(c for c in codes if c["guid"] == code_guid("fit"))
    names = [c["name"] for c in fit["children"]]
    assert names[0] == "Personal fit with the role – counter"
    for sub in subthemes.filter(subthemes["theme"] == "fit").iter_rows(named=True):
        child = next(c for c in fit["children"] if c["name"] == sub["name"])
        assert child["guid"] == code_guid(f"fit/{sub['code']}")
        assert child["description"].startswith(sub["definition"])
        assert [g["name"] for g in child["children"]] == [f"{sub['name']} – counter"]
    assert CODES.height == 2 * (themes.height + subthemes.height)
    assert CODES["guid"].n_unique() == CODES.height


def test_qdc_guids_are_stable_across_exports():
    again = codebook_codes(codebook.load_themes(), codebook.load_subthemes())
    assert qdc_xml(CODES) == qdc_xml(again)
    # pinned: a change here would orphan every project coded with an earlier export
    assert code_guid("balance") == "34b531b9-689a-578c-aac9-94aa7c4f1c64"


# --- coded projects in, as each tool writes them -------------------------------------------


def test_nvivo_style_crlf_emoji_utf16_positions(tmp_path):
    src = Src("I000001 hiring interview", TEXT, selections(), crlf=True, bom=True)
    path = write_qdpx(
        tmp_path / "nvivo.qdpx",
        [src],
        USERS,
        own_codes(),
        origin="NVivo 14 (14.23.0.0)",
        scheme="utf16",
        sources_dir="Sources",
    )
    result = read_qdpx(path, context())
    assert result.summary.scheme == "utf16"
    assert rows(result) == EXPECTED
    assert set(result.excerpts["interview_id"]) == {"I000001"}
    assert result.transcripts["text"].to_list() == [TEXT]  # CRLF as \n, BOM gone
    check_positions(result)


def test_atlas_style_crlf_counted_as_one_other_qde_name_and_namespace(tmp_path):
    # ATLAS.ti gives imported codes new GUIDs: the names still map them
    renamed = own_codes()
    for i, code in enumerate(renamed):
        code["guid"] = guid(f"atlas/{i}")
    by_name = {c["name"]: c["guid"] for c in renamed}
    fit_counter = next(c["guid"] for c in renamed[4]["children"] if c["name"].endswith("counter"))
    sels = [
        Sel("sing in a choir on Tuesdays", [by_name["Balance between work and nonwork passions"]], coder=U1),
        Sel("the sessions are the draining part", [fit_counter], coder=U2),
    ]
    src = Src("I000002.txt", TEXT, sels, crlf=True)
    path = write_qdpx(
        tmp_path / "atlas.qdpx",
        [src],
        USERS,
        renamed,
        origin="ATLAS.ti 23.2.1",
        scheme="crlf_as_one",
        qde_name="Vocation study.qde",
        namespace="urn:QDA-XML:project:1:0",
    )
    result = read_qdpx(path, context())
    assert result.summary.scheme == "crlf_as_one"
    assert rows(result) == EXPECTED[:2]
    check_positions(result)


def test_maxqda_style_uppercase_braced_guids_lf_and_mapping_files(tmp_path):
    work, counter = guid("mx/work"), guid("mx/counter")
    codes = [
        {"guid": work, "name": "Work-life balance", "children": [{"guid": counter, "name": "Burnout talk"}]}
    ]
    sels = [
        Sel("sing in a choir on Tuesdays", [work], coder=U1),
        Sel("the sessions are the draining part", [counter], coder=U2),
    ]
    users = [{"guid": U1, "name": "Rater One"}, {"guid": U2, "name": "Rater Two"}]
    src = Src("Interview Ann B.", TEXT, sels)
    path = write_qdpx(
        tmp_path / "maxqda.qdpx",
        [src],
        users,
        codes,
        origin="MAXQDA 2022 (Release 22.7.0)",
        namespace="urn:QDA-XML:project:0:4",
        guid_format=lambda g: "{" + g.upper() + "}",
    )
    maps = {
        "sources": ("sources.csv", b"source,interview_id\ninterview ann b.,I000010\n"),
        "coders": ("coders.csv", f"\ufeffUser,Rater ID\r\nRater One,R03\r\n{{{U2.upper()}}},R02\r\n"),
        "codes": (
            "codes.csv",
            b"code,theme,subtheme,stance\nWork-life balance,balance,,\nBurnout talk,fit,,counter\n",
        ),
    }
    maps["coders"] = (maps["coders"][0], maps["coders"][1].encode())
    result = read_qdpx(path, context(), **maps)
    assert result.summary.scheme == "codepoints"
    assert rows(result) == [
        ("balance", None, "supports", "sing in a choir on Tuesdays", "R03"),
        ("fit", None, "counter", "the sessions are the draining part", "R02"),
    ]
    assert set(result.excerpts["interview_id"]) == {"I000010"}
    check_positions(result)


def test_inline_text_user_fallbacks_parent_codes_and_what_is_skipped(tmp_path):
    project_owner = guid("user/hollis")
    users = USERS + [{"guid": project_owner, "name": "Hollis Zamora"}]
    custom = guid("custom/memo")
    codes = own_codes() + [{"guid": custom, "name": "Memo-worthy"}]
    case = guid("case/ann")  # NVivo-style: a coding that points at a Case, not a code
    sels = [
        Sel("sing in a choir on Tuesdays", [vocation("balance"), custom], sel_user=U1),
        Sel("the sessions are the draining part", [vocation("adaptiveness")], sel_modifier=U2),
        Sel("bring my hardest cases to supervision", [vocation("adaptiveness/feedback/counter"), case]),
        Sel("What keeps you going?", []),  # no coding
        Sel("", [vocation("fit")], coder=U1, positions=(5, 5)),  # zero length
    ]
    src = Src("I000011", TEXT, sels, inline=True, bom=True)
    path = write_qdpx(tmp_path / "inline.qdpx", [src], users, codes, project_user=project_owner)
    result = read_qdpx(path, context())
    assert rows(result) == [
        ("balance", None, "supports", "sing in a choir on Tuesdays", "R01"),
        ("adaptiveness", None, "supports", "the sessions are the draining part", "R02"),
        ("adaptiveness", "feedback", "counter", "bring my hardest cases to supervision", "R03"),
    ]
    s = result.summary
    assert (s.skipped_zero_length, s.skipped_uncoded) == (1, 1)
    assert s.skipped_codes == {"Memo-worthy": 1, f"(unknown code {case})": 1}
    text = "\n".join(s.lines())
    assert "2 coding(s) skipped" in text and "'Memo-worthy' (1)" in text
    check_positions(result)


def test_round_trip_with_vocations_own_codebook_needs_no_maps_and_fits_the_contract(db_file, tmp_path):
    from dashboard.ingest.importer import import_batch

    store = db.Store.open(db_file)
    try:
        codes = codes_from_qdc(codebook_qdc(store, Scope.system()))
        context_db = Context.from_store(store)
        interview = context_db.interview_ids[0]
        full_name = dict(context_db.raters)["R01"]
        users = [{"guid": U1, "name": full_name.upper()}, {"guid": U2, "name": "R02"}]
        src = Src(f"{interview} - transcript.docx", TEXT, selections())
        path = write_qdpx(tmp_path / "round.qdpx", [src], users, codes)
        first, second = read_qdpx(path, context_db), read_qdpx(path, context_db)
        assert rows(first) == EXPECTED
        assert first.excerpts.equals(second.excerpts) and first.positions.equals(second.positions)
        ids = first.excerpts["excerpt_id"].to_list()
        assert ids[0] == excerpt_id(guid(f"selection/{src.name}/0"), vocation("balance"))
        # the excerpts are in the data contract's shape: the importer accepts them as they are
        first.excerpts.write_csv(tmp_path / "excerpts.csv")
        report = import_batch([tmp_path / "excerpts.csv"], store.con, dry_run=True)
        assert report.ok, report.text()
    finally:
        store.close()


def test_the_same_project_rewritten_gives_the_same_excerpt_ids(tmp_path):
    src = Src("I000001", TEXT, selections())
    a = read_qdpx(write_qdpx(tmp_path / "a.qdpx", [src], USERS, own_codes()), context())
    src_b = Src("I000001", TEXT, list(reversed(selections())))
    src_b.selections = selections()  # same GUIDs; the zip is written afresh
    b = read_qdpx(write_qdpx(tmp_path / "b.qdpx", [src_b], USERS, own_codes()), context())
    assert sorted(a.excerpts["excerpt_id"]) == sorted(b.excerpts["excerpt_id"])


def test_two_raters_coding_the_same_selection_alike_are_two_excerpts(tmp_path):
    sel = Sel("sing in a choir on Tuesdays", [vocation("balance")], coder=U1, guid=guid("shared"))
    xml, files = project_xml([Src("I000001", TEXT, [sel])], USERS, own_codes(), "QualCoder", "codepoints")
    # a second Coding of the same code on the same selection, by the other rater
    xml = xml.replace(
        b"</PlainTextSelection>",
        (
            f'<Coding guid="{guid("c2")}" creatingUser="{U2}"><CodeRef targetGUID="{vocation("balance")}"/></Coding>'
            "</PlainTextSelection>"
        ).encode(),
        1,
    )
    path = write_zip(
        tmp_path / "two.qdpx", {"project.qde": xml, **{f"sources/{k}": v for k, v in files.items()}}
    )
    result = read_qdpx(path, context())
    assert sorted(result.excerpts["rater_id"]) == ["R01", "R02"]
    assert result.excerpts["excerpt_id"].n_unique() == 2


# --- position schemes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "written", "expected"),
    [
        ("NVivo 14", "codepoints", "codepoints"),  # the origin says UTF-16, the positions are code points
        ("MAXQDA 2022", "utf16", "utf16"),  # and the other way round
        ("", "crlf_as_one", "crlf_as_one"),  # no origin at all
    ],
)
def test_a_scheme_that_does_not_fit_falls_back_to_the_one_that_does(tmp_path, origin, written, expected):
    src = Src("I000001", TEXT, selections(), crlf=True)
    path = write_qdpx(tmp_path / "p.qdpx", [src], USERS, own_codes(), origin=origin, scheme=written)
    result = read_qdpx(path, context())
    assert result.summary.scheme == expected
    assert rows(result) == EXPECTED
    if origin:
        assert "suggests" in result.summary.scheme_reason


def test_text_index_refuses_positions_inside_a_character_or_line_end():
    from dashboard.refiqda.positions import TextIndex

    index = TextIndex("a😀b\r\nc")
    assert index.text == "a😀b\nc"
    assert index.to_text(2, "utf16") is None  # between the emoji's two UTF-16 halves
    assert [index.to_text(u, "utf16") for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert index.to_text(4, "codepoints") is None  # between CR and LF
    assert index.to_text(5, "codepoints") == 4
    assert index.to_text(99, "crlf_as_one") is None


def test_utf16_source_files_and_bom_are_read(tmp_path):
    src = Src("I000001", TEXT, selections(), utf16=True)
    result = read_qdpx(write_qdpx(tmp_path / "u.qdpx", [src], USERS, own_codes()), context())
    assert rows(result) == EXPECTED


# --- refusals --------------------------------------------------------------------------------


def test_unmapped_source_and_user_refuse_the_whole_file_naming_them(tmp_path):
    stranger = guid("user/stranger")
    sels = selections() + [Sel("And supervision?", [vocation("adaptiveness")], coder=stranger)]
    users = USERS + [{"guid": stranger, "name": "Pat Unknown"}]
    good = Src("I000001", TEXT, selections())
    bad = Src("Interview with Ann", TEXT, sels)
    path = write_qdpx(tmp_path / "bad.qdpx", [good, bad], users, own_codes())
    with pytest.raises(QdpxError) as err:
        read_qdpx(path, context())
    text = "\n".join(err.value.problems)
    assert "source 'Interview with Ann'" in text and "user 'Pat Unknown'" in text
    assert "nothing was imported" in text
    assert "I000001" not in text  # the mapped source is not listed


def test_a_source_coded_only_with_unmapped_codes_needs_no_mapping(tmp_path):
    other = guid("other")
    codes = own_codes() + [{"guid": other, "name": "Logistics"}]
    unrelated = Src("Staff meeting notes", TEXT, [Sel("And supervision?", [other], coder=U1)])
    path = write_qdpx(tmp_path / "p.qdpx", [Src("I000001", TEXT, selections()), unrelated], USERS, codes)
    result = read_qdpx(path, context())
    assert result.summary.skipped_codes == {"Logistics": 1}
    assert result.transcripts.height == 1


def test_bad_mapping_files_name_file_row_column_and_rule(tmp_path):
    path = write_qdpx(tmp_path / "p.qdpx", [Src("I000001", TEXT, selections())], USERS, own_codes())
    codes = b"code,theme,subtheme,stance\nA,balance,feedback,\nB,nonsense,,\nC,fit,,against\n"
    with pytest.raises(QdpxError) as err:
        read_qdpx(path, context(), codes=("codes.csv", codes))
    assert err.value.problems == [
        "codes.csv, row 2, column subtheme: 'feedback' — is not a sub-theme of balance",
        "codes.csv, row 3, column theme: 'nonsense' — is not a theme",
        "codes.csv, row 4, column stance: 'against' — is not one of: supports, counter (blank = supports)",
    ]
    with pytest.raises(
        QdpxError, match=r"sources.csv, row 2, column interview_id: 'I999' — refers to no interview"
    ):
        read_qdpx(path, context(), sources=("sources.csv", b"source,interview_id\nI000001,I999\n"))
    with pytest.raises(QdpxError, match="required column"):
        read_qdpx(path, context(), coders=("coders.csv", b"name,rater\nx,R01\n"))


def test_a_selection_outside_its_text_refuses_the_file(tmp_path):
    sels = selections() + [Sel("", [vocation("balance")], coder=U1, positions=(10, 10_000))]
    path = write_qdpx(tmp_path / "p.qdpx", [Src("I000001", TEXT, sels)], USERS, own_codes())
    with pytest.raises(QdpxError, match="fall outside its text"):
        read_qdpx(path, context())


def test_every_fixture_project_validates_against_the_published_project_schema(tmp_path):
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))
    xml, _ = project_xml(
        [Src("I000001", TEXT, selections(), crlf=True), Src("I000002", TEXT, selections(), inline=True)],
        USERS,
        own_codes(),
        "NVivo 14",
        "utf16",
        guid_format=lambda g: "{" + g.upper() + "}",
        project_user=U1,
    )
    schema.validate(xml.decode())
    assert locate(TEXT, "supervision", 1)[0] > locate(TEXT, "supervision")[0]


def test_unused_sources_are_never_read_and_blank_selections_are_counted(tmp_path):
    other = guid("other")
    codes = own_codes() + [{"guid": other, "name": "Logistics"}]
    # a source coded only with an unmapped code, whose text lives outside the archive
    outside = Src("Site visit", TEXT, [Sel("And supervision?", [other], coder=U1)])
    outside.plain_text_path = "relative://site-visit.txt"
    sels = selections() + [Sel("\n", [vocation("balance")], coder=U1)]  # only a line end selected
    path = write_qdpx(tmp_path / "p.qdpx", [Src("I000001", TEXT, sels), outside], USERS, codes)
    result = read_qdpx(path, context())
    assert result.excerpts.height == 3
    assert result.summary.skipped_zero_length == 1
    assert "  1 zero-length or blank selection(s) skipped" in result.summary.lines()


def test_two_sources_with_one_guid_are_refused(tmp_path):
    same = guid("same")
    srcs = [Src("I000001", TEXT, selections(), guid=same), Src("I000002", TEXT, [], guid=same)]
    with pytest.raises(QdpxError, match="two sources have the same guid"):
        read_qdpx(write_qdpx(tmp_path / "p.qdpx", srcs, USERS, own_codes()), context())


def test_the_summary_names_the_scheme_and_counts(tmp_path):
    src = Src("I000001", TEXT, selections(), crlf=True)
    path = write_qdpx(tmp_path / "p.qdpx", [src], USERS, own_codes(), origin="NVivo 14", scheme="utf16")
    lines = read_qdpx(path, context()).summary.lines()
    assert lines[0] == "p.qdpx: project 'Vocation interviews' from NVivo 14"
    assert lines[1].startswith("  positions counted as UTF-16 code units (NVivo): origin 'NVivo 14'; 3 of 3")
    assert lines[2] == "  3 excerpt(s) from 3 coding(s) on 3 selection(s) in 1 of 1 text source(s)"
