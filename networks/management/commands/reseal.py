from django.apps import apps
from django.core.management.base import BaseCommand

from networks import sealing


class Command(BaseCommand):
    help = (
        "Re-seal every sealed value (contacts, exact places, guests, invitations) "
        "with the first key of SEALING_KEYS and recompute the lookup hashes; run "
        "it after putting a new key first, then remove the old key. Values no key "
        "opens (their key was destroyed) are counted and left as they are."
    )

    def handle(self, *args, **options):
        resealed = unreadable = 0
        for model in apps.get_models():
            fields = sealing.sealed_fields(model)
            if not fields:
                continue
            names = [f.name for f in fields]
            hashes = sealing.hash_fields(model)
            rows = model._base_manager.only("pk", *names).order_by("pk")
            for row in rows.iterator(chunk_size=500):
                values = {name: getattr(row, name) for name in names}
                lost = [v for v in values.values() if isinstance(v, sealing.Unreadable)]
                unreadable += len(lost)
                resealed += sum(1 for v in values.values() if v) - len(lost)
                # update() seals each value afresh, under the first key.
                changes = {n: v for n, v in values.items() if v}
                for field in hashes:
                    value = values[field.source]
                    if not isinstance(value, sealing.Unreadable):
                        changes[field.name] = sealing.lookup_hash(value)
                if changes:
                    model._base_manager.filter(pk=row.pk).update(**changes)
        self.stdout.write(f"re-sealed {resealed} values; {unreadable} unreadable")
