"""Recompute every comment's text digest with the digest that keeps punctuation, symbols,
emoji and combining signs (the old one kept only letters and digits, so "👍" equalled "🎉❤️").

Both digests are frozen here as they are at this migration, so that later changes to
``comment_text.digest`` do not change what this migration does. It runs in batches of
BATCH comments, each in its own transaction (the migration is not atomic), so a large table
is neither locked nor held in memory at once; running it again changes nothing.
"""

import hashlib
import re
import unicodedata

from django.db import migrations

BATCH = 1000

_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def digest_keeping_every_character(text):
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    comparable = _SPACES.sub(" ", _INVISIBLE.sub("", folded)).strip()
    return hashlib.sha256(comparable.encode()).hexdigest()


def digest_of_letters_and_digits(text):
    folded = re.sub(r"[\W_]+", "", text.casefold())
    return hashlib.sha256(folded.encode()).hexdigest()


def _recompute(apps, digest):
    Comment = apps.get_model("community", "Comment")
    last_pk = 0
    while True:
        batch = list(
            Comment.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "text", "text_digest")[:BATCH]
        )
        if not batch:
            return
        changed = []
        for comment in batch:
            new = digest(comment.text)
            if comment.text_digest != new:
                comment.text_digest = new
                changed.append(comment)
        Comment.objects.bulk_update(changed, ["text_digest"])
        last_pk = batch[-1].pk


def forwards(apps, schema_editor):
    _recompute(apps, digest_keeping_every_character)


def backwards(apps, schema_editor):
    _recompute(apps, digest_of_letters_and_digits)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("community", "0007_comment_published_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards, atomic=False)]
