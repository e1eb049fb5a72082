"""The Spanish catalogue is complete, compiled, and used.

`makemessages` is run on a copy of the project so that a string added to the
code or templates without a translation fails the suite, not only a string
someone forgot to translate in the catalogue.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
SOURCE_DIRS = ["config", "events", "networks", "templates", "locale"]


def untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_string_in_the_spanish_catalogue_is_translated():
    po = polib.pofile(str(PO))

    assert len(po) > 100
    assert untranslated(po) == []


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(PO))

    for entry in po:
        if entry.msgid_plural:
            for form in entry.msgstr_plural.values():
                assert placeholders(form) == placeholders(entry.msgid_plural), (
                    entry.msgid
                )
        else:
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), entry.msgid


def test_the_compiled_catalogue_matches_the_source():
    def pairs(catalogue) -> dict:
        return {
            (e.msgctxt, e.msgid, e.msgid_plural): e.msgstr
            or tuple(sorted(e.msgstr_plural.items()))
            for e in catalogue
            if e.msgid and not e.obsolete and "fuzzy" not in e.flags
        }

    assert pairs(polib.mofile(str(MO))) == pairs(polib.pofile(str(PO))), (
        "django.mo is stale: run `python manage.py compilemessages -l es`"
    )


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="makemessages needs GNU gettext (xgettext) on PATH",
)
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    copy = tmp_path / "project"
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "manage.py", copy / "manage.py")

    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / PO.relative_to(ROOT)))
    missing = untranslated(fresh)
    assert missing == [], f"translate these in {PO.relative_to(ROOT)}: {missing}"
    assert {(e.msgctxt, e.msgid) for e in fresh} == {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(PO))
    }, (
        "the catalogue has strings the code no longer uses, or lacks new ones: "
        "run makemessages"
    )


@pytest.mark.django_db
def test_the_interface_switches_to_spanish(client):
    english = client.get("/actions/")
    spanish = client.get("/es/actions/")

    assert english.status_code == spanish.status_code == 200
    assert 'lang="en"' in english.content.decode()
    assert "Filter actions" in english.content.decode()
    page = spanish.content.decode()
    assert 'lang="es"' in page
    assert "Filtrar acciones" in page and "Filter actions" not in page


@pytest.mark.django_db
def test_the_language_choice_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/actions/"})

    assert response.status_code == 302
    assert response["Location"] == "/es/actions/"
    assert "Filtrar acciones" in client.get(response["Location"]).content.decode()
