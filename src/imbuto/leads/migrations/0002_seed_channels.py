"""The brief's lead channels (B1), as data (see imbuto.leads.channels)."""

from django.db import migrations

from imbuto.leads.channels import seed_channels


def seed(apps, schema_editor):
    seed_channels(apps.get_model("leads", "Channel"), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
