"""The hostile-input corpus (tests/hostile/corpus.py) against every form and JSON endpoint
that takes text (issue 14): each answer is a 2xx, a redirect or a clear 4xx, never a 5xx;
JSON endpoints answer JSON even to broken bytes and 5,000-deep nesting; and afterwards no
text column of any newsdesk model holds a NUL, nor a comment or display name a control
character (the fields that refuse them).

The endpoints come from the URLconf walk of tests/test_url_roles.py: a URL name that takes
text by POST/PATCH and is missing from ``ENDPOINTS`` below (or from ``NOT_TEXT``, with the
reason) fails ``test_every_text_endpoint_is_covered``.

Run alone: ``env -u DATABASE_URL .venv/bin/pytest -q -p no:randomly tests/hostile``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import get_resolver, reverse

from newsdesk.community.models import Comment, Profile
from newsdesk.core import clock
from tests.hostile import corpus
from tests.test_url_roles import samples, walk  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

Send = Callable[[Client, str], Any]


def is_json(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def assert_clear(response: Any, what: str, *, json_answer: bool = False) -> None:
    """2xx, 3xx or a 4xx; JSON where the endpoint speaks JSON."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if json_answer and response.status_code != 204:
        assert is_json(response), f"{what}: {response.get('Content-Type')}"
        json.loads(response.content)


def texts() -> Iterator[str]:
    yield from corpus.ALL_TEXTS
    yield corpus.huge_text(1.2)


def assert_nothing_stored_with_controls() -> None:
    """No NUL in any text column of the project's models; no control character in comments
    and display names (nor a C1 control in the latter, a one-line field)."""
    for model in apps.get_models():
        if not model.__module__.startswith("newsdesk."):
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        # Checked here, not with ``__contains``: SQLite's LIKE ends its pattern at a NUL.
        for row in model._default_manager.values_list(*fields) if fields else ():
            for field, value in zip(fields, row, strict=True):
                assert "\x00" not in (value or ""), f"{model.__name__}.{field} stored a NUL"
    for text in Comment.objects.values_list("text", flat=True):
        assert not set(text) & corpus.FORBIDDEN_CONTROLS, repr(text[:80])
    for name in Profile.objects.values_list("display_name", flat=True):
        assert not set(name) & corpus.ONE_LINE_CONTROLS, repr(name)


@pytest.fixture
def ready(samples, settings):  # noqa: F811
    # The flood limits would answer 429 long before the corpus reaches the actions' checks.
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 100_000
    settings.COMMUNITY_IP_PER_MINUTE = 0
    settings.NEWSDESK_MT_API_ANONYMOUS_PER_MINUTE = 100_000
    settings.ACCOUNT_RATE_LIMITS = False
    clock.set_now(corpus_time())
    yield samples
    clock.set_now(None)


def corpus_time() -> Any:
    from newsdesk.community.tests.conftest import vienna

    return vienna(2026, 11, 27, 14, 1)  # the fixture's comment may still be edited


# --- the endpoints --------------------------------------------------------------------------


def post_json(client: Client, path: str, body: bytes, method: str = "post") -> Any:
    return getattr(client, method)(path, body, content_type="application/json")


def comment_api(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("reader")
    path = reverse("community_api:comments")
    for text in texts():
        body = json.dumps({"article": values["article_id"], "text": text}).encode()
        yield text[:40], post_json(client, path, body)
    article = b'{"article": %d, ' % values["article_id"]
    for name, body in corpus.all_raw_bodies().items():
        # Where the body is an object, name the article so that it reaches the text checks.
        yield name, post_json(client, path, body.replace(b"{", article, 1)[: len(body) + 40])
        yield "as sent:" + name, post_json(client, path, body)


def comment_api_edit(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("reader")
    path = reverse("community_api:comment", kwargs={"comment_id": values["comment_id"]})
    for text in texts():
        yield text[:40], post_json(client, path, json.dumps({"text": text}).encode(), "patch")
    for name, body in corpus.all_raw_bodies().items():
        yield name, post_json(client, path, body, "patch")


def comment_api_vote(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("other_reader")
    path = reverse("community_api:vote", kwargs={"comment_id": values["comment_id"]})
    for text in corpus.SQL_LOOKING + corpus.CONTROLS:
        yield text[:40], post_json(client, path, json.dumps({"value": text}).encode())
    for name, body in corpus.all_raw_bodies().items():
        yield name, post_json(client, path, body)


def comment_form(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("reader")
    path = reverse("community:post_article", kwargs={"article_id": values["article_id"]})
    for number, text in enumerate(texts()):
        data = {"text": text, "parent": text[:20] if number % 5 == 0 else ""}
        yield text[:40], client.post(path, data)


def comment_edit_form(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("reader")
    path = reverse("community:edit", kwargs={"comment_id": values["comment_id"]})
    for text in texts():
        yield text[:40], client.post(path, {"text": text})


def display_name(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("reader")
    path = reverse("community:settings")
    for text in texts():
        yield text[:40], client.post(path, {"display_name": text, "notify_replies": text[:5]})


def signup(client_for, values) -> Iterator[tuple[str, Any]]:
    """Sign-up with the payload as display name (and in the address and passwords)."""
    for number, text in enumerate(texts()):
        if number % 3:
            continue
        data = {
            "email": f"hostile{number}@example.org",
            "display_name": text[:60],
            "password1": text[:200] + "Lang genug 2026",
            "password2": text[:200] + "Lang genug 2026",
        }
        client = Client(REMOTE_ADDR=f"2001:db8:1::{number:x}")
        yield f"/de/accounts/signup/ {text[:30]}", client.post("/de/accounts/signup/", data)
        data = {**data, "email": text[:80]}
        yield f"/de/accounts/signup/ email:{text[:30]}", client.post("/de/accounts/signup/", data)


def legal_report(client_for, values) -> Iterator[tuple[str, Any]]:
    """Anonymous notices, each from its own address (the per-address limit stays on): the
    payload as explanation and name beside a real comment's address, then as the address."""
    from newsdesk.legal import notices

    client = client_for("anonymous")
    path = "/en/legal/report/"
    address = notices.comment_address(Comment.objects.get(pk=values["comment_id"]))
    for number, text in enumerate(texts()):
        data = {
            "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            "location": address,
            "explanation": text + " Dieser Kommentar verstößt gegen die Regeln des Forums.",
            "name": text,
            "email": "",
            "good_faith": "on",
        }
        sender = {"REMOTE_ADDR": f"2001:db8::{number:x}"}
        yield text[:40], client.post(path, data, **sender)
        data = {**data, "location": text, "email": text[:60]}
        yield "json:" + text[:40], client.post(path, data, HTTP_ACCEPT="application/json", **sender)


def complaints(client_for, values) -> Iterator[tuple[str, Any]]:
    client = client_for("reader")
    statement = reverse("legal:complain_statement", kwargs={"statement_id": values["statement_id"]})
    notice = reverse("legal:complain_notice", kwargs={"reference": values["reference"]})
    for text in texts():
        yield text[:40], client.post(statement, {"text": text})
        yield "notice:" + text[:40], client.post(notice, {"text": text, "token": text[:30]})


def mt_api(client_for, values) -> Iterator[tuple[str, Any]]:
    """Both calls, with a key (so the corpus reaches the checks), as a form and as JSON."""
    from newsdesk.translation.actions import do_create_api_key
    from newsdesk.translation.models import ApiKey

    secret = do_create_api_key(
        ApiKey(name="Hostile", requests_per_minute=100_000), acting_user=None
    )
    client = client_for("anonymous")
    for name in ("translation:translate", "translation:detect"):
        path = reverse(name)
        for text in texts():
            form = {"q": text, "source": "de", "target": "en", "format": "html", "api_key": secret}
            yield f"{name} form:{text[:30]}", client.post(path, form)
            body = json.dumps({**form, "source": text[:10]}).encode()
            yield f"{name} json:{text[:30]}", post_json(client, path, body)
            body = json.dumps({**form, "api_key": text[:20]}).encode()
            yield f"{name} json:{text[:30]}", post_json(client, path, body)
        for raw, body in corpus.all_raw_bodies().items():
            yield f"{name} {raw}", post_json(client, path, body)


def back_office_article(client_for, values) -> Iterator[tuple[str, Any]]:
    """The editor's article form: the payload in every free-text field of a new article
    (kicker, headline, lead, byline), then in every text field at once (slug and addresses
    too, which their validators refuse)."""
    from newsdesk.newsroom.models import Article

    client = client_for("editor")
    path = reverse("admin:newsroom_article_add")
    page = client.get(path)
    assert page.status_code == 200
    section = Article.objects.get(pk=values["article_id"]).section_id
    base = {**form_data(page), "section": section}
    free = dict.fromkeys(("kicker", "headline", "lead", "byline"))
    every = [
        name
        for name, field in page.context["adminform"].form.fields.items()
        if isinstance(field, forms.CharField)
    ]
    for number, text in enumerate(texts()):
        data = {**base, **dict.fromkeys(free, text), "slug": f"hostile-{number}"}
        yield text[:40], client.post(path, data)
        if number % 4 == 0:
            yield "every:" + text[:40], client.post(path, {**base, **dict.fromkeys(every, text)})


def form_data(page: Any) -> dict[str, Any]:
    """The add form's initial values and its inline formsets' management forms."""
    data: dict[str, Any] = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None and not isinstance(value, list | tuple):
            data[name] = value() if callable(value) else value
    for inline in page.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
        data[management.add_prefix("TOTAL_FORMS")] = 0
    return data


def team_forms(client_for, values) -> Iterator[tuple[str, Any]]:
    """The moderators' and the legal team's forms that take free text: the payload in every
    field (a note, an explanation, an answer, a word list, a case description...)."""
    from newsdesk.moderation.models import Reason

    client = client_for("moderator")
    admin = client_for("admin")
    reason = Reason.objects.order_by("pk").first()
    reference, comment = values["reference"], values["comment_id"]
    forms_by_path = {
        f"/de/moderation/comments/{comment}/reject/": ("expected", "reason", "note"),
        "/de/moderation/comments/bulk/": ("reason", "note", "selected"),
        f"/de/moderation/readers/{values['user_id']}/sanctions/": ("note", "days"),
        "/de/moderation/word-lists/": ("source",),
        f"/de/legal/team/notices/{reference}/decide/": ("explanation",),
        f"/de/legal/complaints/{values['complaint_id']}/decide/": ("answer", "reason"),
        "/de/legal/authorities/new/": (
            "description",
            "requester",
            "legal_basis",
            "request_reference",
            "disclosure_note",
        ),
    }
    fixed = {
        "decision": "reject",
        "outcome": "unfounded",
        "kind": "block",
        "comment": comment,
        "disclosure": "none",
        "sanction": "warn",
    }
    for number, text in enumerate(texts()):
        if number % 3:
            continue
        for path, fields in forms_by_path.items():
            data = {**fixed, "reason": reason.code if reason else "", **dict.fromkeys(fields, text)}
            who = admin if "authorities" in path else client
            yield f"{path} {text[:30]}", who.post(path, data)


def query_strings(client_for, values) -> Iterator[tuple[str, Any]]:
    """Pages and JSON endpoints that read a query string, each parameter a payload."""
    client = client_for("moderator")
    paths = {
        "/api/community/threads": ("article", "url", "sort", "page"),
        "/api/community/counts": ("article", "url"),
        "/api/community/reader": ("conversation",),
        "/community/embed/": ("url", "lang", "title"),
        "/de/legal/report/": ("comment", "url"),
        "/de/moderation/queues/pending/": ("q", "author", "article", "page"),
        "/de/moderation/audit/": ("actor", "event", "page"),
        "/de/legal/complaints/": ("status", "page"),
        f"/de/legal/notices/{values['reference']}/": ("token",),
        "/mt/languages": ("api_key",),
    }
    for number, text in enumerate(corpus.ALL_TEXTS):
        if number % 2:
            continue
        for path, names in paths.items():
            response = client.get(path, dict.fromkeys(names, text))
            yield f"{path} {text[:30]}", response
            if path.startswith(("/api/", "/mt/")):
                assert_clear(response, path, json_answer=True)


ENDPOINTS: dict[str, Callable[..., Iterator[tuple[str, Any]]]] = {
    "community_api:comments": comment_api,
    "community_api:comment": comment_api_edit,
    "community_api:vote": comment_api_vote,
    "community:post_article": comment_form,
    "community:edit": comment_edit_form,
    "community:settings": display_name,
    "legal:report": legal_report,
    "legal:complain_statement": complaints,
    "translation:translate": mt_api,
    "admin:newsroom_article_add": back_office_article,
    "account_signup": signup,
    "moderation:reject": team_forms,
    "community_api:threads": query_strings,
}
JSON_ENDPOINTS = {"community_api:comments", "community_api:comment", "community_api:vote"}
JSON_ENDPOINTS |= {"translation:translate"}


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_hostile_corpus_gets_clear_answers_and_stores_no_controls(name, client_for, ready):
    answers: dict[int, int] = {}
    by_path: dict[str, dict[int, int]] = {}
    for what, response in ENDPOINTS[name](client_for, ready):
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        if what.startswith("/"):
            counts = by_path.setdefault(what.split()[0], {})
            counts[response.status_code] = counts.get(response.status_code, 0) + 1
        assert_clear(response, f"{name} {what!r}", json_answer=name in JSON_ENDPOINTS)
    assert answers
    print(f"{name}: answers {dict(sorted(answers.items()))}")
    for path, counts in by_path.items():
        print(f"  {path}: {dict(sorted(counts.items()))}")
    assert_nothing_stored_with_controls()


# URL names the walks above reach besides their own (ENDPOINTS' keys).
ALSO_COVERED = {
    "translation:detect": "mt_api",
    "legal:complain_notice": "complaints",
    **dict.fromkeys(
        (
            "moderation:bulk",
            "moderation:impose_sanction",
            "moderation:word_lists",
            "legal:decide_notice",
            "legal:decide_complaint",
            "legal:open_authority_case",
        ),
        "team_forms",
    ),
    **dict.fromkeys(
        (
            "community_api:counts",
            "community_api:reader",
            "community_api:embed_frame",
            "moderation:queue",
            "moderation:workspace",
            "moderation:audit",
            "legal:complaints",
            "legal:notice",
            "translation:languages",
        ),
        "query_strings",
    ),
}
# URL names that take no free text from a request (by reason), or whose text is a secret or
# a code that allauth checks (passwords, e-mail keys), outside this suite.
NOT_TEXT = {
    "a page or file without input": (
        "community:comment community:conversation community:fragment community:profile "
        "community_api:embed_js community_api:openapi community_api:opening "
        "django.contrib.sitemaps.views.sitemap editions:comment_translation favicon_ico "
        "legal:authority_case legal:authority_cases legal:complaint legal:evidence_package "
        "legal:holds legal:misuse legal:my_data legal:netiquette legal:notice_review "
        "legal:notices legal:privacy legal:statement legal:terms legal:transparency_report "
        "media moderation:comment moderation:counts moderation:reader news_sitemap "
        "newsroom:article newsroom:feed_atom newsroom:feed_rss newsroom:front "
        "newsroom:section newsroom:section_feed_atom newsroom:section_feed_rss robots_txt "
        "translation:frontend-settings translation:health translation:openapi "
        "translation:spec"
    ),
    "a button: a decision, a vote or a deletion without text": (
        "community:delete community:vote community:post community:delete_account "
        "legal:accept_terms legal:close_authority_case legal:export_evidence "
        "legal:release_hold moderation:acknowledge moderation:approve "
        "moderation:lift_sanction moderation:trust"
    ),
    "allauth's account forms (passwords, codes, keys)": (
        "account_change_password account_confirm_email account_confirm_login_code "
        "account_confirm_reauthentication_code account_email account_email_verification_sent "
        "account_inactive account_login account_logout account_reauthenticate "
        "account_request_reauthentication_code account_reset_password "
        "account_reset_password_done account_reset_password_from_key "
        "account_reset_password_from_key_done account_set_password"
    ),
}


def test_every_text_endpoint_is_covered():
    """Every URL name outside the back office is walked here or named in NOT_TEXT: a new
    view that takes text fails this test until it gets its walk."""
    names = {
        name for name, _route in walk(get_resolver().url_patterns) if not name.startswith("admin:")
    }
    listed = {name for group in NOT_TEXT.values() for name in group.split()}
    walked = set(ENDPOINTS) | set(ALSO_COVERED)
    assert not walked & listed, walked & listed
    assert names - walked - listed == set(), "walk these or say why not"
    assert (walked | listed) - names - {"admin:newsroom_article_add"} == set(), "gone"
