"""Staff manage every record in the Django admin."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from events.models import Action
from events.seeding import load_seeds
from events.services import sign_up
from tests.factories import ActionFactory, ShiftFactory, UserFactory
from tests.networks.response_world import with_mfa

pytestmark = pytest.mark.django_db
# The shift inline's management form, with no shifts.
NO_SHIFTS = {"shifts-TOTAL_FORMS": "0", "shifts-INITIAL_FORMS": "0"}


def action_form(**fields) -> dict:
    """The action admin's add form: a published, date-only rally in Tacoma."""
    return {
        "kind": "rally",
        "status": "published",
        "date_precision": "date",
        "date_basis": "stated",
        "start_date": "2026-02-07",
        "city": "Tacoma",
        "region": "WA",
        "country": "US",
        "turnout_qualifier": "unknown",
        "demands": "[]",
        "open_questions": "[]",
        **NO_SHIFTS,
        **fields,
    }


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser(
        "staff", "staff@example.org", "a-long-password-1"
    )
    client.force_login(with_mfa(user))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "events/action",
        "events/campaign",
        "networks/organization",
        "networks/sourcedocument",
        "networks/heartbeat",
        "events/signup",
    ],
)
def test_every_model_has_a_working_list_add_and_change_page(staff, model):
    load_seeds(Path(settings.BASE_DIR) / "seeds")

    listing = staff.get(f"/admin/{model}/")
    search = staff.get(f"/admin/{model}/", {"q": "Milwaukee ü"})

    assert listing.status_code == search.status_code == 200
    if model not in {"networks/heartbeat", "events/signup"}:
        assert staff.get(f"/admin/{model}/add/").status_code == 200
        first = listing.context["cl"].result_list[0]
        assert staff.get(f"/admin/{model}/{first.pk}/change/").status_code == 200


def test_an_action_added_in_the_admin_is_placed_from_its_city(staff):
    response = staff.post(
        "/admin/events/action/add/",
        action_form(
            title="Vigil at the courthouse",
            slug="vigil-at-the-courthouse",
            kind="vigil",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    action = Action.objects.get(slug="vigil-at-the-courthouse")
    assert action.timezone == "America/Los_Angeles"
    assert action.geocode_status == "exact"
    assert action.latitude is not None


def test_the_admin_refuses_an_end_before_the_start(staff):
    response = staff.post(
        "/admin/events/action/add/",
        action_form(
            title="Backwards",
            slug="backwards",
            date_precision="datetime",
            start_date="",
            starts_at_0="2026-02-07",
            starts_at_1="18:00",
            ends_at_0="2026-02-07",
            ends_at_1="17:00",
            timezone="America/Chicago",
            city="Chicago",
            region="IL",
        ),
    )

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "action_ends_after_start" in errors or "end" in errors.lower(), errors
    assert not Action.objects.filter(slug="backwards").exists()


def test_staff_add_shifts_to_an_action_in_the_admin(staff):
    response = staff.post(
        "/admin/events/action/add/",
        action_form(
            title="Rally with marshals",
            slug="rally-with-marshals",
            **{
                "shifts-TOTAL_FORMS": "1",
                "shifts-0-role": "marshal",
                "shifts-0-starts_at_0": "2026-02-07",
                "shifts-0-starts_at_1": "17:00",
                "shifts-0-ends_at_0": "2026-02-07",
                "shifts-0-ends_at_1": "20:00",
                "shifts-0-places": "6",
            },
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    shift = Action.objects.get(slug="rally-with-marshals").shifts.get()
    assert (shift.role, shift.places) == ("marshal", 6)


def test_the_admin_keeps_capacity_rules_for_shifts(staff):
    action = ActionFactory(slug="staffed", title="Staffed")
    shift = ShiftFactory(action=action, places=2)
    for person in UserFactory.create_batch(2):
        sign_up(shift_id=shift.pk, volunteer=person)
    page = staff.get(f"/admin/events/action/{action.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if isinstance(value, str | int)
    }
    data.update(
        {
            "title": "Staffed",
            "slug": "staffed",
            "start_date": action.start_date.isoformat(),
            "demands": "[]",
            "open_questions": "[]",
            "shifts-TOTAL_FORMS": "1",
            "shifts-INITIAL_FORMS": "1",
            "shifts-0-id": str(shift.pk),
            "shifts-0-action": str(action.pk),
            "shifts-0-role": "marshal",
            "shifts-0-starts_at_0": shift.starts_at.strftime("%Y-%m-%d"),
            "shifts-0-starts_at_1": shift.starts_at.strftime("%H:%M:%S"),
            "shifts-0-ends_at_0": shift.ends_at.strftime("%Y-%m-%d"),
            "shifts-0-ends_at_1": shift.ends_at.strftime("%H:%M:%S"),
        }
    )

    fewer = staff.post(page.request["PATH_INFO"], {**data, "shifts-0-places": "1"})
    deleted = staff.post(
        page.request["PATH_INFO"],
        {**data, "shifts-0-places": "2", "shifts-0-DELETE": "on"},
    )

    assert "2 people are already confirmed" in fewer.content.decode()
    assert "cancel their signups first" in deleted.content.decode()
    shift.refresh_from_db()
    assert shift.places == 2


def test_it_asks_staff_without_two_factor_to_set_it_up(client):
    UserFactory(email="guest-list@example.org")
    user = get_user_model().objects.create_superuser(
        "staff", "staff@example.org", "a-long-password-1"
    )
    client.force_login(user)

    pages = [client.get(url) for url in ("/admin/", "/admin/auth/user/")]

    assert [page.status_code for page in pages] == [403, 403]
    assert all("guest-list@example.org" not in p.content.decode() for p in pages)
    assert "Two-factor authentication needed" in pages[1].content.decode()
    client.force_login(with_mfa(user))
    listing = client.get("/admin/auth/user/")
    assert listing.status_code == 200
    assert "guest-list@example.org" in listing.content.decode()


def test_it_logs_staff_in_through_the_sites_login_which_asks_the_second_factor(
    client,
):
    get_user_model().objects.create_superuser(
        "staff", "staff@example.org", "a-long-password-1"
    )

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": "a-long-password-1"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session


def test_it_lets_staff_without_two_factor_log_out(client):
    user = get_user_model().objects.create_superuser(
        "staff", "staff@example.org", "a-long-password-1"
    )
    client.force_login(user)

    client.post("/admin/logout/")

    assert "_auth_user_id" not in client.session
