"""The statement templates a new site starts with: the legal side of each of moderation's
default reasons (moderation/migrations/0002_default_reasons.py), in English. The team edits
them in the back office (Legal channels › Statement templates); a reason the team has removed
or already given a template is left alone. Written out here so the migration stays as it was."""

from django.db import migrations

ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"

# code -> (ground, category, legal ground, netiquette clause, explanation, also illegal)
GROUNDS = {
    "insult": (
        INCOMPATIBLE,
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "",
        "Netiquette: respect for other people (no personal attacks or insults)",
        "The comment attacks or insults a person instead of discussing their arguments. Our "
        "netiquette, which every reader accepts with the terms of use, does not allow this.",
        False,
    ),
    "hate": (
        ILLEGAL,
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "Incitement to hatred: § 283 StGB (Austria, Verhetzung); § 130 StGB (Germany, "
        "Volksverhetzung)",
        "",
        "The comment incites hatred or violence against a group of people, or insults them in "
        "a way that violates their human dignity, because of their origin, religion, "
        "nationality, gender, sexual orientation, disability or another protected "
        "characteristic. This is a criminal offence under the provisions named.",
        False,
    ),
    "threat": (
        ILLEGAL,
        "STATEMENT_CATEGORY_VIOLENCE",
        "Dangerous threat: § 107 StGB (Austria, gefährliche Drohung); § 241 StGB (Germany, "
        "Bedrohung); public calls to commit offences: § 282 StGB (Austria), § 111 StGB "
        "(Germany)",
        "",
        "The comment threatens a person with violence or calls on others to commit acts of "
        "violence. This is a criminal offence under the provisions named.",
        False,
    ),
    "spam": (
        INCOMPATIBLE,
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "",
        "Netiquette: no advertising, chain letters or mass-posted comments",
        "The comment advertises products or services, or repeats the same text in many "
        "discussions. Our netiquette does not allow this.",
        False,
    ),
    "off_topic": (
        INCOMPATIBLE,
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "",
        "Netiquette: keep to the topic of the article",
        "The comment has nothing to do with the article it was posted under. Our netiquette "
        "asks every reader to keep to the topic so that the discussion stays useful.",
        False,
    ),
    "personal_data": (
        INCOMPATIBLE,
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "",
        "Netiquette: no personal data of other people",
        "The comment publishes personal data of another person (such as an address, a phone "
        "number or details of their private life). Our netiquette does not allow this, and "
        "publishing such data may also break data protection law.",
        True,
    ),
    "illegal": (
        ILLEGAL,
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "Austrian and German criminal and civil law (the moderator names the provision in "
        "the note)",
        "",
        "The comment's content is illegal under the law named; publishing it would make the "
        "site take part in the infringement.",
        False,
    ),
}


def create(apps, schema_editor):
    Reason = apps.get_model("moderation", "Reason")
    Ground = apps.get_model("legal", "Ground")
    for reason in Reason.objects.filter(code__in=list(GROUNDS)):
        ground, category, legal, clause, explanation, also_illegal = GROUNDS[reason.code]
        Ground.objects.get_or_create(
            reason=reason,
            defaults={
                "decision_ground": ground,
                "category": category,
                "legal_ground": legal,
                "contractual_ground": clause,
                "explanation": explanation,
                "also_illegal": also_illegal,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0001_initial"),
        ("moderation", "0002_default_reasons"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
