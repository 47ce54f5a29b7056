"""Post-editing, approving and re-translating an edition each leave their audit row."""

from __future__ import annotations

import pytest

from newsdesk.core.audit import EventType, trail_of
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent
from newsdesk.editions import actions as edition_actions
from newsdesk.editions import workflow
from newsdesk.editions.models import Edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(engine, publish, committed):
    article = publish(headline="Die Stadt baut", slug="stadt-baut")
    edition = Edition.objects.get(article=article)
    committed(workflow.run_translation, edition.pk)
    edition.refresh_from_db()
    return edition


def test_post_editing_records_old_and_new_text_of_each_segment(edition, users, committed):
    segment = [s for s in edition.segments.order_by("position") if s.translatable][0]
    committed(
        edition_actions.do_post_edit_edition,
        edition,
        corrections={segment.pk: "The town builds"},
        acting_user=users["editor"],
    )
    event = trail_of(edition).get(event_type=EventType.EDITION_POST_EDITED)
    assert event.actor == users["editor"]
    assert event.old_value == {"segments": {str(segment.pk): ""}}
    assert event.new_value == {"segments": {str(segment.pk): "The town builds"}}


def test_approving_records_the_change_of_state(edition, users, committed):
    old_state = edition.state
    committed(edition_actions.do_approve_edition, edition, acting_user=users["admin"])
    event = trail_of(edition).get(event_type=EventType.EDITION_APPROVED)
    assert event.actor == users["admin"]
    assert event.old_value == {"state": old_state}
    assert event.new_value["state"] == Edition.State.REVIEWED


def test_retranslation_is_recorded_and_a_refusal_records_nothing(edition, users, committed):
    committed(edition_actions.do_retranslate_edition, edition, acting_user=users["editor"])
    event = trail_of(edition).get(event_type=EventType.EDITION_RETRANSLATION_REQUESTED)
    assert event.new_value["queued"] is True
    before = AuditEvent.objects.count()
    with pytest.raises(ActionRefused) as refused:
        edition_actions.do_post_edit_edition(
            edition, corrections={999999: "x"}, acting_user=users["editor"]
        )
    assert refused.value.code == "unknown_segments"
    assert AuditEvent.objects.count() == before
