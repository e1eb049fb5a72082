from django.core.management.base import BaseCommand

from networks import sealing
from networks.models.mutual_aid import HelpRequest


class Command(BaseCommand):
    help = (
        "Re-seal every mutual-aid contact with the first key of AID_CONTACT_KEYS "
        "(after putting a new key first); then the old key can be removed."
    )

    def handle(self, *args, **options):
        count = 0
        for help_request in HelpRequest.objects.exclude(contact_sealed="").only(
            "pk", "contact_sealed"
        ):
            HelpRequest.objects.filter(pk=help_request.pk).update(
                contact_sealed=sealing.reseal(help_request.contact_sealed)
            )
            count += 1
        self.stdout.write(f"re-sealed {count} contacts")
