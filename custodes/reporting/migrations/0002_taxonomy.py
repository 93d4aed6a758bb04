"""Install the first reporting taxonomy (custodes.reporting.taxonomy.SEED). Administrators change it later."""

from django.db import migrations


def install(apps, schema_editor):
    from custodes.reporting import taxonomy

    taxonomy.install(apps.get_model("reporting", "Category"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
