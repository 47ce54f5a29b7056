"""Default opening hours (closed every night 00:00-06:00) and netiquette/disclaimer texts."""

import datetime as dt

from django.db import migrations

NOTICES = {
    "de": {
        "netiquette": (
            "Bitte diskutieren Sie sachlich und respektvoll. Beleidigungen, Hetze, "
            "Drohungen, Werbung und die Veröffentlichung persönlicher Daten Dritter sind nicht "
            "erlaubt. Bleiben Sie beim Thema des Artikels."
        ),
        "disclaimer": (
            "Die Kommentare geben ausschließlich die Meinung ihrer Verfasserinnen und Verfasser "
            "wieder, nicht die des Herausgebers. Der Herausgeber behält sich vor, Beiträge zu "
            "löschen, die gegen geltendes Recht oder die Netiquette verstoßen. Nutzerdaten "
            "können zur Verfolgung rechtswidriger Inhalte an Behörden weitergegeben werden."
        ),
    },
    "en": {
        "netiquette": (
            "Please discuss factually and respectfully. Insults, incitement, threats, "
            "advertising and publishing other people's personal data are not allowed. Stay on "
            "the topic of the article."
        ),
        "disclaimer": (
            "Comments express their authors' opinions, not the publisher's. The publisher may "
            "delete posts that break the law or the netiquette. User data may be passed on to "
            "the authorities for legal prosecution of unlawful content."
        ),
    },
}


def create_defaults(apps, schema_editor):
    ClosedPeriod = apps.get_model("community", "ClosedPeriod")
    Notice = apps.get_model("community", "Notice")
    if not ClosedPeriod.objects.exists():
        ClosedPeriod.objects.create(weekday=None, starts=dt.time(0), ends=dt.time(6))
    for language, texts in NOTICES.items():
        Notice.objects.get_or_create(language=language, defaults=texts)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
