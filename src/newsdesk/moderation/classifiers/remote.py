"""Classifiers that are not built in: a scoring service over HTTP, and Detoxify's
transformer models (installed only with the ``detoxify`` extra). Both are loaded only when
configured (``NEWSDESK_MODERATION_CLASSIFIER``)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from typing import Any

import httpx

from newsdesk.core import http_client
from newsdesk.moderation.classifiers.base import Classifier, ClassifierError


class HttpClassifier(Classifier):
    """Scores texts with a service over HTTP (for example a team's own model server).

    The service receives ``POST url`` with the JSON ``{"texts": [...], "language": "de"}``
    (an ``Authorization: Bearer`` header when ``api_key`` is set) and answers
    ``{"scores": [...]}``: one number in [0, 1] per text, in order, and optionally
    ``"model"`` and ``"version"`` for provenance. ``timeout``: seconds per request.
    Raises ClassifierError, retryable for timeouts, lost connections, 429 and 5xx answers.
    """

    name = "http"

    def __init__(
        self,
        *,
        url: str,
        api_key: str = "",
        timeout: float = 5.0,
        threshold: float = 0.5,
        languages: Sequence[str] = (),
        language: str = "",
    ) -> None:
        try:
            http_client.check_url(url)
        except http_client.FetchError as exc:
            raise ClassifierError(f"classifier service: {exc}") from None
        if not 0 <= threshold <= 1:
            raise ClassifierError("classifier service: threshold must be between 0 and 1")
        self.url = url
        self.threshold = threshold
        self.languages = tuple(languages)
        self.language = language
        self.timeout = float(timeout)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = http_client.client(
            timeout=self.timeout, headers=headers, follow_redirects=False
        )
        self.version = ""

    def score(self, texts: Sequence[str]) -> list[float]:
        if isinstance(texts, str):
            raise ClassifierError("score() takes a sequence of texts, not one string")
        if not texts:
            return []
        try:
            response = self._client.post(
                self.url, json={"texts": list(texts), "language": self.language}
            )
            if response.status_code >= 300:
                raise http_client.status_error(response, self.url)
            data = response.json()
        except (httpx.HTTPError, http_client.FetchError) as exc:
            error = http_client.fetch_error(exc, self.url, timeout=self.timeout)
            raise ClassifierError(
                f"classifier service: {error}", retryable=error.retryable
            ) from None
        except json.JSONDecodeError:
            raise ClassifierError(f"classifier service {self.url}: the answer is no JSON") from None
        return self._scores(data, len(texts))

    def _scores(self, data: Any, count: int) -> list[float]:
        scores = data.get("scores") if isinstance(data, dict) else None
        if not isinstance(scores, list) or len(scores) != count:
            raise ClassifierError(
                f'classifier service {self.url}: expected {{"scores": [...]}} with {count} numbers'
            )
        values = []
        for value in scores:
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ClassifierError(
                    f"classifier service {self.url}: a score is not a number in [0, 1]: {value!r}"
                )
            values.append(float(value))
        if isinstance(data.get("model"), str):
            self.name = f"http:{data['model']}"[:100]
        if isinstance(data.get("version"), str):
            self.version = data["version"][:100]
        return values


# The languages of Detoxify's checkpoints (its README).
DETOXIFY_LANGUAGES = {
    "original": ("en",),
    "unbiased": ("en",),
    "multilingual": ("en", "fr", "es", "it", "pt", "tr", "ru"),
}


class DetoxifyClassifier(Classifier):
    """Detoxify's transformer models (``pip install 'newsdesk[detoxify]'``): ``model`` is
    ``original``, ``unbiased`` or ``multilingual``, ``attribute`` the score used
    (``toxicity`` by default). The weights are downloaded by Detoxify on first use (or found
    in its cache). Raises ClassifierError when Detoxify is not installed or fails."""

    name = "detoxify"

    def __init__(
        self,
        *,
        model: str = "multilingual",
        attribute: str = "toxicity",
        device: str = "cpu",
        threshold: float = 0.5,
    ) -> None:
        if model not in DETOXIFY_LANGUAGES:
            raise ClassifierError(f"Detoxify model {model!r}: use {', '.join(DETOXIFY_LANGUAGES)}")
        try:
            detoxify = importlib.import_module("detoxify")
        except ImportError:
            raise ClassifierError(
                "Detoxify is not installed: pip install 'newsdesk[detoxify]' "
                "(or configure another classifier)"
            ) from None
        try:
            self._model = detoxify.Detoxify(model, device=device)
        except Exception as exc:  # its own download and loading errors
            raise ClassifierError(f"Detoxify {model!r} cannot be loaded: {exc}") from None
        self.attribute = attribute
        self.threshold = threshold
        self.languages = DETOXIFY_LANGUAGES[model]
        self.version = f"{model}@{getattr(detoxify, '__version__', '?')}"

    def score(self, texts: Sequence[str]) -> list[float]:
        if isinstance(texts, str):
            raise ClassifierError("score() takes a sequence of texts, not one string")
        if not texts:
            return []
        try:
            predictions = self._model.predict(list(texts))
        except Exception as exc:
            raise ClassifierError(f"Detoxify failed: {exc}", retryable=True) from None
        values = predictions.get(self.attribute) if isinstance(predictions, dict) else None
        if values is None or len(values) != len(texts):
            raise ClassifierError(f"Detoxify gave no {self.attribute!r} score per text")
        return [min(1.0, max(0.0, float(value))) for value in values]
