"""The Dockerfile, parsed: multi-stage, slim Debian, no dev tools in the
final stage, not root, and built by deploy/build.py (what test_build.py runs)."""

import pytest
from django.conf import settings
from dockerfile_parse import DockerfileParser


@pytest.fixture(scope="module")
def stages() -> dict[str, list[dict]]:
    parser = DockerfileParser(
        path=str(settings.BASE_DIR / "Dockerfile"), env_replace=True
    )
    stages: dict[str, list[dict]] = {}
    name = None
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            name = instruction["value"].split()[-1]
            stages[name] = []
        if name:
            stages[name].append(instruction)
    return stages


def values(stage: list[dict], instruction: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == instruction]


def test_it_has_a_build_stage_and_a_final_stage_on_slim_debian(stages):
    assert list(stages) == ["build", "final"]
    for stage in stages.values():
        assert values(stage, "FROM")[0].startswith("python:3.13-slim-bookworm ")


def test_the_build_stage_runs_the_shared_build_script(stages):
    runs = " ".join(values(stages["build"], "RUN"))

    assert "deploy/build.py requirements" in runs
    assert "deploy/build.py assets" in runs
    assert "-c requirements.lock" in runs


def test_the_final_stage_copies_results_and_installs_nothing(stages):
    final = stages["final"]
    runs = " ".join(values(final, "RUN"))

    assert "apt-get" not in runs
    assert "pip" not in runs
    assert values(final, "COPY") == [
        "--from=build /opt/venv /opt/venv",
        "--from=build /app /app",
    ]


def test_the_final_stage_runs_as_an_unprivileged_user(stages):
    users = values(stages["final"], "USER")

    assert users == ["app"]
    assert "useradd --system --uid 10001" in " ".join(values(stages["final"], "RUN"))


def test_its_command_picks_the_process_type(stages):
    final = stages["final"]

    assert values(final, "ENTRYPOINT") == ['["python", "deploy/processes.py"]']
    assert values(final, "CMD") == ['["web"]']
