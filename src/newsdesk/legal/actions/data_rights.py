"""The reader's data rights as actions: the export of everything the site holds about them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal.data_rights import collect_reader_data


def do_export_reader_data(user: User, *, acting_user: Actor) -> dict[str, Any]:
    """All of ``user``'s data (``collect_reader_data``) for the reader themselves; records
    DATA_EXPORTED (sections and counts, not the data).

    Refusals: ``forbidden`` (403) for anyone but the reader.
    """
    actor = person(acting_user)
    if actor is None or actor.pk != user.pk:
        raise ActionRefused("forbidden", _("You can only download your own data."), status=403)
    with transaction.atomic():
        data = collect_reader_data(user)
        record_event(
            EventType.DATA_EXPORTED,
            actor=actor,
            # By number: the trail keeps no name of an account that may be erased later.
            new={
                "account": user.pk,
                **{key: len(value) for key, value in data.items() if isinstance(value, list)},
            },
        )
    return data
