"""The task queues and the one rule that assigns every background task to one of them.

Rule: a task that runs a translation engine goes to ``TRANSLATION``; every other task
(scheduled publishing, moderation, notices and their deadlines, e-mail, retention) goes to
``DEFAULT``. Translation is slow and bursty (a breaking story queues one task per language);
on its own queue it runs on its own workers (``newsdesk worker --queue translation``) and
never delays a reply e-mail or a notice's deadline behind it. ``newsdesk worker`` without
``--queue`` works on both, the default queue first.
"""

from __future__ import annotations

DEFAULT = "default"
TRANSLATION = "translation"

# In the order a worker on several queues looks at them (RQ takes the first non-empty one).
ALL = (DEFAULT, TRANSLATION)

# The TASKS backends that put tasks on Redis (``NEWSDESK_TASKS_BACKEND=rq`` is the second:
# RQ, with the tasks Redis could not take kept in the database, newsdesk.core.outbox).
RQ_BACKENDS = ("django_tasks_rq.RQBackend", "newsdesk.core.outbox.OutboxRQBackend")
