"""Install the first reporting taxonomy (custodes.reporting.taxonomy.SEED). Administrators change it later."""

from django.db import migrations


def install(apps, schema_editor):
    from custodes.reporting.taxonomy import SEED

    Category = apps.get_model("reporting", "Category")
    for order, seed in enumerate(SEED, start=1):
        Category.objects.update_or_create(
            code=seed.code,
            defaults={
                "group": seed.group,
                "routing": seed.routing,
                "label_en": seed.label_en,
                "label_cy": seed.label_cy,
                "hint_en": seed.hint_en,
                "hint_cy": seed.hint_cy,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
