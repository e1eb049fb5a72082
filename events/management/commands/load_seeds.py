from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.seeding import SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the records in seeds/ (idempotent: twice gives the same rows)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.BASE_DIR / "seeds",
            help="Folder with sources.yaml, organizations.yaml, campaigns.yaml, "
            "actions.yaml (default: seeds/).",
        )

    def handle(self, *args, dir: Path, **options):
        try:
            report = load_seeds(dir)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        for line in report.lines():
            self.stdout.write(line)
