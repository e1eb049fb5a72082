"""Report photos: phones' formats accepted and stripped, uploads bounded
before they cost (size, pixels, memory), stored for the app's user only."""

import io
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pillow_heif import register_heif_opener

from networks.models.rapid_response import Report, ReportPhoto
from tests.networks.response_world import GPS_IFD, build, report_data

pytestmark = pytest.mark.django_db
register_heif_opener()


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build()


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = "Phone Model X"
    exif[0x0112] = 6  # taken sideways: turn 90° to show upright
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (41.0, 51.0, 30.0)
    gps[3], gps[4] = "W", (87.0, 39.0, 10.0)
    return exif


def mpo() -> SimpleUploadedFile:
    """A JPEG as phones save it: a main picture and a second frame (MPO)."""
    data = io.BytesIO()
    main = Image.new("RGB", (80, 40), (200, 30, 30))
    second = Image.new("RGB", (80, 40), (0, 0, 0))
    main.save(
        data, format="MPO", save_all=True, append_images=[second], exif=phone_exif()
    )
    return SimpleUploadedFile("IMG_0001.JPG", data.getvalue(), "image/jpeg")


def heic() -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (80, 40), (30, 30, 200)).save(
        data, format="HEIF", exif=phone_exif().tobytes()
    )
    return SimpleUploadedFile("IMG_0002.HEIC", data.getvalue(), "image/heic")


def send(client, world, *photos):
    return client.post(
        f"/rr/{world['network'].slug}/report/", {**report_data(), "photos": photos}
    )


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(("make", "kind"), [(mpo, "MPO"), (heic, "HEIF")])
def test_phone_photos_are_taken_upright_and_without_metadata(client, world, make, kind):
    upload = make()
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.format == kind
        assert original.getexif().get_ifd(GPS_IFD)[2] == (41.0, 51.0, 30.0)
    upload.seek(0)

    response = send(client, world, upload)

    assert response.status_code == 302
    photo = ReportPhoto.objects.get()
    with photo.image.open("rb") as stored, Image.open(stored) as after:
        assert after.format == "JPEG"
        assert after.size == (40, 80)  # turned upright, then the tag dropped
        assert len(after.getexif()) == 0
        assert not after.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "xmp", "mp", "mpinfo"} & set(after.info)
        assert getattr(after, "n_frames", 1) == 1


def test_stored_photos_are_readable_by_the_apps_user_only(client, world):
    send(client, world, mpo())

    [path] = stored_files()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def png(width: int, height: int) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (width, height)).save(data, format="PNG")
    return SimpleUploadedFile("big.png", data.getvalue(), "image/png")


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(client, world):
    huge = png(6300, 6300)  # 40 MP in about 100 KB, as the probe sent
    assert huge.size < 200_000

    page = send(client, world, huge)

    assert page.status_code == 200
    assert "at most 25 megapixels; nothing was saved" in str(
        page.context["form"].errors["photos"]
    )
    assert not Report.objects.exists() and not stored_files()


def test_a_picture_with_alpha_may_have_fewer_pixels(client, world):
    data = io.BytesIO()
    Image.new("RGBA", (5000, 4200)).save(data, format="PNG")  # 21 MP, 84 MB

    page = send(client, world, SimpleUploadedFile("a.png", data.getvalue()))

    assert "at most 20 megapixels; nothing was saved" in str(
        page.context["form"].errors["photos"]
    )
    assert not Report.objects.exists() and not stored_files()


def test_a_photo_over_the_size_limit_is_refused_and_never_stored(client, world):
    big = SimpleUploadedFile("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1))

    page = send(client, world, big, mpo())

    assert page.status_code == 200
    assert "A photo may be at most 8 MB; nothing was saved." in str(
        page.context["form"].errors["photos"]
    )
    assert not Report.objects.exists() and not stored_files()


def test_a_request_over_the_total_limit_is_not_read(client, world, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    parts = [SimpleUploadedFile(f"{n}.jpg", b"\xff" * 600_000) for n in range(2)]

    page = send(client, world, *parts)

    assert page.status_code == 200
    assert "Photos may be at most 1 MB together; nothing was saved." in str(
        page.context["form"].errors["photos"]
    )
    assert not Report.objects.exists() and not stored_files()


# Peak memory of one report with four of the worst photos accepted, measured
# in a process of its own: its peak (VmHWM) is reset after a warm-up request,
# so what is read after is the report's own.
MEASURE = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image
    from networks.models.rapid_response import ReportPhoto
    from tests.networks.response_world import build, report_data

    network = build()["network"]
    client = Client()
    content = open(sys.argv[1], "rb").read()
    photos = [SimpleUploadedFile("w", content, "image/x") for _ in range(4)]
    client.post(f"/rr/{network.slug}/report/", report_data())  # warm up

    def status(name):
        for line in open("/proc/self/status"):
            if line.startswith(name + ":"):
                return int(line.split()[1]) // 1024

    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the peak starts again from here
    before = status("VmRSS")
    response = client.post(
        f"/rr/{network.slug}/report/", {**report_data(), "photos": photos}
    )
    after = status("VmHWM")
    assert response.status_code == 302, response.status_code
    assert ReportPhoto.objects.count() == 4
    print(before, after)
    """
)
PEAK_MB = 200


def worst(kind: str, path: Path) -> Path:
    """The most pixels accepted: a PNG of four bytes a pixel (decoded whole:
    PHOTO_MAX_DECODED), or a JPEG from a phone (decoded already shrunk)."""
    if kind == "PNG":
        Image.new("RGBA", (5000, 4000), (9, 9, 9, 9)).save(path, format="PNG")
    else:
        Image.new("RGB", (6120, 4080), (9, 9, 9)).save(path, format="JPEG")
    assert path.stat().st_size < 8 * 1024 * 1024
    return path


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_one_report_with_four_of_the_worst_photos_stays_under_a_memory_bound(
    tmp_path, kind
):
    photo = worst(kind, tmp_path / f"worst.{kind.lower()}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "memory-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOCAL_DIR": str(tmp_path / "local"),
        "SEALING_KEYS": "mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE=",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",
    }

    if not os.access("/proc/self/clear_refs", os.W_OK):
        pytest.skip("needs Linux's /proc/self/clear_refs to reset a peak")
    migrate = [sys.executable, "manage.py", "migrate", "--verbosity=0"]
    subprocess.run(migrate, env=env, cwd=django_settings.BASE_DIR, check=True)

    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(photo)],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    before, after = map(int, result.stdout.split()[-2:])
    print(f"\n{kind}: {before} MB before the request, peak {after} MB during it")
    assert after - before < PEAK_MB
