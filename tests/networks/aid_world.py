"""A mutual-aid network with a coordinator, helpers and their offers."""

from networks.models import Membership, Role
from networks.models.mutual_aid import AidRole, ClaimMode
from networks.mutual_aid import services as mutual_aid
from networks.organizations.services import create_organization
from tests.factories import UserFactory
from tests.networks.response_world import with_mfa


def in_org(organization, email: str):
    user = UserFactory(email=email)
    Membership.objects.create(organization=organization, user=user, role=Role.MEMBER)
    return user


def build(*, claim_mode=ClaimMode.CLAIM, name="Pilsen Mutual Aid"):
    tag = name[:4].lower()
    admin = UserFactory(email=f"aid-admin-{tag}@example.org")
    organization = create_organization(user=admin, name=f"{name} org", kind="network")
    network = mutual_aid.create_network(
        organization=organization,
        values={
            "name": name,
            "description": "Groceries, rides and rent help.",
            "timezone": "America/Chicago",
            "claim_mode": claim_mode,
        },
    )
    coordinator = with_mfa(in_org(organization, f"coordinator-{tag}@example.org"))
    mutual_aid.give_role(network=network, user=coordinator, role=AidRole.COORDINATOR)
    helpers = {}
    for key, values in {
        "driver": {
            "kind": "transport",
            "description": "Rides on weekends",
            "zip_code": "60608",
            "languages": ["es", "en"],
        },
        "grocer": {
            "kind": "food",
            "description": "Groceries for a family",
            "zip_code": "60608",
            "languages": ["es"],
        },
        "far grocer": {
            "kind": "food",
            "description": "Groceries, north side",
            "zip_code": "60640",
            "languages": ["en"],
        },
    }.items():
        person = in_org(organization, f"{key.replace(' ', '-')}-{tag}@example.org")
        mutual_aid.give_role(network=network, user=person, role=AidRole.HELPER)
        mutual_aid.add_offer(network=network, helper=person, values=values)
        helpers[key] = person
    people = {
        "admin": admin,
        "coordinator": coordinator,
        **helpers,
        "org member": in_org(organization, f"member-{tag}@example.org"),
        "stranger": UserFactory(email=f"stranger-aid-{tag}@example.org"),
    }
    return {"network": network, "people": people}


CONTACT = "WhatsApp +1 773 555 0142"


def ask_data(**overrides) -> dict:
    return {
        "kind": "food",
        "urgency": "week",
        "zip_code": "60608",
        "neighbourhood": "Pilsen",
        "language": "es",
        "contact": CONTACT,
        "details": "Family of four.",
        **overrides,
    }


def help_request_values(**overrides) -> dict:
    """What `mutual_aid.submit_request` takes besides the contact."""
    data = ask_data(**overrides)
    data.pop("contact")
    return {**data, "amount": data.get("amount")}
