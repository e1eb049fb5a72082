"""After a detention, a dispatcher opens a request for help in the
organization's mutual-aid network: the area and language go with it, the
reporter's contact only with the family's consent, and the report's words
and exact place never."""

import pytest

from networks.models.mutual_aid import HelpRequest, RequestStatus
from networks.models.rapid_response import Report, Step
from networks.mutual_aid import selectors as aid_selectors
from networks.mutual_aid import services as mutual_aid
from networks.rapid_response import services as rapid_response
from tests.networks.response_world import build, with_mfa
from tests.networks.test_response import post_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build()
    world["aid"] = mutual_aid.create_network(
        organization=world["network"].organization,
        values={"name": "Pilsen Mutual Aid", "timezone": "America/Chicago"},
    )
    return world


@pytest.fixture
def report(client, world):
    post_report(client, world, neighbourhood="Pilsen", zip_code="60608")
    report = Report.objects.get()
    return rapid_response.record_outcome(
        report=report, actor=world["people"]["responder"], values={"detained": 2}
    )


def open_help(client, world, report, **data):
    client.force_login(world["people"]["dispatcher"])
    url = f"/rr/{world['network'].slug}/reports/{report.pk}/help/"
    return client.post(
        url,
        {
            "network": world["aid"].pk,
            "kind": "bond",
            "urgency": "today",
            "amount": "1500",
            **data,
        },
        follow=True,
    )


def test_without_consent_the_request_carries_the_area_and_nothing_personal(
    client, world, report
):
    page = open_help(client, world, report).content.decode()
    assert "waits for the mutual-aid coordinators" in page
    request = HelpRequest.objects.get()
    assert (request.network, request.kind, request.urgency, request.amount) == (
        world["aid"],
        "bond",
        "today",
        1500,
    )
    assert (request.zip_code, request.neighbourhood, request.language) == (
        "60608",
        "Pilsen",
        report.language,
    )
    assert request.status == RequestStatus.SUBMITTED
    assert aid_selectors.contact_of(request) == ""
    # Nothing of the report's text, exact place or contact is in the request.
    kept = " ".join(
        str(getattr(request, field.attname)) for field in HelpRequest._meta.fields
    )
    for secret in (report.contact, report.location, report.description):
        assert secret and secret not in kept
    step = report.timeline.get(what=Step.HELP)
    assert (step.actor, step.describe()) == (
        world["people"]["dispatcher"],
        "Bond and legal fees; no contact shared",
    )


def test_with_consent_the_coordinator_gets_the_reporters_contact(client, world, report):
    open_help(client, world, report, consent="on")
    request = HelpRequest.objects.get()
    assert request.contact == report.contact == "+1 312 555 0199"
    assert (
        report.timeline.get(what=Step.HELP)
        .describe()
        .endswith("contact shared with consent")
    )
    coordinator = world["people"]["admin"]
    with_mfa(coordinator)
    mutual_aid.give_role(network=world["aid"], user=coordinator, role="coordinator")
    client.force_login(coordinator)
    detail = client.get(f"/aid/{world['aid'].slug}/requests/{request.pk}/")
    assert detail.status_code == 200
    assert "+1 312 555 0199" in detail.content.decode()


def test_the_form_shows_only_to_dispatchers_once_someone_was_detained(
    client, world, report
):
    url = f"/rr/{world['network'].slug}/reports/{report.pk}/"
    client.force_login(world["people"]["dispatcher"])
    assert "Open a request for help" in client.get(url).content.decode()
    client.force_login(world["people"]["responder"])
    assert "Open a request for help" not in client.get(url).content.decode()
    report.detained = 0
    report.save()
    client.force_login(world["people"]["dispatcher"])
    assert "Open a request for help" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("change", "data", "message"),
    [
        ({"detained": None}, {}, "how many people were detained first"),
        ({"detained": 0}, {}, "how many people were detained first"),
        ({}, {"amount": ""}, "Say how much money is needed."),
        ({}, {"amount": "-5"}, "greater than or equal to 1"),
        ({}, {"kind": "yachts"}, "Select a valid choice"),
        ({}, {"urgency": ""}, "This field is required"),
        ({"contact": ""}, {"consent": "on"}, "no contact to share"),
    ],
)
def test_bad_requests_are_refused_with_a_reason_and_store_nothing(
    client, world, report, change, data, message
):
    for name, value in change.items():
        setattr(report, name, value)
    report.save()
    page = open_help(client, world, report, **data).content.decode()
    assert message in page
    assert not HelpRequest.objects.exists()
    assert not report.timeline.filter(what=Step.HELP).exists()


def test_another_organizations_aid_network_cannot_be_chosen(client, world, report):
    other = build(name="Elsewhere Response", city="Milwaukee")
    theirs = mutual_aid.create_network(
        organization=other["network"].organization,
        values={"name": "Elsewhere Aid", "timezone": "America/Chicago"},
    )
    page = open_help(client, world, report, network=theirs.pk).content.decode()
    assert "Select a valid choice" in page
    assert not HelpRequest.objects.exists()
    with pytest.raises(rapid_response.ResponseError):
        rapid_response.open_help_request(
            report=report,
            actor=world["people"]["dispatcher"],
            aid_network=theirs,
            values={"kind": "rent", "urgency": "week", "amount": 900},
            consent=False,
        )
    assert not HelpRequest.objects.exists()


def test_an_organization_without_aid_network_is_told_so(client, world, report):
    world["aid"].delete()
    client.force_login(world["people"]["dispatcher"])
    page = client.get(
        f"/rr/{world['network'].slug}/reports/{report.pk}/"
    ).content.decode()
    assert "has no mutual-aid network yet" in page


def test_the_outcome_step_names_what_changed_in_the_readers_words(report):
    from django.utils import translation

    step = report.timeline.get(what=Step.OUTCOME)
    assert step.describe() == "people detained"
    with translation.override("es"):
        assert step.describe() == "personas detenidas"
