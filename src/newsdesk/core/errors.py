"""The one refusal every action raises, and how pages and APIs turn it into an answer.

An action (``do_<verb>_<noun>`` in an app's ``actions.py``) that says no raises
:class:`ActionRefused` with a stable ``code`` (for API clients and tests), a reader-facing
``message`` (already translated) and the HTTP ``status`` an API answers with. It subclasses
Django's ``ValidationError`` so that forms and the back office, which already show a
``ValidationError`` as a message next to the form, show a refusal the same way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import JsonResponse


class ActionRefused(ValidationError):
    """An action said no.

    ``code``: stable identifier such as ``"not_published"``; ``message``: translated text for
    the person who asked; ``status``: HTTP status for APIs (400 unless said otherwise);
    ``retry_after``: seconds after which asking again can succeed (rate limits), or None.
    """

    def __init__(
        self, code: str, message: str, *, status: int = 400, retry_after: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.code: str = code
        self.message: str = message
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, status={self.status})"


def refusal_response(refused: ActionRefused) -> JsonResponse:
    """The JSON answer of an API to a refusal: ``{"error": code, "message": text}`` with the
    refusal's status, and ``Retry-After`` (seconds) when it has one."""
    response = JsonResponse({"error": refused.code, "message": refused.message})
    response.status_code = refused.status
    if refused.retry_after is not None:
        response["Retry-After"] = str(refused.retry_after)
    return response
