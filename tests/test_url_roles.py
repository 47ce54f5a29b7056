"""Every URL of the URLconf, asked by every role (issue 16): each answer is compared with the
table below of what each role may do. A URL pattern missing from the table fails the test,
so every new view gets its row.

The walk asks with GET (HEAD for nothing else): views that change data answer GET with 405
or send the visitor on, and their POST answers per role are tested beside each app's views.
Sample arguments come from the fixture below (a published article, a reader's comment, a
partner page's conversation, a warning, and the legal channels' records: a notice the reader
sent, a statement of reasons to the reader with their complaint, a case for the authorities
with its evidence package and hold...); the back office's object pages get the first row of
their model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from newsdesk.community import actions as community
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "reader", "moderator", "editor", "admin")

# What an answer may be. "login": a redirect to a login page (the back office's or the
# readers'); "redirect": a redirect elsewhere; the rest are statuses.
OK, LOGIN, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = (
    "200",
    "login",
    "redirect",
    "403",
    "404",
    "405",
)


def same(answer: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, answer)


def roles(anonymous: str, reader: str, moderator: str, editor: str, admin: str) -> dict[str, str]:
    return dict(zip(ROLES, (anonymous, reader, moderator, editor, admin), strict=True))


READERS_ONLY = roles(LOGIN, OK, OK, OK, OK)  # pages of one's own account
MODERATORS = roles(LOGIN, FORBIDDEN, OK, FORBIDDEN, OK)
# Moderators' POST-only views: others are refused before the method is looked at.
MODERATORS_POST = roles(LOGIN, FORBIDDEN, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED)

# Pages outside the back office, by URL name.
SITE: dict[str, dict[str, str]] = {
    "django.contrib.sitemaps.views.sitemap": same(OK),
    "news_sitemap": same(OK),
    "robots_txt": same(OK),
    "favicon_ico": same(OK),
    "translation:translate": same(NOT_ALLOWED),
    "translation:languages": same(OK),
    "translation:detect": same(NOT_ALLOWED),
    "translation:openapi": same(OK),
    "translation:spec": same(OK),
    "translation:health": same(OK),
    "translation:frontend-settings": same(OK),
    "community_api:threads": same(OK),
    "community_api:counts": same(OK),
    "community_api:opening": same(OK),
    "community_api:comments": same(NOT_ALLOWED),
    "community_api:comment": same(OK),
    "community_api:vote": same(NOT_ALLOWED),
    "community_api:reader": same(OK),
    "community_api:openapi": same(OK),
    "community_api:embed_js": same(OK),
    "community_api:embed_frame": same(OK),
    "media": same(NOT_FOUND),
    # Reader accounts (allauth): entrance pages send logged-in readers on, account pages
    # send visitors to the login.
    "account_login": roles(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_logout": roles(REDIRECT, OK, OK, OK, OK),
    "account_inactive": same(OK),
    "account_signup": roles(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_reauthenticate": READERS_ONLY,
    # By code: only for an account with a verified address (the reader's, in the fixture).
    "account_request_reauthentication_code": roles(LOGIN, OK, REDIRECT, REDIRECT, REDIRECT),
    "account_confirm_reauthentication_code": roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_email": READERS_ONLY,
    "account_email_verification_sent": same(OK),
    "account_change_password": READERS_ONLY,
    "account_set_password": roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_reset_password": same(OK),
    "account_confirm_login_code": roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_confirm_email": same(OK),  # an unknown key: "expired or invalid"
    "account_reset_password_from_key_done": same(OK),
    "account_reset_password_from_key": same(OK),
    "account_reset_password_done": same(OK),
    # The community's reader pages.
    "community:post_article": same(NOT_ALLOWED),
    "community:conversation": same(OK),
    "community:post": same(NOT_ALLOWED),
    "community:fragment": same(OK),
    "community:comment": same(OK),
    "community:edit": roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "community:delete": same(NOT_ALLOWED),
    "community:vote": same(NOT_ALLOWED),
    "community:profile": same(OK),
    "community:settings": READERS_ONLY,
    "community:delete_account": READERS_ONLY,
    # The moderators' workspace.
    "moderation:workspace": MODERATORS,
    "moderation:queue": MODERATORS,
    "moderation:counts": MODERATORS,
    "moderation:comment": MODERATORS,
    "moderation:approve": MODERATORS_POST,
    "moderation:reject": MODERATORS_POST,
    "moderation:bulk": MODERATORS_POST,
    "moderation:reader": MODERATORS,
    "moderation:impose_sanction": MODERATORS_POST,
    "moderation:trust": MODERATORS_POST,
    "moderation:lift_sanction": MODERATORS_POST,
    "moderation:word_lists": roles(LOGIN, FORBIDDEN, OK, FORBIDDEN, OK),
    "moderation:audit": MODERATORS,
    "moderation:acknowledge": roles(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "editions:comment_translation": same(OK),
    # The newsroom's reader pages.
    "newsroom:front": same(OK),
    "newsroom:feed_rss": same(OK),
    "newsroom:feed_atom": same(OK),
    "newsroom:section": same(OK),
    "newsroom:section_feed_rss": same(OK),
    "newsroom:section_feed_atom": same(OK),
    "newsroom:article": same(OK),
    # The legal channels (issue 13). The notice form, "Melde- und Abhilfestelle", is for
    # everyone, account or not (Art. 16); so are the terms, privacy notice and netiquette.
    "legal:report": same(OK),
    "legal:terms": same(OK),
    "legal:privacy": same(OK),
    "legal:netiquette": same(OK),
    # A notice's status page: its notifier (the reader, by account; others by the token of its
    # e-mails) and the team; anyone else is told there is no such notice.
    "legal:notice": roles(NOT_FOUND, OK, OK, NOT_FOUND, OK),
    # A statement of reasons: its reader and the team; visitors sign in first, anyone else is
    # told there is no such statement.
    "legal:statement": roles(LOGIN, OK, OK, NOT_FOUND, OK),
    # Complaints (Art. 20): only the statement's reader (signed in) or the notice's notifier
    # (the reader here; without an account by the notice's token, so no login page) complain;
    # the team does not complain about its own decisions.
    "legal:complain_statement": roles(LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "legal:complain_notice": roles(FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # The reader's own data and the terms they still have to accept.
    "legal:my_data": READERS_ONLY,
    "legal:accept_terms": READERS_ONLY,
    # The community team's (legal team's) pages.
    "legal:notices": MODERATORS,
    "legal:notice_review": MODERATORS,
    "legal:decide_notice": MODERATORS_POST,
    "legal:complaints": MODERATORS,
    "legal:complaint": MODERATORS,
    "legal:decide_complaint": MODERATORS_POST,
    "legal:misuse": MODERATORS,
    "legal:authority_cases": MODERATORS,
    "legal:open_authority_case": MODERATORS,
    "legal:authority_case": MODERATORS,
    "legal:export_evidence": MODERATORS_POST,
    "legal:close_authority_case": MODERATORS_POST,
    "legal:evidence_package": MODERATORS,
    "legal:holds": MODERATORS,
    "legal:release_hold": MODERATORS_POST,
    "legal:transparency_report": MODERATORS,
}

# The back office. Visitors and readers are sent to its login; staff get in; each model's
# pages (list, add, object, history, delete) follow the roles that manage it.
STAFF = roles(LOGIN, LOGIN, OK, OK, OK)
ADMIN_SITE: dict[str, dict[str, str]] = {
    "admin:index": STAFF,
    "admin:login": roles(OK, OK, REDIRECT, REDIRECT, REDIRECT),
    "admin:logout": roles(REDIRECT, REDIRECT, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),  # POST
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:autocomplete": roles(LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "admin:jsi18n": STAFF,
    "admin:view_on_site": roles(LOGIN, LOGIN, REDIRECT, REDIRECT, REDIRECT),
    # /admin/community/ for an editor (no community rights): the admin's 404 makes the
    # language middleware try /de/admin/community/, which ends in the newsroom's 404.
    "admin:app_list": roles(LOGIN, LOGIN, OK, REDIRECT, OK),
    # Also sent to /de/admin/..., which ends in the newsroom's 404 (see app_list).
    "admin:catch_all": roles(LOGIN, LOGIN, REDIRECT, REDIRECT, REDIRECT),
    "admin:object_redirect": roles(LOGIN, LOGIN, REDIRECT, REDIRECT, REDIRECT),
}

# Which roles manage each model in the back office ("app_label.model": managing roles).
# What the others with back-office access get: 403. Where a model's admin refuses adding or
# deleting to everyone, the row says so.
MOD, ED, ADM = "moderator", "editor", "admin"
ADMIN_MODELS: dict[str, tuple[str, ...]] = {
    "account.emailaddress": (ADM,),
    "auth.group": (ADM,),
    "auth.user": (ADM,),
    "core.auditevent": (ADM,),
    "django_tasks_database.dbtaskresult": (ADM,),
    "community.closedperiod": (MOD, ADM),
    "community.comment": (MOD, ADM),
    "community.conversation": (MOD, ADM),
    "community.notice": (MOD, ADM),
    "community.profile": (MOD, ADM),
    "community.scheduleexception": (MOD, ADM),
    "community.sectionpolicy": (MOD, ADM),
    "moderation.case": (MOD, ADM),
    "moderation.moderationpolicy": (MOD, ADM),
    "moderation.reason": (MOD, ADM),
    "moderation.sanction": (MOD, ADM),
    "moderation.trustedreader": (MOD, ADM),
    "moderation.wordlist": (MOD, ADM),
    "newsroom.article": (ED, ADM),
    "newsroom.author": (ED, ADM),
    "newsroom.image": (ED, ADM),
    "newsroom.revision": (ED, ADM),
    "newsroom.section": (ED, ADM),
    "editions.edition": (ED, ADM),
    "editions.editionpolicy": (ED, ADM),
    "editions.heldedition": (ED, ADM),
    "translation.glossaryterm": (ED, ADM),
    "translation.memoryentry": (ED, ADM),
    "translation.apikey": (ADM,),
    "legal.authoritycase": (MOD, ADM),
    "legal.complaint": (MOD, ADM),
    "legal.evidencepackage": (MOD, ADM),
    "legal.ground": (MOD, ADM),
    "legal.legalhold": (MOD, ADM),
    "legal.misusemeasure": (MOD, ADM),
    "legal.notice": (MOD, ADM),
    "legal.statement": (MOD, ADM),
    "legal.termsacceptance": (MOD, ADM),
    "legal.termsversion": (MOD, ADM),
    "legal.trustedflagger": (MOD, ADM),
}
# Made only by the system (audit rows, comments, revisions, editions, cases, task results...)
# or through a workflow of their own (sanctions, trusted readers, word lists): nobody adds
# them in the back office.
NO_ADD = {
    "core.auditevent",
    "django_tasks_database.dbtaskresult",
    "community.comment",
    "community.profile",
    "moderation.case",
    "moderation.sanction",
    "moderation.trustedreader",
    "moderation.wordlist",
    "newsroom.revision",
    "editions.edition",
    "editions.heldedition",
    "translation.memoryentry",
    # The legal records: made by the legal actions (notices, statements, complaints, misuse
    # steps, cases with their packages and holds, acceptances), only looked up here.
    "legal.authoritycase",
    "legal.complaint",
    "legal.evidencepackage",
    "legal.legalhold",
    "legal.misusemeasure",
    "legal.notice",
    "legal.statement",
    "legal.termsacceptance",
}
# Nothing readers wrote, no audit row and no decision is deleted in the back office; nor a
# statement template (its reason would lose its ground), a trusted flagger (its notices keep
# it: it is deactivated instead) or a published terms version (readers accepted it; the
# fixture's first version is published).
NO_DELETE = NO_ADD - {"translation.memoryentry"} | {
    "community.conversation",
    "moderation.moderationpolicy",
    "moderation.reason",
    "legal.ground",
    "legal.trustedflagger",
    "legal.termsversion",
}
# Pages a model's admin adds to the usual five.
EXTRA_VIEWS = {"newsroom.article": ("preview", "revisions"), "auth.user": ("password_change",)}
VIEWS = ("changelist", "add", "change", "history", "delete")


# Where a model's page answers otherwise than its row says.
ADMIN_OVERRIDES = {
    # A held edition opens in the editions' own change page.
    "admin:editions_heldedition_change": roles(LOGIN, LOGIN, FORBIDDEN, REDIRECT, REDIRECT),
    # Administrators register trusted flaggers (Art. 22); moderators may look at them.
    "admin:legal_trustedflagger_add": roles(LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK),
}


def admin_table() -> dict[str, dict[str, str]]:
    table = dict(ADMIN_SITE)
    for label, managers in ADMIN_MODELS.items():
        app_label, model = label.split(".")
        for view in VIEWS + EXTRA_VIEWS.get(label, ()):
            allowed = OK
            if (view == "add" and label in NO_ADD) or (view == "delete" and label in NO_DELETE):
                allowed = FORBIDDEN
            table[f"admin:{app_label}_{model}_{view}"] = {
                "anonymous": LOGIN,
                "reader": LOGIN,
                **{role: allowed if role in managers else FORBIDDEN for role in ROLES[2:]},
            }
    return {**table, **ADMIN_OVERRIDES}


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    """(URL name with namespace, pattern with the route so far) for every pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            # The unnamed patterns: uploads, each model's old object address (sent on to
            # its change page) and the back office's catch-all.
            route = str(pattern.pattern)
            name = pattern.name or (
                "media"
                if "media" in route
                else "object_redirect"
                if "object_id" in route
                else "catch_all"
            )
            full = f"{namespace}:{name}" if namespace else name
            yield full, prefix + str(pattern.pattern)


@pytest.fixture
def samples(users, settings, django_capture_on_commit_callbacks) -> dict[str, Any]:
    """Sample values for every kind of URL argument."""
    from newsdesk.moderation import actions as moderation
    from newsdesk.moderation.models import Reason, Sanction

    settings.COMMUNITY_ALLOWED_ORIGINS = ["https://partner.example"]
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "roles"},
    }
    clock.set_now(vienna(2026, 11, 27, 14, 0))
    article = make_article(headline="Budget beschlossen")
    conversation = community.conversation_for_article(article)
    comment = community.do_post_comment(
        conversation, text_value="Ein Kommentar", acting_user=users["reader"]
    )
    page = community.conversation_for_url("https://partner.example/seite", title="Seite")
    sanction = moderation.do_impose_sanction(
        users["other_reader"],
        kind=Sanction.Kind.WARN,
        reason=Reason.objects.first(),
        acting_user=users["moderator"],
    )
    back_office_rows(article, comment, users)
    legal = legal_rows(conversation, users, committed=django_capture_on_commit_callbacks)
    yield {
        **legal,
        "article_id": article.pk,
        "conversation_id": page.pk,
        "comment_id": comment.pk,
        "profile_id": community.profile_for(users["reader"]).pk,
        "user_id": users["reader"].pk,
        "sanction_id": sanction.pk,
        "queue": "pending",
        "section": article.section.slug,
        "slug": article.slug,
        "key": "no-such-key",
        "uidb36": "0",
        "path": "no-such-file.txt",
        "url": "no-such-page/",
        "app_label": "community",
        "content_type_id": ContentType.objects.get_for_model(article).pk,
        "object_id": article.pk,
        "id": users["reader"].pk,
    }
    clock.set_now(None)


def back_office_rows(article: Any, comment: Any, users: dict[str, Any]) -> None:
    """One row of every model the back office shows, so each object page has one to show."""
    import datetime as dt

    from allauth.account.models import EmailAddress
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from newsdesk.community.models import ScheduleException, SectionPolicy
    from newsdesk.editions.models import Edition, EditionPolicy
    from newsdesk.moderation.models import Case, ModerationPolicy, TrustedReader, WordList
    from newsdesk.newsroom.models import Author, Image
    from newsdesk.translation.models import ApiKey, GlossaryTerm, MemoryEntry

    now = timezone.now()
    EmailAddress.objects.create(user=users["reader"], email=users["reader"].email, verified=True)
    ScheduleException.objects.create(date=dt.date(2026, 12, 24))
    SectionPolicy.objects.create(section=article.section)
    Edition.objects.update_or_create(
        article=article, language="en", defaults={"state": Edition.State.HELD}
    )
    EditionPolicy.objects.create(language="en")
    Case.objects.get_or_create(comment=comment, defaults={"queue": "pending", "created_at": now})
    ModerationPolicy.objects.create()
    TrustedReader.objects.create(user=users["other_reader"], added_at=now)
    WordList.objects.get_or_create(kind="block")
    Author.objects.create(name="Anna Autorin", slug="anna-autorin")
    Image.objects.create(file="images/beispiel.png", alt_text="Ein Beispiel")
    ApiKey.objects.create(name="Partner", key_hash="0" * 64, prefix="nd_x")
    GlossaryTerm.objects.create(source_language="de", target_language="en", term="Gemeinderat")
    MemoryEntry.objects.create(
        source_language="de",
        target_language="en",
        source_hash="0" * 64,
        source_text="Hallo",
        target_text="Hello",
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="newsdesk.community.tasks.notify_reply",
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )


def legal_rows(conversation: Any, users: dict[str, Any], *, committed: Any) -> dict[str, Any]:
    """One row of every legal model, made through the legal actions where there is one: the
    reader's notice about another reader's comment (decided: unfounded), a statement of reasons
    to the reader (a comment of theirs removed) with their complaint, a case for the
    authorities with its evidence package and legal hold, a misuse warning to the reader as
    notifier (their notice was manifestly unfounded), a trusted flagger,
    and published terms the reader accepted (last: they would stop the others from posting).
    ``committed``: pytest-django's on-commit capture, so that what follows a decision after its
    commit (statements of reasons, holds, e-mails) happens."""
    from django.contrib.auth.models import User

    from newsdesk.legal import notices
    from newsdesk.legal.actions import authorities, complaints, misuse, terms
    from newsdesk.legal.actions import notices as notice_actions
    from newsdesk.legal.misuse import Policy
    from newsdesk.legal.models import (
        LegalHold,
        MisuseMeasure,
        Notice,
        Statement,
        TermsVersion,
        TrustedFlagger,
    )
    from newsdesk.legal.tdb import Category
    from newsdesk.moderation import actions as moderation
    from newsdesk.moderation.models import Reason

    poster = User.objects.create_user("poster", email="poster@example.org")
    insult = community.do_post_comment(
        conversation, text_value="Du bist ein Idiot.", acting_user=poster
    )
    with committed(execute=True):
        notice = notice_actions.do_submit_notice(
            category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
            explanation="Der Kommentar beleidigt einen Leser und verstößt gegen die Regeln.",
            location=notices.comment_address(insult),
            notifier_email=users["reader"].email,
            good_faith=True,
            language="de",
            acting_user=users["reader"],
        )
    with committed(execute=True):
        notice_actions.do_decide_notice(
            notice,
            outcome=Notice.Outcome.UNFOUNDED,
            explanation="Eine zugespitzte Meinung, offensichtlich keine Beleidigung.",
            acting_user=users["moderator"],
        )
    removed = community.do_post_comment(
        conversation, text_value="Ein zweiter Kommentar", acting_user=users["reader"]
    )
    with committed(execute=True):
        moderation.do_reject_comment(
            removed, reason=Reason.objects.get(code="insult"), acting_user=users["moderator"]
        )
    statement = Statement.objects.get(comment=removed)
    with committed(execute=True):
        complaint = complaints.do_file_complaint(
            statement, text="Das war Ironie, keine Beleidigung.", acting_user=users["reader"]
        )
    with committed(execute=True):
        case = authorities.do_open_authority_case(
            kind="criminal_offence",
            description="Eine gefährliche Drohung.",
            comment=insult,
            acting_user=users["moderator"],
        )
    package = authorities.do_export_evidence(case, acting_user=users["moderator"])
    misuse.do_take_misuse_step(
        kind=MisuseMeasure.Kind.NOTIFIER,
        step=MisuseMeasure.Step.WARNING,
        items={"notices": [notice.reference]},
        policy=Policy.current().as_dict(),
        user=users["reader"],
        email=users["reader"].email,
        acting_user=users["moderator"],
    )
    notice_actions.do_save_flagger(
        TrustedFlagger(name="Meldestelle", areas=[Category.ILLEGAL_OR_HARMFUL_SPEECH]),
        members=[],
        acting_user=users["admin"],
    )
    version = TermsVersion.objects.create(
        document="terms",
        version=1,
        language="de",
        title="Nutzungsbedingungen",
        text="<p>Seien Sie freundlich.</p>",
        requires_acceptance=True,
    )
    terms.do_publish_terms(version, acting_user=users["admin"])
    terms.do_accept_terms(users["reader"], language="de", acting_user=users["reader"])
    return {
        "reference": notice.reference,
        "statement_id": statement.pk,
        "complaint_id": complaint.pk,
        "case_id": case.pk,
        "package_id": package.pk,
        "hold_id": LegalHold.objects.filter(released_at__isnull=True).order_by("pk").first().pk,
    }


# Pages that need a query (or another language) to show what they are for.
QUERIES = {
    "community_api:threads": "/api/community/threads?article={article_id}",
    "community_api:embed_frame": "/community/embed/?url=https://partner.example/seite&lang=de",
    "community_api:reader": "/api/community/reader?conversation={conversation_id}",
    "editions:comment_translation": "/en/editions/comments/{comment_id}/translation/",
    # The report link beside a comment fills in its address.
    "legal:report": "/de/legal/report/?comment={comment_id}",
}


def sample_path(name: str, route: str, values: dict[str, Any]) -> str:
    """The route with sample values in its placeholders (path converters and regex groups)."""
    model = next(
        (
            model
            for model in admin.site._registry
            if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_")
        ),
        None,
    )
    if model is not None:
        first = model._default_manager.order_by("pk").first()
        key = first.pk if first is not None else 0
        values = {**values, "object_id": key, "id": key}
    if name == "admin:app_list":
        return "/admin/community/"
    if name == "account_reset_password_from_key":
        return "/de/accounts/password/reset/key/0-no-such-key/"
    if name in QUERIES:
        return QUERIES[name].format(**values)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(values[match.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def classify(response: Any) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        return REDIRECT
    return str(response.status_code)


def test_every_url_answers_every_role_as_the_table_says(client_for, samples):
    table = {**SITE, **admin_table()}
    patterns = list(walk(get_resolver().url_patterns))
    missing = sorted({name for name, _route in patterns} - set(table))
    observed: dict[str, dict[str, str]] = {}
    wrong = []
    clients = {role: client_for(role) for role in ROLES}
    printing = bool(os.environ.get("NEWSDESK_PRINT_URL_ROLES"))
    for name, route in patterns:
        if name in missing and not printing:
            continue
        path = sample_path(name, route, samples)
        for role in ROLES:
            answer = classify(clients[role].get(path))
            observed.setdefault(name, {})[role] = answer
            if table.get(name, {}).get(role) != answer:
                wrong.append(f"{name} {path} as {role}: {answer}, the table says {table.get(name)}")
    if printing:
        for name, answers in sorted(observed.items()):
            print(name, answers)
    assert not missing, f"URL patterns missing from the table: {missing}"
    assert not wrong, "\n".join(wrong)


def test_a_pattern_missing_from_the_table_is_caught():
    """A new view without a row is named by the walk (and so fails the test above)."""
    from django.http import HttpResponse
    from django.urls import include, path

    def new_view(request: Any) -> HttpResponse:
        return HttpResponse()

    extra = [path("legal/", include(([path("new/", new_view, name="new_page")], "legal")))]
    table = {**SITE, **admin_table()}
    names = {name for name, _route in walk(extra)}
    assert names == {"legal:new_page"} and not names <= set(table)
    assert ("legal:new_page", "legal/new/") in list(walk(extra))
