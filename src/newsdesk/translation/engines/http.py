"""Engines that call a translation service: DeepL, a LibreTranslate server, or an
OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp server...).

All share explicit timeouts, a few retries with exponential backoff on connection errors,
429 and 5xx answers (honouring Retry-After), and errors that say which service failed how.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from itertools import permutations
from typing import Any

import httpx

from newsdesk.core import http_client as core_http
from newsdesk.translation.engines import EngineError, EngineUnavailable, TranslationEngine

DEFAULT_LANGUAGES = ["de", "en", "fr", "it", "es", "nl", "pl", "cs", "hu", "sl", "hr", "tr", "uk"]
_PLACEHOLDER = re.compile(r"(</?x\d+/?>)")


class HttpEngine(TranslationEngine):
    name = "http"
    service = "the translation service"

    def __init__(
        self,
        url: str = "",
        api_key: str = "",
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        languages: list[str] | None = None,
        max_retry_after: float = 30.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.languages = list(languages or DEFAULT_LANGUAGES)
        # No redirects: an API that moved is a configuration error, reported as its answer.
        self._client = core_http.client(
            timeout=timeout, connect_timeout=min(timeout, 10.0), follow_redirects=False
        )

    def language_pairs(self) -> set[tuple[str, str]]:
        return set(permutations(self.languages, 2))

    def model_version(self, source: str, target: str) -> str:
        return f"{self.name}:{self.url}"

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send with retries; returns a 2xx response or raises EngineError."""
        url = f"{self.url}{path}"
        last_problem = ""
        wait = 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(wait)
            wait = self.backoff * (2**attempt)
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.TimeoutException:
                last_problem = f"no answer within {self.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last_problem = f"cannot connect ({exc.__class__.__name__}: {exc})"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last_problem = f"HTTP {response.status_code}: {_short(response)}"
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    wait = min(float(retry_after), self.max_retry_after)
                continue
            if response.status_code in (401, 403):
                raise EngineError(
                    f"{self.service} at {self.url} refused the API key "
                    f"(HTTP {response.status_code}: {_short(response)})"
                )
            if response.status_code >= 400:
                raise EngineError(
                    f"{self.service} at {self.url} rejected the request "
                    f"(HTTP {response.status_code}: {_short(response)})"
                )
            return response
        raise EngineUnavailable(
            f"{self.service} at {self.url} failed after {self.retries + 1} attempts: {last_problem}"
        )

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise EngineError(
                f"{self.service} at {self.url} did not answer JSON: {_short(response)}"
            ) from None

    def _check_count(self, outputs: Any, segments: list[str]) -> list[str]:
        if (
            not isinstance(outputs, list)
            or len(outputs) != len(segments)
            or not all(isinstance(o, str) for o in outputs)
        ):
            raise EngineError(
                f"{self.service} at {self.url} answered "
                f"{len(outputs) if isinstance(outputs, list) else 'no'} "
                f"translations for {len(segments)} segments"
            )
        return outputs


def _short(response: httpx.Response) -> str:
    return response.text[:200].strip() or response.reason_phrase


class DeepLEngine(HttpEngine):
    """DeepL's API (v2). Placeholders go as XML tags with tag_handling=xml."""

    name = "deepl"
    service = "DeepL"

    def __init__(self, url: str = "", api_key: str = "", **options: Any) -> None:
        if not api_key:
            raise EngineError("DeepL needs an API key (NEWSDESK_MT_API_KEY)")
        if not url:
            url = (
                "https://api-free.deepl.com" if api_key.endswith(":fx") else "https://api.deepl.com"
            )
        super().__init__(url=url, api_key=api_key, **options)

    @staticmethod
    def _target_code(code: str) -> str:
        return {"en": "EN-GB", "pt": "PT-PT"}.get(code, code.upper())

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        self.check_pair(source, target)
        if not segments:
            return []
        # XML mode: the text between placeholders must be escaped, and is unescaped after.
        texts = [
            "".join(
                part if _PLACEHOLDER.fullmatch(part) else html.escape(part, quote=False)
                for part in _PLACEHOLDER.split(segment)
            )
            for segment in segments
        ]
        response = self._request(
            "POST",
            "/v2/translate",
            headers={"Authorization": f"DeepL-Auth-Key {self.api_key}"},
            json={
                "text": texts,
                "source_lang": source.upper(),
                "target_lang": self._target_code(target),
                "tag_handling": "xml",
                "preserve_formatting": True,
            },
        )
        data = self._json(response)
        try:
            outputs = [item["text"] for item in data["translations"]]
        except (KeyError, TypeError):
            raise EngineError(f"DeepL answered without translations: {str(data)[:200]}") from None
        return [html.unescape(o) for o in self._check_count(outputs, segments)]

    def model_version(self, source: str, target: str) -> str:
        return "deepl:v2"


class LibreTranslateEngine(HttpEngine):
    """Any LibreTranslate server; its /languages says which pairs it has."""

    name = "libretranslate"
    service = "LibreTranslate"

    def __init__(self, url: str = "", **options: Any) -> None:
        if not url:
            raise EngineError("LibreTranslate needs the server's URL (NEWSDESK_MT_URL)")
        super().__init__(url=url, **options)
        self._pairs: set[tuple[str, str]] | None = None
        self._pairs_lock = threading.Lock()

    def language_pairs(self) -> set[tuple[str, str]]:
        with self._pairs_lock:
            if self._pairs is None:
                data = self._json(self._request("GET", "/languages"))
                try:
                    self._pairs = {
                        (entry["code"], target)
                        for entry in data
                        for target in entry.get("targets", [])
                        if target != entry["code"]
                    }
                except (KeyError, TypeError):
                    raise EngineError(
                        f"LibreTranslate at {self.url} sent an unexpected /languages answer"
                    ) from None
            return self._pairs

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        self.check_pair(source, target)
        if not segments:
            return []
        data = self._json(
            self._request("POST", "/translate", json=self._body(segments, source, target))
        )
        if not isinstance(data, dict) or "translatedText" not in data:
            raise EngineError(f"LibreTranslate answered without translatedText: {str(data)[:200]}")
        return self._check_count(data["translatedText"], segments)

    def _body(self, segments: list[str], source: str, target: str) -> dict[str, Any]:
        body: dict[str, Any] = {"q": segments, "source": source, "target": target, "format": "text"}
        if self.api_key:
            body["api_key"] = self.api_key
        return body

    def translate_alternatives(
        self, segments: list[str], source: str, target: str, count: int
    ) -> list[list[str]]:
        """The server's ``alternatives`` (LibreTranslate 1.6 and later give them; an older
        server leaves them out, and then there are none)."""
        self.check_pair(source, target)
        if not segments or count < 1:
            return [[] for _segment in segments]
        body = {**self._body(segments, source, target), "alternatives": count}
        data = self._json(self._request("POST", "/translate", json=body))
        if not isinstance(data, dict) or "alternatives" not in data:
            return [[] for _segment in segments]
        found = data["alternatives"]
        if (
            not isinstance(found, list)
            or len(found) != len(segments)
            or not all(
                isinstance(item, list) and all(isinstance(text, str) for text in item)
                for item in found
            )
        ):
            raise EngineError(
                f"LibreTranslate at {self.url} answered alternatives that are not one list "
                f"of strings per segment: {str(found)[:200]}"
            )
        return [item[:count] for item in found]


# The prompt is part of the documented behaviour (docs/translation.md): change both together.
SYSTEM_PROMPT = (
    "You are a professional news translator. Translate each string of the JSON array the "
    "user sends from {source} to {target}. Keep the meaning, tone and every number exactly. "
    "Keep every tag like <x1>, </x1> or <x2/> unchanged, around the words that correspond to "
    "the ones it surrounds in the source. Do not add explanations. Answer with a JSON array of "
    "strings only, with exactly one translation per input string, in the same order."
)


class OpenAIChatEngine(HttpEngine):
    """An OpenAI-compatible /chat/completions endpoint (Ollama, vLLM...), temperature 0."""

    name = "openai"
    service = "the chat-completions endpoint"

    def __init__(self, url: str = "", model: str = "", **options: Any) -> None:
        if not url or not model:
            raise EngineError(
                "the OpenAI-compatible engine needs NEWSDESK_MT_URL (e.g. "
                "http://127.0.0.1:11434/v1) and NEWSDESK_MT_MODEL"
            )
        super().__init__(url=url, **options)
        self.model = model

    def model_version(self, source: str, target: str) -> str:
        return f"openai:{self.model}"

    def _complete(self, segments: list[str], source: str, target: str) -> Any:
        from django.conf import settings

        names = settings.KNOWN_LANGUAGES
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        response = self._request(
            "POST",
            "/chat/completions",
            headers=headers,
            json={
                "model": self.model,
                "temperature": 0,
                "messages": [
                    {
                        "role": "system",
                        "content": SYSTEM_PROMPT.format(
                            source=names.get(source, source), target=names.get(target, target)
                        ),
                    },
                    {"role": "user", "content": json.dumps(segments, ensure_ascii=False)},
                ],
            },
        )
        data = self._json(response)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise EngineError(
                f"the chat-completions endpoint answered without a message: {str(data)[:200]}"
            ) from None
        match = re.search(r"\[.*\]", content or "", re.S)
        try:
            return json.loads(match.group(0)) if match else None
        except ValueError:
            return None

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        self.check_pair(source, target)
        if not segments:
            return []
        outputs = self._complete(segments, source, target)
        if (
            isinstance(outputs, list)
            and len(outputs) == len(segments)
            and all(isinstance(o, str) for o in outputs)
        ):
            return outputs
        # Models sometimes merge or split items of a batch: then one request per segment.
        single = []
        for segment in segments:
            answer = self._complete([segment], source, target)
            single.extend(self._check_count(answer, [segment]))
        return single
