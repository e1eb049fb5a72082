import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import (
    Action,
    ActionKind,
    Campaign,
    DateBasis,
    DatePrecision,
    Shift,
    ShiftRole,
)
from networks.models import Organization, SourceDocument, SourceKind


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    key = factory.Sequence(lambda n: f"{n:03d}_test.txt")
    title = factory.Sequence(lambda n: f"Test document {n}")
    kind = SourceKind.NEWS_REPORT


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"organization-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"Day of action {n}")
    date = dt.date(2026, 2, 7)
    date_basis = DateBasis.STATED


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"action-{n}")
    title = factory.Sequence(lambda n: f"Rally {n}")
    kind = ActionKind.RALLY
    date_precision = DatePrecision.DATE
    start_date = dt.date(2026, 2, 7)
    city = "Tacoma"
    region = "WA"
    country = "US"
    timezone = "America/Los_Angeles"

    @factory.post_generation
    def organizers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizers.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"volunteer{n}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    action = factory.SubFactory(ActionFactory)
    role = ShiftRole.MARSHAL
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(
        lambda shift: shift.starts_at + dt.timedelta(hours=3)
    )
    places = 10
