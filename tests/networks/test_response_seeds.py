"""seeds/response.yaml and seeds/aid.yaml match the code's choices and name
their sources."""

from pathlib import Path

import yaml

from networks.models.mutual_aid import AidKind
from networks.models.rapid_response import ActivityKind, Service

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_every_choice_is_accounted_for_with_its_basis():
    data = yaml.safe_load((SEEDS / "response.yaml").read_text(encoding="utf-8"))
    sources = {
        s["key"]
        for s in yaml.safe_load((SEEDS / "sources.yaml").read_text(encoding="utf-8"))
    }
    for section, choices in (("services", Service), ("activity", ActivityKind)):
        keys = [item["key"] for item in data[section]]
        assert sorted(keys) == sorted(choices.values), section
        for item in data[section]:
            assert item["basis"] in {"document", "product"}, item
            if item["basis"] == "document":
                assert item["sources"] and set(item["sources"]) <= sources, item
            else:
                assert item["sources"] == [], item
    assert data["networks"] == []


def test_mutual_aid_kinds_are_all_the_products_own():
    data = yaml.safe_load((SEEDS / "aid.yaml").read_text(encoding="utf-8"))
    assert sorted(k["key"] for k in data["kinds"]) == sorted(AidKind.values)
    assert {k["basis"] for k in data["kinds"]} == {"product"}
    assert data["described"][0]["sources"] == ["004_2d39f831ef8f3700.txt"]
    assert data["networks"] == []
