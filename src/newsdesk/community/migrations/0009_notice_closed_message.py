"""The closed message's frame, editable per language, with the defaults of the page we model."""

from django.db import migrations, models

CLOSED_MESSAGES = {
    "de": "Liebe Leserin, lieber Leser,\n\n{message}\n\nMit freundlichen Grüßen\ndas {site}-Team",
    "en": "Dear reader,\n\n{message}\n\nKind regards\nthe {site} team",
}


def fill_defaults(apps, schema_editor):
    Notice = apps.get_model("community", "Notice")
    for language, text in CLOSED_MESSAGES.items():
        Notice.objects.filter(language=language, closed_message="").update(closed_message=text)


class Migration(migrations.Migration):
    dependencies = [("community", "0008_recompute_text_digests")]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="closed_message",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Shown while comments are closed. {message} is replaced by the reason and "
                    "the next opening time, {site} by the site's name."
                ),
                verbose_name="closed message",
            ),
        ),
        migrations.RunPython(fill_defaults, migrations.RunPython.noop),
    ]
