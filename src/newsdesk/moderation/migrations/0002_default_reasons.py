"""The reasons a new site starts with, in its language (German or English); the team edits
them in the back office. Written out here so the migration stays as it was."""

from django.conf import settings
from django.db import migrations

REASONS = {
    "de": [
        ("insult", "Beleidigung", "Persönliche Angriffe und Beleidigungen verstoßen gegen unsere Netiquette: Kritisieren Sie Argumente, nicht Menschen."),
        ("hate", "Hass und Hetze", "Beiträge, die Menschen wegen ihrer Herkunft, Religion, ihres Geschlechts, ihrer sexuellen Orientierung oder einer Behinderung herabwürdigen, entfernen wir."),
        ("threat", "Drohung oder Gewaltaufruf", "Drohungen und Aufrufe zur Gewalt sind verboten und können strafbar sein."),
        ("spam", "Spam oder Werbung", "Werbung, Kettenbriefe und massenhaft gleiche Beiträge sind im Forum nicht erlaubt."),
        ("off_topic", "Kein Bezug zum Artikel", "Bitte bleiben Sie beim Thema des Artikels."),
        ("personal_data", "Persönliche Daten", "Adressen, Telefonnummern und andere persönliche Daten Dritter veröffentlichen wir nicht."),
        ("illegal", "Rechtswidriger Inhalt", "Der Beitrag verstößt gegen geltendes Recht."),
    ],
    "en": [
        ("insult", "Insult", "Personal attacks and insults break our netiquette: criticise arguments, not people."),
        ("hate", "Hate speech", "We remove posts that demean people for their origin, religion, gender, sexual orientation or a disability."),
        ("threat", "Threat or call to violence", "Threats and calls to violence are not allowed and may be criminal offences."),
        ("spam", "Spam or advertising", "Advertising, chain letters and mass-posted identical comments are not allowed."),
        ("off_topic", "Off topic", "Please keep to the topic of the article."),
        ("personal_data", "Personal data", "We do not publish addresses, phone numbers or other personal data of others."),
        ("illegal", "Unlawful content", "The comment breaks the law."),
    ],
}


def create(apps, schema_editor):
    Reason = apps.get_model("moderation", "Reason")
    language = "de" if str(settings.LANGUAGE_CODE).startswith("de") else "en"
    for position, (code, label, explanation) in enumerate(REASONS[language], start=1):
        Reason.objects.get_or_create(
            code=code,
            defaults={"label": label, "explanation": explanation, "position": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
