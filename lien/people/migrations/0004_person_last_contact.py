from django.db import migrations, models


def fill_last_contacts(apps, schema_editor):
    from lien.casework.contacts import fill

    fill(
        apps.get_model("people", "Person").objects.all(),
        apps.get_model("casework", "JournalEntry").objects.all(),
        apps.get_model("outreach", "Encounter").persons.through.objects.all(),
        apps.get_model("outreach", "Passage").objects.all(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_index_merged_files_only"),
        # The records a last contact is read from.
        ("casework", "0009_procedure_cpas_waiting_idx"),
        ("outreach", "0005_encounter_index_led_by_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="last_contact_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_last_contacts, migrations.RunPython.noop, elidable=True),
    ]
