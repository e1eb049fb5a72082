"""A rapid-response network with people in every role, for the tests."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from networks.models import Membership, Role
from networks.models.rapid_response import MFA_ROLES, ROLE_TRAINING, ResponseRole
from networks.organizations.services import create_organization
from networks.rapid_response import services as rapid_response
from tests.factories import UserFactory

GPS_IFD = 0x8825


def with_mfa(user):
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    return user


def member_with(network, role, *, email, mfa=None):
    user = UserFactory(email=email)
    Membership.objects.create(
        organization=network.organization, user=user, role=Role.MEMBER
    )
    training = ROLE_TRAINING.get(role)
    if training:
        rapid_response.record_training(
            network=network,
            user=user,
            kind=training,
            completed_on=dt.date(2026, 1, 10),
            actor=None,
        )
    rapid_response.give_role(network=network, user=user, role=role)
    if role in MFA_ROLES if mfa is None else mfa:
        with_mfa(user)
    return user


def build(name="Southwest Side Rapid Response", city="Chicago"):
    admin = UserFactory(email=f"admin-{name[:5].lower()}@example.org")
    organization = create_organization(user=admin, name=f"{name} org", kind="network")
    network = rapid_response.create_network(
        organization=organization,
        values={
            "name": name,
            "hotline": "+1 312 555 0100",
            "timezone": "America/Chicago",
            "languages": ["en", "es"],
            "services": ["legal", "documentation"],
            "areas": [("city", city), ("zip", "60608")],
            "verifications_needed": 2,
            "escalate_after_minutes": 10,
            "unverified_days": 30,
            "contact_days": 30,
        },
    )
    tag = name[:5].lower()
    people = {
        "admin": admin,
        "dispatcher": member_with(
            network, ResponseRole.DISPATCHER, email=f"dispatch-{tag}@example.org"
        ),
        "verifier": member_with(
            network, ResponseRole.VERIFIER, email=f"verify1-{tag}@example.org"
        ),
        "verifier 2": member_with(
            network, ResponseRole.VERIFIER, email=f"verify2-{tag}@example.org"
        ),
        "responder": member_with(
            network, ResponseRole.RESPONDER, email=f"observer1-{tag}@example.org"
        ),
        "responder 2": member_with(
            network, ResponseRole.RESPONDER, email=f"observer2-{tag}@example.org"
        ),
        "second group": member_with(
            network, ResponseRole.RESPONDER, email=f"observer3-{tag}@example.org"
        ),
        "lawyer": member_with(
            network, ResponseRole.LAWYER, email=f"lawyer-{tag}@example.org"
        ),
    }
    member = UserFactory(email=f"member-{tag}@example.org")
    Membership.objects.create(organization=organization, user=member, role=Role.MEMBER)
    people["org member"] = member
    people["stranger"] = UserFactory(email=f"stranger-{tag}@example.org")
    now = timezone.now()
    first = rapid_response.add_slot(
        network=network,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
        tier=1,
        places=5,
    )
    second = rapid_response.add_slot(
        network=network,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
        tier=2,
        places=5,
    )
    for who in ("responder", "responder 2"):
        rapid_response.take_slot(slot_id=first.pk, user=people[who])
    rapid_response.take_slot(slot_id=second.pk, user=people["second group"])
    return {"network": network, "people": people, "slots": [first, second]}


def jpeg_with_gps(name="scene.jpg") -> SimpleUploadedFile:
    """A real JPEG whose EXIF holds a camera model and GPS coordinates."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Phone Model X"  # camera model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (41.0, 51.0, 30.0)
    gps[3] = "W"
    gps[4] = (87.0, 39.0, 10.0)
    data = io.BytesIO()
    image.save(data, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def local(minutes_ago=5) -> str:
    when = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return when.astimezone(ZoneInfo("America/Chicago")).strftime("%Y-%m-%dT%H:%M")


def report_data(**overrides) -> dict:
    return {
        "kind": "home_raid",
        "seen_at": local(),
        "city": "Chicago",
        "neighbourhood": "Pilsen",
        "zip_code": "60608",
        "location": "1800 S Blue Island Ave",
        "description": "Two unmarked vans, six agents.",
        "contact": "+1 312 555 0199",
        **overrides,
    }
