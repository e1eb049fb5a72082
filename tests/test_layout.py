"""The layout keeps its promises: imports point one way (events may import
networks, never the reverse), and no import cycles between the wings."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize(
    "path", python_files("networks"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_networks_never_imports_events(path):
    upward = {m for m in imports_of(path) if m == "events" or m.startswith("events.")}

    assert upward == set()


def test_networks_names_no_events_url():
    named = [
        str(path.relative_to(ROOT))
        for path in python_files("networks")
        if '"events:' in path.read_text() or "'events:" in path.read_text()
    ]

    assert named == []


def test_the_import_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from events.models import Action\n")

    assert "events.models" in imports_of(module)


WINGS = ["organizations", "outbox", "rapid_response", "mutual_aid"]


def wing_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "networks" and parts[1] in WINGS:
        return parts[1]
    return None


def test_the_wings_depend_on_each_other_without_cycles():
    graph = {wing: set() for wing in WINGS}
    for wing in WINGS:
        for path in python_files(f"networks/{wing}"):
            graph[wing] |= {wing_of(m) for m in imports_of(path)} - {None, wing}

    done, visiting = set(), []

    def visit(wing):
        assert wing not in visiting, f"import cycle: {' -> '.join(visiting + [wing])}"
        if wing in done:
            return
        visiting.append(wing)
        for other in graph[wing]:
            visit(other)
        visiting.pop()
        done.add(wing)

    for wing in WINGS:
        visit(wing)
    # Everything may use the organizations wing; it uses no other wing.
    assert graph["organizations"] <= {"outbox"}


def views_modules() -> list[Path]:
    return sorted([*ROOT.glob("networks/**/views.py"), *ROOT.glob("events/views/*.py")])


@pytest.mark.parametrize(
    "path", views_modules(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_views_read_through_selectors_and_ask_the_rules(path):
    source = path.read_text()

    assert ".objects." not in source
    assert "raise Http404" not in source


def test_every_wing_has_the_same_inner_layout():
    for wing in ["rapid_response", "mutual_aid"]:
        modules = {p.name for p in (ROOT / "networks" / wing).glob("*.py")}
        assert {"services.py", "selectors.py", "rules.py", "forms.py"} <= modules
        assert {"views.py", "urls.py", "notices.py", "tasks.py"} <= modules
    for wing in ["organizations", "outbox"]:
        modules = {p.name for p in (ROOT / "networks" / wing).glob("*.py")}
        assert {"services.py", "selectors.py", "tasks.py"} <= modules
