"""compose.yaml validates against the Compose Specification's JSON schema
(vendored: tests/deploy/SCHEMAS.md) and has the production shape."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())


def load() -> dict:
    return yaml.safe_load((settings.BASE_DIR / "compose.yaml").read_text())


def errors(document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return [
        f"{error.json_path}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_compose_yaml_follows_the_compose_specification():
    assert errors(load()) == []


def test_the_schema_catches_a_mistake():
    broken = load()
    broken["services"]["web"]["depends_on"] = {"redis": {"condition": "soon"}}
    broken["services"]["worker"]["restart_policy"] = "always"

    assert len(errors(broken)) == 2


def test_it_runs_every_process_type_of_one_image_behind_caddy():
    services = load()["services"]

    assert set(services) == {
        "caddy",
        "web",
        "worker",
        "beat",
        "migrate",
        "postgres",
        "redis",
    }
    commands = {
        name: services[name]["command"] for name in ("web", "worker", "beat", "migrate")
    }
    assert commands == {
        "web": ["web"],
        "worker": ["worker"],
        "beat": ["beat"],
        "migrate": ["migrate"],
    }
    assert {services[name]["build"] for name in commands} == {"."}
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["caddy"]["ports"] == ["80:80", "443:443"]


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate"])
def test_the_app_trusts_only_caddys_network(name):
    document = load()
    subnet = document["networks"]["default"]["ipam"]["config"][0]["subnet"]

    assert document["services"][name]["environment"]["TRUSTED_PROXIES"] == subnet
