"""Every account has a reader profile: create one for users who existed before the app."""

from django.conf import settings
from django.db import migrations


def create_profiles(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("community", "Profile")
    taken = {name.lower() for name in Profile.objects.values_list("display_name", flat=True)}
    for user in User.objects.filter(community_profile__isnull=True).order_by("pk"):
        base = (user.username or "reader").split("@")[0][:34] or "reader"
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name.lower())
        Profile.objects.create(user=user, display_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_default_schedule_and_notices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
