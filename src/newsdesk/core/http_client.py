"""Outgoing HTTP for every app: httpx clients with explicit timeouts, and size-capped fetches.

Everything newsdesk fetches from elsewhere (import sources and their pictures, translation
services, translation models) goes through here, so that each request has a timeout, says who
is asking (``User-Agent: newsdesk/<version>``) and fails with one exception type whose message
names the URL and says whether trying again later could help.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from newsdesk import __version__

USER_AGENT = f"newsdesk/{__version__}"
# As many redirects as urllib follows; a longer chain is a loop or a misconfigured server.
MAX_REDIRECTS = 10
SCHEMES = ("http", "https")


class FetchError(Exception):
    """A URL could not be fetched.

    ``url``: the URL asked for. ``reason``: what went wrong, without the URL (for a server's
    refusal: its reason phrase, e.g. "Not Found"). ``status``: the HTTP status of a refusal,
    else None. ``timed_out``: the server did not answer in time. ``retryable``: the same request
    may succeed later (timeouts, broken connections, 408, 425, 429 and 5xx answers).
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        retryable: bool,
        status: int | None = None,
        timed_out: bool = False,
    ) -> None:
        self.url = url
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.timed_out = timed_out
        super().__init__(f"{url}: {self.problem}")

    @property
    def problem(self) -> str:
        """What went wrong and whether a retry helps, without the URL (for messages that name
        it already): "HTTP 404 (Not Found); trying again will not help"."""
        what = f"HTTP {self.status} ({self.reason})" if self.status is not None else self.reason
        hint = "trying again later may help" if self.retryable else "trying again will not help"
        return f"{what}; {hint}"


class ResponseTooLarge(FetchError):
    """The answer's body is longer than ``max_bytes`` (said by its Content-Length, or found
    while it streamed in; nothing more is read then)."""

    def __init__(self, url: str, max_bytes: int) -> None:
        super().__init__(url, f"the answer is larger than {max_bytes} bytes", retryable=False)
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) answer, read completely."""

    status: int
    url: str  # where the body came from: the URL asked for, or where its redirects led
    content_type: str  # the Content-Type header as sent ("" when there is none)
    body: bytes


def client(
    *,
    timeout: float,
    connect_timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
    follow_redirects: bool = True,
    max_redirects: int = MAX_REDIRECTS,
) -> httpx.Client:
    """An httpx client for newsdesk's requests; use it as a context manager, or close it.

    ``timeout``: seconds to wait for the server at each step (sending, each read of the answer,
    a free connection of the pool); ``connect_timeout``: seconds to wait for a connection
    (``timeout`` when None). ``headers`` are added to the User-Agent ``newsdesk/<version>``
    (and may replace it). Redirects are followed up to ``max_redirects`` unless
    ``follow_redirects`` is False. ValueError when a timeout is not positive.
    """
    if timeout <= 0 or (connect_timeout is not None and connect_timeout <= 0):
        raise ValueError("HTTP timeouts must be positive numbers of seconds")
    return httpx.Client(
        timeout=httpx.Timeout(
            timeout, connect=timeout if connect_timeout is None else connect_timeout
        ),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
    )


def check_url(url: str) -> None:
    """FetchError (not retryable) unless ``url`` is an http or https URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"{parts.scheme}:" if parts.scheme else "none"
        raise FetchError(
            url, f"only http and https URLs can be fetched (scheme: {scheme})", retryable=False
        )
    if not parts.hostname:
        raise FetchError(url, "the URL names no host", retryable=False)


def status_error(response: httpx.Response, url: str) -> FetchError:
    """The FetchError for a server's non-2xx ``response`` to ``url``."""
    status = response.status_code
    return FetchError(
        url,
        response.reason_phrase or "no reason given",
        retryable=status in (408, 425, 429) or status >= 500,
        status=status,
    )


def fetch_error(exc: Exception, url: str, *, timeout: float) -> FetchError:
    """The FetchError for an httpx exception raised while fetching ``url`` with ``timeout``."""
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(
            url, f"no answer within {timeout:g} seconds", retryable=True, timed_out=True
        )
    if isinstance(exc, httpx.TooManyRedirects):
        return FetchError(url, "too many redirects (a loop?)", retryable=False)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError(url, f"redirected to a URL that is not http(s): {exc}", retryable=False)
    if isinstance(exc, httpx.HTTPStatusError):
        return status_error(exc.response, url)
    if isinstance(exc, httpx.ConnectError):
        return FetchError(url, f"cannot connect ({exc})", retryable=True)
    if isinstance(exc, httpx.DecodingError):
        return FetchError(url, f"the answer cannot be decoded ({exc})", retryable=False)
    if isinstance(exc, httpx.TransportError):
        return FetchError(url, f"the connection broke ({exc})", retryable=True)
    return FetchError(url, f"{exc.__class__.__name__}: {exc}", retryable=False)


def fetch_bytes(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    connect_timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchResult:
    """GET ``url`` (http or https), following up to ``max_redirects`` redirects, and read its
    body of at most ``max_bytes`` bytes (after any Content-Encoding is undone).

    Timeouts as for ``client``. Raises ``ResponseTooLarge`` past ``max_bytes`` and
    ``FetchError`` for anything else: another scheme, a non-2xx answer (``status`` set), no
    answer in time, no connection, too many redirects.
    """
    check_url(url)
    try:
        with (
            client(
                timeout=timeout,
                connect_timeout=connect_timeout,
                headers=headers,
                max_redirects=max_redirects,
            ) as session,
            session.stream("GET", url) as response,
        ):
            if not response.is_success:
                raise status_error(response, url)
            return FetchResult(
                status=response.status_code,
                url=str(response.url),
                content_type=response.headers.get("content-type", ""),
                body=_read_capped(response, url, max_bytes),
            )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise fetch_error(exc, url, timeout=timeout) from exc


def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(url, max_bytes)
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise ResponseTooLarge(url, max_bytes)
    return bytes(body)
