"""Demo content: the workspace filled at once. A moderator account, word lists, the demo
comments that screening held approved, one comment waiting in the queue, one removed with
its reason, and a warned reader."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, User

from newsdesk.community import actions as community
from newsdesk.community import demo as community_demo
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.hooks import provides_demo_content
from newsdesk.core.roles import MODERATOR
from newsdesk.moderation import actions
from newsdesk.moderation.models import Case, Reason, Sanction, WordList
from newsdesk.newsroom.models import Article

BANNED = "# Beleidigungen (Beispiele; das Community-Team pflegt die Liste)\n*idiot\n*trottel\n"
SUSPECT = "# Zur Prüfung\nlügenpresse\nvolksverräter\n"
SLUG = "staatsbesuch-praesidentin-virtanen-wien"
HELD_TEXT = "Typisch Lügenpresse, über die wirklichen Probleme schreibt wieder niemand."
REMOVED_TEXT = "Wer so etwas glaubt, hat den Verstand an der Garderobe abgegeben."


def _account(username: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org", "is_staff": staff}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _last_noon() -> dt.datetime:
    """Noon in the site's time zone, today or yesterday: the comment function is open."""
    now = clock.now().astimezone(ZoneInfo(settings.TIME_ZONE))
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= now else noon - dt.timedelta(days=1)


def _approve_held_readers(moderator: User) -> None:
    for comment in Comment.objects.filter(status=Comment.Status.PENDING, author__isnull=False):
        if comment.text != HELD_TEXT:
            actions.do_approve_comment(comment, acting_user=moderator)


@provides_demo_content
def demo_moderation() -> None:
    moderator = _account("community-team", staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    if not WordList.objects.exists():
        actions.do_change_word_list("banned", source=BANNED, acting_user=moderator)
        actions.do_change_word_list("suspect", source=SUSPECT, acting_user=moderator)
    # The demo readers' first comments were held (first comments, links): a moderator
    # approved them.
    _approve_held_readers(moderator)
    community_demo.demo_comments()  # the replies to the comments just approved...
    _approve_held_readers(moderator)  # ...which were first comments too
    article = Article.objects.filter(slug=SLUG, status=Article.Status.PUBLISHED).first()
    if article is None:
        return
    conversation = community.conversation_for_article(article)
    troll = _account("wutbuerger")
    community.profile_for(troll)
    noon = _last_noon()
    with clock.frozen(noon):
        if not Comment.objects.filter(text=HELD_TEXT).exists():
            community.do_post_comment(
                conversation, text_value=HELD_TEXT, acting_user=troll, language="de"
            )
    removed = Comment.objects.filter(text=REMOVED_TEXT).first()
    with clock.frozen(noon + dt.timedelta(minutes=5)):
        if removed is None:
            removed = community.do_post_comment(
                conversation, text_value=REMOVED_TEXT, acting_user=troll, language="de"
            )
    if not Case.objects.filter(comment=removed, queue=Case.Queue.REJECTED).exists():
        actions.do_reject_comment(
            removed,
            reason=Reason.objects.get(code="insult"),
            note="Bitte diskutieren Sie sachlich.",
            acting_user=moderator,
        )
    if not Sanction.objects.filter(user=troll).exists():
        actions.do_impose_sanction(
            troll,
            kind=Sanction.Kind.WARN,
            reason=Reason.objects.get(code="insult"),
            note="Ihr Beitrag wurde entfernt; bitte beachten Sie die Netiquette.",
            acting_user=moderator,
        )
