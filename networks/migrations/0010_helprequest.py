# The model was AidRequest, a name that read like Django's HttpRequest. Renaming
# keeps the rows, and contenttypes renames the ContentType row in place, so the
# outbox's notifications about requests still point at them.

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0009_mutual_aid"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("AidRequest", "HelpRequest"),
        # Index names are derived from the table name, which changes too.
        migrations.RenameIndex(
            model_name="helprequest",
            new_name="networks_he_network_d889f8_idx",
            old_name="networks_ai_network_ffdd90_idx",
        ),
        migrations.RenameIndex(
            model_name="helprequest",
            new_name="networks_he_network_5d9b8c_idx",
            old_name="networks_ai_network_911a25_idx",
        ),
    ]
