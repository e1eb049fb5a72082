"""Load the structured records in `seeds/` into the database, idempotently.

Every file is read and checked before anything is written, and the whole load
runs in one transaction: a malformed record stops the load with a message that
names the file and the record, and nothing is stored half-way. Running it twice
leaves the same rows; rows whose values did not change are not saved again, so
their `updated_at` (and what feeds derive from it) stays put.

Schemas are pydantic models with unknown keys forbidden: pydantic reports the
path and the reason of every bad value, which we pass on to the person loading.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import yaml
from django.db import models, transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from events.models import (
    COUNTED_QUALIFIERS,
    Action,
    ActionKind,
    Campaign,
    DateBasis,
    DatePrecision,
    TurnoutQualifier,
)
from events.questions import WEEKDAY_KEYS
from networks.geocoding import GeocodeStatus, geocode
from networks.models import Organization, OrganizationKind, SourceDocument, SourceKind

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
Text = Annotated[str, Field(max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceSeed(Strict):
    key: Annotated[str, Field(pattern=r"^[\w.-]+\.txt$", max_length=100)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal[tuple(SourceKind.values)]
    publisher: Annotated[str, Field(max_length=120)] = ""
    published_on: dt.date | None = None
    notes: Text = ""


class OrganizationSeed(Strict):
    slug: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal[tuple(OrganizationKind.values)]
    description: Text = ""
    sources: Annotated[list[str], Field(min_length=1)]


class DatedSeed(Strict):
    date: dt.date | None = None
    date_basis: Literal[tuple(DateBasis.values)] = DateBasis.STATED

    @model_validator(mode="after")
    def basis_matches_date(self):
        if (self.date is None) != (self.date_basis == DateBasis.UNKNOWN):
            raise ValueError("date_basis is 'unknown' exactly when date is null")
        return self


class CampaignSeed(DatedSeed):
    slug: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    organizers: list[Slug] = []
    description: Text = ""
    demands: list[Annotated[str, Field(max_length=200)]] = []
    sources: Annotated[list[str], Field(min_length=1)]
    open_questions: list[Text] = []


class TurnoutSeed(Strict):
    qualifier: Literal[tuple(TurnoutQualifier.values)] = TurnoutQualifier.UNKNOWN
    count: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def count_matches_qualifier(self):
        if (self.count is not None) != (self.qualifier in COUNTED_QUALIFIERS):
            raise ValueError(
                f"count is given exactly for the qualifiers {COUNTED_QUALIFIERS}"
            )
        return self


class ActionSeed(DatedSeed):
    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal[tuple(ActionKind.values)]
    campaign: Slug | None = None
    organizers: list[Slug] = []
    stated_weekday: Literal[tuple(WEEKDAY_KEYS)] | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    venue: Annotated[str, Field(max_length=200)] = ""
    address: Annotated[str, Field(max_length=255)] = ""
    city: Annotated[str, Field(max_length=120)] = ""
    region: Annotated[str, Field(max_length=60)] = ""
    region_basis: Literal["stated", "inferred"] = "stated"
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "US"
    turnout: TurnoutSeed = TurnoutSeed()
    demands: list[Annotated[str, Field(max_length=200)]] = []
    description: Text = ""
    sources: Annotated[list[str], Field(min_length=1)]
    open_questions: list[Text] = []

    @model_validator(mode="after")
    def times_need_a_date(self):
        if self.region_basis == "inferred" and not self.region:
            raise ValueError("region_basis 'inferred' needs a region")
        if self.start_time and self.date is None:
            raise ValueError("start_time needs a date")
        if self.end_time and not self.start_time:
            raise ValueError("end_time needs a start_time")
        return self


class SeedError(Exception):
    """A record that cannot be loaded; the message names file and record."""


@dataclass
class Seeds:
    sources: list[SourceSeed]
    organizations: list[OrganizationSeed]
    campaigns: list[CampaignSeed]
    actions: list[ActionSeed]


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    flags: Counter = field(default_factory=Counter)
    flagged_actions: int = 0

    def record(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        lines = [
            f"{kind}: {c['created']} created, {c['updated']} updated, "
            f"{c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]
        flags = ", ".join(f"{code} {n}" for code, n in sorted(self.flags.items()))
        lines.append(f"flagged actions: {self.flagged_actions} ({flags or 'none'})")
        return lines


FILES = {
    "sources": ("sources.yaml", SourceSeed, "key"),
    "organizations": ("organizations.yaml", OrganizationSeed, "slug"),
    "campaigns": ("campaigns.yaml", CampaignSeed, "slug"),
    "actions": ("actions.yaml", ActionSeed, "slug"),
}


def read_seeds(directory: Path) -> Seeds:
    """Parse and check every file; raise SeedError on the first bad record."""
    parsed = {
        name: read_file(directory / filename, schema, key)
        for name, (filename, schema, key) in FILES.items()
    }
    seeds = Seeds(**parsed)
    check_references(seeds)
    return seeds


def read_file(path: Path, schema: type[Strict], key: str) -> list:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError(f"{path.name}: cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise SeedError(f"{path.name}: not valid YAML: {error}") from error
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SeedError(f"{path.name}: expected a list of records")
    records, seen = [], set()
    for number, item in enumerate(raw, start=1):
        label = record_label(path, number, item, key)
        try:
            record = schema.model_validate(item)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}"
                for e in error.errors()
            )
            raise SeedError(f"{label}: {problems}") from error
        if getattr(record, key) in seen:
            raise SeedError(f"{label}: duplicate {key}")
        seen.add(getattr(record, key))
        records.append(record)
    return records


def record_label(path: Path, number: int, item: object, key: str) -> str:
    name = item.get(key) if isinstance(item, dict) else None
    return f"{path.name}, record {number}" + (f" ({name})" if name else "")


def check_references(seeds: Seeds) -> None:
    sources = {s.key for s in seeds.sources}
    organizations = {o.slug for o in seeds.organizations}
    campaigns = {c.slug for c in seeds.campaigns}
    for filename, records in (
        ("organizations.yaml", seeds.organizations),
        ("campaigns.yaml", seeds.campaigns),
        ("actions.yaml", seeds.actions),
    ):
        for number, record in enumerate(records, start=1):
            label = f"{filename}, record {number} ({record.slug})"
            missing = [s for s in record.sources if s not in sources]
            missing += [
                o for o in getattr(record, "organizers", []) if o not in organizations
            ]
            campaign = getattr(record, "campaign", None)
            if campaign and campaign not in campaigns:
                missing.append(campaign)
            if missing:
                raise SeedError(f"{label}: unknown reference {', '.join(missing)}")


def load_seeds(directory: Path) -> LoadReport:
    seeds = read_seeds(directory)
    report = LoadReport()
    with transaction.atomic():
        sources = {s.key: upsert_source(s, report) for s in seeds.sources}
        organizations = {
            o.slug: upsert_organization(o, sources, report) for o in seeds.organizations
        }
        campaigns = {
            c.slug: upsert_campaign(c, sources, organizations, report)
            for c in seeds.campaigns
        }
        for action in seeds.actions:
            upsert_action(action, sources, organizations, campaigns, report)
    return report


def upsert(
    model: type[models.Model],
    lookup: dict,
    values: dict,
    relations: dict[str, list[models.Model]],
) -> tuple[models.Model, str]:
    """Create or update one row; save only what changed."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        for name, related in relations.items():
            getattr(instance, name).set(related)
        return instance, "created"
    changed = [
        name for name, value in values.items() if getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, values[name])
    related_changed = False
    for name, related in relations.items():
        current = set(getattr(instance, name).values_list("pk", flat=True))
        if current != {r.pk for r in related}:
            getattr(instance, name).set(related)
            related_changed = True
    if changed or related_changed:
        timestamps = ["updated_at"] if hasattr(instance, "updated_at") else []
        instance.save(update_fields=[*changed, *timestamps])
        return instance, "updated"
    return instance, "unchanged"


def upsert_source(seed: SourceSeed, report: LoadReport) -> SourceDocument:
    values = seed.model_dump(exclude={"key"})
    source, outcome = upsert(SourceDocument, {"key": seed.key}, values, {})
    report.record("sources", outcome)
    return source


def upsert_organization(seed, sources, report) -> Organization:
    values = seed.model_dump(include={"name", "kind", "description"})
    relations = {"sources": [sources[s] for s in seed.sources]}
    organization, outcome = upsert(Organization, {"slug": seed.slug}, values, relations)
    report.record("organizations", outcome)
    return organization


def upsert_campaign(seed, sources, organizations, report) -> Campaign:
    values = seed.model_dump(
        include={"name", "description", "date", "date_basis", "demands"}
    )
    values["open_questions"] = [
        {"code": "note", "text": t} for t in seed.open_questions
    ]
    relations = {
        "sources": [sources[s] for s in seed.sources],
        "organizers": [organizations[o] for o in seed.organizers],
    }
    campaign, outcome = upsert(Campaign, {"slug": seed.slug}, values, relations)
    report.record("campaigns", outcome)
    return campaign


def upsert_action(
    seed: ActionSeed, sources, organizations, campaigns, report
) -> Action:
    place = geocode(city=seed.city, region=seed.region, country=seed.country)
    values = {
        **seed.model_dump(
            include={
                "title",
                "kind",
                "description",
                "demands",
                "date_basis",
                "venue",
                "address",
                "city",
                "region",
                "country",
            }
        ),
        **schedule_values(seed, place.timezone),
        **place_values(place),
        "turnout_qualifier": seed.turnout.qualifier,
        "turnout_count": seed.turnout.count,
        "campaign": campaigns[seed.campaign] if seed.campaign else None,
        "open_questions": action_questions(seed, place),
    }
    relations = {
        "sources": [sources[s] for s in seed.sources],
        "organizers": [organizations[o] for o in seed.organizers],
    }
    action, outcome = upsert(Action, {"slug": seed.slug}, values, relations)
    report.record("actions", outcome)
    if values["open_questions"]:
        report.flagged_actions += 1
        report.flags.update(q["code"] for q in values["open_questions"])
    return action


def schedule_values(seed: ActionSeed, timezone: str) -> dict:
    if seed.date is None:
        return {
            "date_precision": DatePrecision.UNKNOWN,
            "start_date": None,
            "starts_at": None,
            "ends_at": None,
            "timezone": timezone,
        }
    if seed.start_time is None:
        return {
            "date_precision": DatePrecision.DATE,
            "start_date": seed.date,
            "starts_at": None,
            "ends_at": None,
            "timezone": timezone,
        }
    if not timezone:
        raise SeedError(
            f"actions.yaml ({seed.slug}): a start time needs a known time zone"
        )
    zone = ZoneInfo(timezone)
    starts = dt.datetime.combine(seed.date, seed.start_time, tzinfo=zone)
    ends = (
        dt.datetime.combine(seed.date, seed.end_time, tzinfo=zone)
        if seed.end_time
        else None
    )
    if ends and ends <= starts:
        raise SeedError(
            f"actions.yaml ({seed.slug}): end_time must be after start_time"
        )
    return {
        "date_precision": DatePrecision.DATETIME,
        "start_date": seed.date,
        "starts_at": starts.astimezone(dt.UTC),
        "ends_at": ends.astimezone(dt.UTC) if ends else None,
        "timezone": timezone,
    }


def place_values(place) -> dict:
    def decimal(value: float | None) -> Decimal | None:
        return (
            None if value is None else Decimal(str(value)).quantize(Decimal("0.00001"))
        )

    return {
        "latitude": decimal(place.latitude),
        "longitude": decimal(place.longitude),
        "geocode_status": place.status,
    }


def action_questions(seed: ActionSeed, place) -> list[dict]:
    questions: list[dict] = []
    if seed.date is None:
        questions.append({"code": "date_missing"})
    elif (
        seed.stated_weekday and WEEKDAY_KEYS[seed.date.weekday()] != seed.stated_weekday
    ):
        questions.append(
            {
                "code": "weekday_mismatch",
                "stated": seed.stated_weekday,
                "date": seed.date.isoformat(),
            }
        )
    if seed.region_basis == "inferred":
        questions.append({"code": "region_inferred", "region": seed.region})
    if place.status == GeocodeStatus.AMBIGUOUS:
        questions.append(
            {"code": "place_ambiguous", "candidates": list(place.candidates)}
        )
    elif place.status == GeocodeStatus.UNKNOWN:
        questions.append({"code": "place_unknown"})
    if not place.timezone:
        questions.append({"code": "timezone_unknown"})
    questions += [{"code": "note", "text": text} for text in seed.open_questions]
    return questions
