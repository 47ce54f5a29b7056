"""Demo content: a few German reader comments and replies on the demo articles."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.community import actions
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.hooks import provides_demo_content
from newsdesk.newsroom.models import Article


def _last_noon() -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now().astimezone(zone)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= now else noon - dt.timedelta(days=1)


READERS = [
    ("leserin-wien", "Leserin aus Wien"),
    ("grantler42", "Grantler42"),
    ("donaukind", "Donaukind"),
]

COMMENTS = [
    (
        "staatsbesuch-praesidentin-virtanen-wien",
        "leserin-wien",
        "Gut, dass bei der Energie endlich zusammengearbeitet wird. Mehr dazu: "
        "https://www.parlament.gv.at/",
        None,
    ),
    (
        "staatsbesuch-praesidentin-virtanen-wien",
        "grantler42",
        "Schöne Worte, aber ich warte lieber ab, was 2030 wirklich daraus geworden ist.",
        0,
    ),
    (
        "staatsbesuch-praesidentin-virtanen-wien",
        "donaukind",
        "Die Zusammenarbeit der Feuerwehren finde ich das Interessanteste an dem Besuch.",
        None,
    ),
]


@provides_demo_content
def demo_comments() -> None:
    user_model = get_user_model()
    users = {}
    for username, display_name in READERS:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        profile = actions.profile_for(user)
        if profile.display_name != display_name:
            profile.display_name = display_name
            profile.save(update_fields=["display_name"])
        users[username] = user
    posted: list[Comment] = []
    for slug, username, text_value, parent_index in COMMENTS:
        article = Article.objects.filter(slug=slug, status=Article.Status.PUBLISHED).first()
        if article is None:
            continue
        conversation = actions.conversation_for_article(article)
        existing = Comment.objects.filter(
            conversation=conversation, author=users[username], text=text_value
        ).first()
        if existing is None:
            parent = posted[parent_index] if parent_index is not None else None
            if parent is not None and not parent.is_visible:
                # Held for review (moderation's screening): the reply follows once a
                # moderator published it (the moderation demo runs this again). The list
                # keeps one entry per demo comment, so later indexes stay in step.
                posted.append(parent)
                continue
            with clock.frozen(_last_noon()):  # posted while the comment function is open
                existing = actions.do_post_comment(
                    conversation,
                    text_value=text_value,
                    acting_user=users[username],
                    parent=parent,
                    language="de",
                )
        posted.append(existing)
