import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from events.models import Action, Campaign
from events.seeding import SeedError, load_seeds
from networks.models import Organization, SourceDocument

pytestmark = pytest.mark.django_db
SEEDS = Path(settings.BASE_DIR) / "seeds"


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    for path in SEEDS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(seed_dir: Path, filename: str, change) -> None:
    path = seed_dir / filename
    records = yaml.safe_load(path.read_text())
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False))


def row_counts() -> tuple[int, int, int, int]:
    return (
        SourceDocument.objects.count(),
        Organization.objects.count(),
        Campaign.objects.count(),
        Action.objects.count(),
    )


def test_it_loads_every_record_and_names_its_source():
    report = load_seeds(SEEDS)

    expected = {
        name: len(yaml.safe_load((SEEDS / f"{name}.yaml").read_text()))
        for name in ("sources", "organizations", "campaigns", "actions")
    }
    assert row_counts() == tuple(expected.values())
    assert {k: c["created"] for k, c in report.counts.items()} == expected
    assert not Action.objects.filter(sources=None).exists()
    assert not Campaign.objects.filter(sources=None).exists()


def test_loading_twice_gives_the_same_rows_and_touches_nothing():
    load_seeds(SEEDS)
    before = list(Action.objects.order_by("slug").values_list("slug", "updated_at"))

    report = load_seeds(SEEDS)

    after = list(Action.objects.order_by("slug").values_list("slug", "updated_at"))
    assert after == before
    assert all(c["created"] == c["updated"] == 0 for c in report.counts.values())


def test_it_updates_a_changed_record_in_place(seed_dir):
    load_seeds(seed_dir)
    first = yaml.safe_load((seed_dir / "actions.yaml").read_text())[0]
    edit(seed_dir, "actions.yaml", lambda r: r[0].update(title="A corrected title"))

    report = load_seeds(seed_dir)

    assert report.counts["actions"]["updated"] == 1
    assert Action.objects.get(slug=first["slug"]).title == "A corrected title"


def test_it_flags_a_weekday_that_does_not_match_its_date():
    load_seeds(SEEDS)

    flagged = [
        action
        for action in Action.objects.exclude(open_questions=[])
        if any(q["code"] == "weekday_mismatch" for q in action.open_questions)
    ]

    assert flagged, "the Dallas rally is dated Friday, January 29 (a Thursday)"
    for action in flagged:
        stated = next(
            q for q in action.open_questions if q["code"] == "weekday_mismatch"
        )
        assert action.start_date.strftime("%A").lower() != stated["stated"]


def test_a_state_the_editors_filled_in_is_flagged_as_such():
    load_seeds(SEEDS)

    inferred = [
        a
        for a in Action.objects.all()
        if any(q["code"] == "region_inferred" for q in a.open_questions)
    ]
    assert inferred, "000 names most cities without their state"
    for action in inferred:
        question = next(
            q for q in action.open_questions if q["code"] == "region_inferred"
        )
        assert question["region"] == action.region != ""


def test_it_never_invents_a_date_or_a_place():
    load_seeds(SEEDS)

    for action in Action.objects.filter(start_date__isnull=True):
        assert {"code": "date_missing"} in action.open_questions
    for action in Action.objects.filter(geocode_status="ambiguous"):
        assert action.latitude is None
        assert any(q["code"] == "place_ambiguous" for q in action.open_questions)


def test_the_command_reports_what_it_did(capsys):
    call_command("load_seeds")

    out = capsys.readouterr().out
    assert "actions: " in out and " created, 0 updated, 0 unchanged" in out
    assert "flagged actions: " in out


@pytest.mark.parametrize(
    ("filename", "change", "message"),
    [
        (
            "actions.yaml",
            lambda r: r[1].update(kind="parade"),
            "actions.yaml, record 2 ({slug}): kind: Input should be",
        ),
        (
            "actions.yaml",
            lambda r: r[1].update(date="2026-02-30"),
            "actions.yaml, record 2 ({slug}): date:",
        ),
        (
            "actions.yaml",
            lambda r: r[1].update(colour="red"),
            "actions.yaml, record 2 ({slug}): colour: Extra inputs are not permitted",
        ),
        (
            "actions.yaml",
            lambda r: r[1].update(campaign="no-such-campaign"),
            "actions.yaml, record 2 ({slug}): unknown reference no-such-campaign",
        ),
        (
            "actions.yaml",
            lambda r: r[1].update(slug=r[0]["slug"]),
            "actions.yaml, record 2 ({slug}): duplicate slug",
        ),
        (
            "actions.yaml",
            lambda r: r[1].update(turnout={"qualifier": "over"}),
            "actions.yaml, record 2 ({slug}): turnout: Value error, count is given",
        ),
        (
            "organizations.yaml",
            lambda r: r[0].update(sources=[]),
            "organizations.yaml, record 1 ({slug}): sources: List should have at least",
        ),
    ],
)
def test_it_rejects_a_malformed_record_and_loads_nothing(
    seed_dir, filename, change, message
):
    edit(seed_dir, filename, change)
    records = yaml.safe_load((seed_dir / filename).read_text())
    index = 0 if "record 1" in message else 1

    with pytest.raises(SeedError) as error:
        load_seeds(seed_dir)

    assert message.format(slug=records[index]["slug"]) in str(error.value)
    assert row_counts() == (0, 0, 0, 0)


def test_it_rejects_a_file_that_is_not_yaml_and_the_command_says_nothing_loaded(
    seed_dir,
):
    (seed_dir / "campaigns.yaml").write_text("- slug: [unclosed\n")

    with pytest.raises(CommandError) as error:
        call_command("load_seeds", dir=seed_dir)

    assert str(error.value).startswith(
        "Nothing was loaded. campaigns.yaml: not valid YAML"
    )
    assert row_counts() == (0, 0, 0, 0)


def test_a_failure_late_in_the_load_rolls_back_what_came_before(seed_dir):
    # Valid on its own, but a time needs a zone: the place has none.
    def timed_without_zone(records):
        records[-1].update(
            city="Nowhere Special", region="", country="US", start_time="18:00"
        )
        records[-1].pop("region_basis", None)
        records[-1]["date"] = records[-1]["date"] or "2026-02-07"
        records[-1]["date_basis"] = "stated"

    edit(seed_dir, "actions.yaml", timed_without_zone)

    with pytest.raises(SeedError, match="a start time needs a known time zone"):
        load_seeds(seed_dir)

    assert row_counts() == (0, 0, 0, 0)
