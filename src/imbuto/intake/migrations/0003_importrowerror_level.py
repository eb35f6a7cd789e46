# Row report lines get a level (error | warning). Warnings used to be told apart only by a translated
# "Warning: " prefix on the message; those rows become level=warning with the prefix removed.

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, Left, Substr

# The prefix as written by each shipped language ("Warning: %(message)s" in locale/*/django.po).
PREFIXES = ("Warning: ", "Avviso: ")


def to_level(apps, schema_editor):
    ImportRowError = apps.get_model("intake", "ImportRowError")
    for prefix in PREFIXES:
        ImportRowError.objects.filter(message__startswith=prefix).update(
            level="warning", message=Substr("message", len(prefix) + 1))


def to_prefix(apps, schema_editor):
    ImportRowError = apps.get_model("intake", "ImportRowError")
    ImportRowError.objects.filter(level="warning").update(
        message=Left(Concat(Value(PREFIXES[0]), "message", output_field=models.CharField()), 500))


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_merges_of_incoming_records_and_referrals'),
    ]

    operations = [
        migrations.AddField(
            model_name='importrowerror',
            name='level',
            field=models.CharField(choices=[('error', 'Error'), ('warning', 'Warning')], default='error',
                                   max_length=10),
        ),
        migrations.RunPython(to_level, to_prefix, elidable=True),
    ]
