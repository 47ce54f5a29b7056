"""Django's database sessions, loaded with a prepared query.

Every request of a logged-in reader loads the session first; Django's store builds that
query through the ORM each time, which costs about as much as the rest of a cached page. The
stored rows, the cookie, expiry and every write are Django's own (settings.SESSION_ENGINE).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone

from newsdesk.core.prepared import get_by_pk


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        session = get_by_pk(self.model, key) if key is not None else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
