"""Vendored front-end files are exactly the registry's (static/vendor/README.md)."""

import hashlib
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
LISTED = re.findall(
    r"^\| (\S+) \| .+ \| ([0-9a-f]{64}) \|$",
    (VENDOR / "README.md").read_text(),
    re.M,
)


def test_the_list_names_files():
    assert LISTED


@pytest.mark.parametrize(("name", "digest"), LISTED)
def test_it_holds_the_registrys_file(name, digest):
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest
