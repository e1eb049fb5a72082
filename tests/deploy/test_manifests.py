"""deploy/k8s renders with `kubectl kustomize` and every object validates
against the Kubernetes schemas (kubernetes-validate ships them), strictly:
an unknown or misplaced field fails."""

import shutil
import subprocess

import pytest
import yaml
from django.conf import settings
from django.urls import Resolver404, resolve
from kubernetes_validate.utils import validate

KUBERNETES = "1.32"
FOLDER = settings.BASE_DIR / "deploy" / "k8s"


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], dict]:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("needs kubectl (with its kustomize) to render deploy/k8s")
    out = subprocess.run(
        [kubectl, "kustomize", str(FOLDER)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return {
        (doc["kind"], doc["metadata"]["name"]): doc
        for doc in yaml.safe_load_all(out)
        if doc
    }


def test_every_object_is_valid_kubernetes(rendered):
    for (kind, name), doc in rendered.items():
        assert validate(doc, KUBERNETES, strict=True), (kind, name)


def test_a_wrong_field_is_caught_by_the_validation():
    from kubernetes_validate.utils import ValidationError

    bad = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"replicas": "two", "selector": {}, "template": {}},
    }
    with pytest.raises(ValidationError):
        validate(bad, KUBERNETES, strict=True)


def test_there_are_the_objects_a_deployment_needs(rendered):
    assert set(rendered) == {
        ("Namespace", "organizer"),
        ("ConfigMap", "organizer"),
        ("Secret", "organizer"),
        ("PersistentVolumeClaim", "organizer-media"),
        ("Job", "organizer-migrate"),
        ("Deployment", "organizer-web"),
        ("Service", "organizer-web"),
        ("HorizontalPodAutoscaler", "organizer-web"),
        ("Deployment", "organizer-worker"),
        ("HorizontalPodAutoscaler", "organizer-worker"),
        ("Deployment", "organizer-beat"),
        ("Ingress", "organizer"),
    }


def container(doc: dict) -> dict:
    (only,) = doc["spec"]["template"]["spec"]["containers"]
    return only


def test_one_image_runs_as_each_process_type(rendered):
    args = {
        name: container(rendered[kind, name])["args"]
        for kind, name in [
            ("Deployment", "organizer-web"),
            ("Deployment", "organizer-worker"),
            ("Deployment", "organizer-beat"),
            ("Job", "organizer-migrate"),
        ]
    }
    images = {
        container(rendered[kind, name])["image"]
        for kind, name in rendered
        if kind in {"Deployment", "Job"}
    }

    assert args == {
        "organizer-web": ["web"],
        "organizer-worker": ["worker"],
        "organizer-beat": ["beat"],
        "organizer-migrate": ["migrate"],
    }
    assert images == {"registry.example.org/organizer:latest"}


def test_beat_is_one_and_never_two_during_a_rollout(rendered):
    beat = rendered["Deployment", "organizer-beat"]["spec"]

    assert (beat["replicas"], beat["strategy"]) == (1, {"type": "Recreate"})
    assert ("HorizontalPodAutoscaler", "organizer-beat") not in rendered


def test_web_probes_ask_the_app_at_paths_it_serves(rendered):
    web = container(rendered["Deployment", "organizer-web"])
    probes = {
        kind: web[kind]["httpGet"]["path"]
        for kind in ("livenessProbe", "readinessProbe", "startupProbe")
    }

    assert probes == {
        "livenessProbe": "/healthz/live",
        "readinessProbe": "/healthz/ready",
        "startupProbe": "/healthz/live",
    }
    for path in probes.values():
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{path} is not a URL of the app")


def test_autoscalers_scale_web_and_workers(rendered):
    targets = {
        name: doc["spec"]["scaleTargetRef"]["name"]
        for (kind, name), doc in rendered.items()
        if kind == "HorizontalPodAutoscaler"
    }

    assert targets == {
        "organizer-web": "organizer-web",
        "organizer-worker": "organizer-worker",
    }


def test_every_pod_runs_as_the_images_unprivileged_user(rendered):
    for (kind, name), doc in rendered.items():
        if kind in {"Deployment", "Job"}:
            pod = doc["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["securityContext"]["runAsUser"] == 10001, name


def test_settings_come_from_the_configmap_and_the_secret(rendered):
    config = rendered["ConfigMap", "organizer"]["data"]
    secret = rendered["Secret", "organizer"]["stringData"]

    assert {"SECRET_KEY", "SEALING_KEYS", "DATABASE_URL", "REDIS_URL"} <= set(secret)
    assert config["DEBUG"] == "false"
    assert config["TRUSTED_PROXIES"]
    assert not set(config) & set(secret)
