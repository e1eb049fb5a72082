import datetime as dt

import factory

from events.models import Action, ActionKind, Campaign, DateBasis, DatePrecision
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
