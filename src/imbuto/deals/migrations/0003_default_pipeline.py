from django.db import migrations


def seed(apps, schema_editor):
    from imbuto.deals.defaults import seed_defaults

    seed_defaults(apps.get_model("deals", "Pipeline"), apps.get_model("deals", "PipelineStage"),
                  apps.get_model("deals", "LossRecycling"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [("deals", "0002_stages_named_recycling_sources")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
