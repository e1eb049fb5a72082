"""Report photos in an S3 bucket (MEDIA_S3_BUCKET), against moto's S3 server
started by the test in its own process: the app's code is unchanged, only
STORAGES["default"] is (config.settings.media_storage, from the environment)."""

import http.client
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage

from config.settings import media_storage
from networks.models.rapid_response import Report
from tests.deploy import port as free_port
from tests.live import wait_for
from tests.networks.response_world import build, jpeg_with_gps, report_data

pytestmark = pytest.mark.django_db
BUCKET = "report-photos"


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/")
        return connection.getresponse().status < 500
    except OSError:
        return False


@pytest.fixture(scope="module")
def s3_server():
    pytest.importorskip("moto", reason="needs moto[server] (a dev dependency)")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: answers(port), timeout=60, what="moto's S3 server")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": media_storage(
            {
                "MEDIA_S3_BUCKET": BUCKET,
                "MEDIA_S3_ENDPOINT_URL": s3_server,
                "MEDIA_S3_REGION": "us-east-1",
            }
        ),
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_without_a_bucket_uploads_stay_on_local_disk():
    assert media_storage({}) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_reported_photo_goes_to_the_bucket_and_only_roles_see_it(client, bucket):
    world = build()
    network, people = world["network"], world["people"]

    posted = client.post(
        f"/rr/{network.slug}/report/", {**report_data(), "photos": [jpeg_with_gps()]}
    )

    assert posted.status_code == 302
    photo = Report.objects.get().photos.get()
    (stored,) = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == photo.image.name
    assert stored["Key"].startswith(f"reports/{network.pk}/")
    body = bucket.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read()
    assert body[:2] == b"\xff\xd8"  # a JPEG, the one with its metadata removed
    # Nobody but the bucket's owner is granted anything.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert {grant["Grantee"]["Type"] for grant in grants} == {"CanonicalUser"}

    url = f"/rr/{network.slug}/reports/{photo.report_id}/photos/{photo.pk}/"
    client.force_login(people["stranger"])
    assert client.get(url).status_code == 404
    client.force_login(people["responder"])
    page = client.get(url)
    assert page.status_code == 200
    assert b"".join(page.streaming_content) == body
    assert page["Cache-Control"] == "private, no-store"


def test_links_to_stored_files_are_signed_and_short_lived(bucket):
    name = default_storage.save("reports/probe.jpg", jpeg_with_gps())

    query = urlsplit(default_storage.url(name)).query

    assert "X-Amz-Signature=" in query
    assert "X-Amz-Expires=300" in query
