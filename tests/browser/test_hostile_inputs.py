"""The hostile-input corpus rendered in Chromium (issue 14): what the site accepted from it
(comments, a display name, a notice, a partner page's title, an article's headline) is shown
on every page that shows it, and nothing runs.

A trap is installed in every frame before the site's own scripts: ``window.__pwned`` (which
every script-bearing payload sets) is watched, and ``alert``/``confirm``/``prompt`` set it;
dialogs are recorded too. Content Security Policy violations are collected and reported: a
payload that only the CSP stopped was not escaped, so there must be none. The DOM is also
searched for anything a payload would have added (event-handler attributes, ``javascript:``
links, ``srcdoc`` frames, scripts naming the trap).

Run alone: ``env -u DATABASE_URL .venv/bin/pytest -q -p no:randomly -m browser
tests/browser/test_hostile_inputs.py`` (about a minute).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.test import Client

from newsdesk.community import actions
from newsdesk.community.models import ClosedPeriod, Comment
from newsdesk.core import clock
from newsdesk.newsroom.testing import make_article
from tests.hostile import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIENNA = ZoneInfo("Europe/Vienna")

TRAP_SCRIPT = """
(() => {
  const report = (how) => { try { window.top.__pwned_by = how; } catch (e) {} };
  window.__hostile = {dialogs: [], csp: []};
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { window.__pwned = name + ":" + args.join(","); report(name); };
  }
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__hostile.csp.push([event.violatedDirective, event.blockedURI,
                               (event.sample || "").slice(0, 80)].join(" "));
  }, true);
})();
"""

# What a payload would have put into the page, if it had got through as markup.
FOOTPRINTS = """() => {
  const found = [];
  const handlers = ["onerror", "onload", "onmouseover", "onfocus", "ontoggle", "onbegin",
                    "onstart", "onclick"];
  for (const element of document.querySelectorAll("*")) {
    for (const name of handlers) {
      if (element.hasAttribute(name) && (element.getAttribute(name) || "").includes("pwned"))
        found.push(element.tagName + "[" + name + "]");
    }
    for (const name of ["href", "src", "action", "data", "formaction"]) {
      const value = (element.getAttribute(name) || "").replace(/\\s/g, "").toLowerCase();
      if (value.startsWith("javascript:") || value.startsWith("vbscript:")
          || value.startsWith("data:text/html"))
        found.push(element.tagName + "[" + name + "=" + value.slice(0, 40) + "]");
    }
    if (element.hasAttribute("srcdoc")) found.push(element.tagName + "[srcdoc]");
  }
  for (const script of document.scripts) {
    if (script.type === "application/ld+json") {
      // Data, not code, as long as it stays one intact JSON document (a "</script>" in a
      // headline would cut it and start a script of its own, caught below).
      try { JSON.parse(script.textContent); } catch (e) { found.push("ld+json cut"); }
      continue;
    }
    if ((script.textContent || "").includes("__pwned") || (script.src || "").includes("pwned"))
      found.push("script:" + (script.textContent || script.src).slice(0, 40));
  }
  return found;
}"""


def script_payloads() -> list[str]:
    return [text for kind in corpus.SCRIPT_KINDS for text in corpus.TEXTS[kind]]


def chunks(texts: list[str], limit: int) -> list[str]:
    """The payloads joined into texts of at most ``limit`` characters (blank-line apart)."""
    out: list[str] = []
    current = ""
    for text in texts:
        if current and len(current) + len(text) + 2 > limit:
            out.append(current)
            current = ""
        current = f"{current}\n\n{text}" if current else text
    return [*out, current] if current else out


@pytest.fixture(autouse=True)
def open_hours(settings):
    ClosedPeriod.objects.get_or_create(weekday=None, starts=dt.time(0), ends=dt.time(6))
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 1000
    settings.COMMUNITY_IP_PER_MINUTE = 0
    settings.COMMUNITY_ALLOWED_ORIGINS = ["https://partner.example"]
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA))
    yield
    clock.set_now(None)


def sign_in(page: Any, base: str, user: Any) -> None:
    """The browser context gets a session of ``user`` (made by the test client)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def visit(page: Any, url: str, dialogs: list[str]) -> list[str]:
    """Open ``url``, let errors and focus events fire, and return what went wrong."""
    response = page.goto(url)
    assert response is not None and response.status < 500, (url, response and response.status)
    page.wait_for_load_state("load")
    page.mouse.move(200, 200)
    page.mouse.move(600, 500)
    page.wait_for_timeout(250)
    problems: list[str] = []
    for frame in page.frames:
        try:
            state = frame.evaluate("() => [window.__pwned, window.__hostile]")
            footprints = frame.evaluate(FOOTPRINTS)
        except Exception as error:  # a frame navigated away meanwhile  # noqa: BLE001
            problems.append(f"{frame.url}: not readable ({error})")
            continue
        pwned, hostile = state
        if pwned is not None:
            problems.append(f"{frame.url}: __pwned = {pwned!r}")
        if hostile is None:
            problems.append(f"{frame.url}: the trap was not installed")
        elif hostile["csp"]:
            problems.append(f"{frame.url}: CSP violations {hostile['csp']}")
        if footprints:
            problems.append(f"{frame.url}: payload markup in the DOM {footprints[:5]}")
    problems.extend(f"{url}: dialog {text}" for text in dialogs)
    dialogs.clear()
    return problems


def test_nothing_hostile_runs_on_any_page_that_shows_it(live_server, page, users):
    from newsdesk.legal import notices
    from newsdesk.legal.actions import notices as notice_actions
    from newsdesk.legal.tdb import Category
    from newsdesk.moderation.models import Case

    base = live_server.url
    payloads = script_payloads()
    article = make_article(
        headline="<script>__pwned='headline'</script> Budget",
        lead="<img src=x onerror=__pwned='lead'> Der Gemeinderat hat beschlossen.",
    )
    reader = Client()
    reader.force_login(users["reader"])

    # The reader's comments through the API, every payload in one of them.
    accepted: list[int] = []
    refused: dict[int, int] = {}
    for text in chunks(payloads, 600):
        response = reader.post(
            "/api/community/comments",
            json.dumps({"article": article.pk, "text": text}),
            content_type="application/json",
        )
        if response.status_code == 201:
            accepted.append(response.json()["id"])
        else:
            refused[response.status_code] = refused.get(response.status_code, 0) + 1
    assert accepted, refused
    # Some of them wait for a moderator, so that the workspace shows them.
    for comment in Comment.objects.filter(pk__in=accepted[1::3]):
        Case.objects.get_or_create(
            comment=comment, defaults={"queue": "pending", "created_at": clock.now()}
        )

    # A display name: the first payload the settings form accepts.
    named = ""
    for text in payloads:
        response = reader.post("/de/community/settings/", {"display_name": text[:40]})
        if response.status_code == 302:
            named = text[:40]
            break

    # A partner page's discussion whose title is a payload (the widget shows the title).
    conversation = actions.conversation_for_url(
        "https://partner.example/seite", title="<svg onload=__pwned='title'>"
    )
    actions.do_post_comment(conversation, text_value=payloads[0], acting_user=users["reader"])

    # The reader's notice about a comment, with payloads in its name and explanation.
    notice = notice_actions.do_submit_notice(
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        explanation="\n".join(payloads[:12]) + " Das verstößt gegen die Regeln.",
        location=notices.comment_address(Comment.objects.get(pk=accepted[0])),
        notifier_name="<img src=x onerror=__pwned='notifier'>",
        notifier_email=users["reader"].email,
        good_faith=True,
        language="de",
        acting_user=users["reader"],
    )

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(corpus_trap())
    problems: list[str] = []
    shown = [
        article.get_absolute_url(),
        f"/de/community/comments/{accepted[0]}/",
        f"/de/community/comments/{accepted[-1]}/",
        f"/de/community/conversations/{conversation.pk}/",
        "/community/embed/?url=https://partner.example/seite&lang=de",
        notices.status_address(notice).split("://", 1)[1].split("/", 1)[1].join(["/", ""]),
        "/de/community/settings/",
    ]
    # The trap itself works: the same markup given to the page as markup springs it.
    page.goto("about:blank")
    page.set_content("<svg onload=alert(2)></svg><img src=x onerror=__pwned=1>")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is not None
    assert page.evaluate("() => window.__hostile.csp") == []

    sign_in(page, base, users["reader"])
    page.goto(base + article.get_absolute_url())
    # The payloads are on the page, as text.
    assert "<script>__pwned=1</script>" in page.locator("body").inner_text()
    for path in shown:
        problems += visit(page, base + path, dialogs)
    sign_in(page, base, users["moderator"])
    for path in (
        "/de/moderation/queues/pending/",
        f"/de/moderation/comments/{accepted[0]}/",
        f"/de/moderation/readers/{users['reader'].pk}/",
        f"/de/legal/team/notices/{notice.reference}/",
    ):
        problems += visit(page, base + path, dialogs)
    print(
        f"hostile pages: {len(shown) + 4} opened, {len(accepted)} comments accepted "
        f"({len(payloads)} payloads), refused {refused}, display name {named!r}"
    )
    assert not problems, "\n".join(problems)


def corpus_trap() -> str:
    return TRAP_SCRIPT
