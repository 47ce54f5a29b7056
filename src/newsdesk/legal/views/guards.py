"""The one guard of the legal team's pages: the part must run (else 404 for everyone), then
moderators and admins pass, anonymous visitors go to the login page, everyone else gets 403
(moderation's ``moderators_only``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from newsdesk.legal import parts
from newsdesk.moderation.views import moderators_only

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def team_only(part: str) -> Callable[[View[P]], View[P]]:
    """A page of the community team: 404 while ``part`` is switched off (for everyone), then
    moderators and admins only (anonymous visitors to the login, everyone else 403)."""

    def decorate(view: View[P]) -> View[P]:
        guarded = moderators_only(view)

        @functools.wraps(view)
        def checked(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            parts.require(part)
            return guarded(request, *args, **kwargs)

        return checked

    return decorate
