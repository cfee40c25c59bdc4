"""One HTTP session for a ModelArtsClient: wire format, call records, error mapping, GET retries
(failures without session state: ``tui.api.failures``; what is resent: ``tui.api.retry``).

* The query is the signer's canonical query string, put on the URL as is (never httpx
  ``params=``, which writes a space as ``+``); a JSON body is serialised once, to the bytes that
  are both signed and sent.
* Every request that goes on the wire, each attempt, the IAM token requests and the resend after
  a 401 included, produces exactly one ``ApiCall`` (already redacted) through ``on_call``: the
  httpx event hooks see every request, even those an auth flow yields, and a transport failure is
  recorded where it is caught.
* httpx exceptions never leave this module: they become the typed errors of ``tui.core.errors``
  naming the endpoint (host and path).
* Every request has a total deadline (connect, send and the whole body, auth flow included) and
  a cap on its decoded body (``Limits``): a server that drips one byte at a time or answers with
  a gzip bomb gets a RequestTimeoutError or a ResponseError, not hours or gigabytes.
* Only calls marked ``retry=True`` (GETs) are retried: on 429 (honouring ``Retry-After``, capped),
  502, 503, 504 and dropped connections, with exponential backoff and an injectable ``sleep``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from tui.api import signer
from tui.api.auth import EXT_TOKEN_REFRESHED, AkSkAuth
from tui.api.constants import H_REQUEST_ID, USER_AGENT
from tui.api.failures import (
    SIGNATURE_REFUSALS,
    endpoint_of,
    request_of,
    transport_error,
    unreadable_reason,
)
from tui.api.gcpause import NO_GC_BYTES, gc_paused
from tui.api.limits import read_capped, too_large
from tui.api.parse import decode_json, parse_error_body, summarize_body
from tui.api.redact import redact, redact_path
from tui.api.retry import backoff_delay, parse_retry_after, retryable
from tui.api.runtime import Clock, Runtime, Sleep
from tui.api.skew import SKEW_HINT, skew_note
from tui.api.tls import ssl_verify
from tui.core.endpoint import endpoint_problem, short
from tui.core.error_codes import UNKNOWN, describe
from tui.core.errors import (
    ModelArtsError,
    RequestTimeoutError,
    ResponseError,
    TransportError,
    ValidationError,
    api_error,
)
from tui.core.models import ApiCall
from tui.core.untrusted import shown

log = logging.getLogger(__name__)

__all__ = ["Answer", "CallSink", "Clock", "HttpSession", "Sleep"]

CallSink = Callable[[ApiCall], None]

JSON_TYPE = "application/json"
EXT_ATTEMPT = "modelarts.attempt"
EXT_AT = "modelarts.at"
EXT_STARTED = "modelarts.started"
EXT_RECORDED = "modelarts.recorded"


def _header(response: httpx.Response, name: str) -> str | None:
    """A response header as it may be shown or logged: bounded, control characters made visible."""
    value = response.headers.get(name)
    return shown(value, 200) if value is not None else None


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer: HTTP status and the decoded JSON (None for an empty body)."""

    status: int
    data: Any


class HttpSession:
    """The httpx client of one ModelArtsClient and everything around a single request."""

    def __init__(
        self,
        endpoint: str,
        auth: httpx.Auth,
        runtime: Runtime | None = None,
        *,
        on_call: CallSink | None = None,
        verify: bool | str = True,
    ) -> None:
        runtime = runtime or Runtime()
        timeout = runtime.timeout
        base = (endpoint or "").strip().rstrip("/")
        problem = endpoint_problem(base)
        if problem:
            raise ValidationError("endpoint", f"{short(endpoint or '')} {problem}")
        parts = urlsplit(base)
        if parts.query or parts.fragment:
            raise ValidationError("endpoint", "the endpoint must not carry a query or fragment")
        if timeout <= 0:
            raise ValidationError("timeout", "must be more than 0 seconds")
        self.limits = runtime.limits
        self.pages = runtime.pages
        if not 0 < self.limits.deadline_s < float("inf"):
            raise ValidationError("request_deadline", "must be a number of seconds above 0")
        if self.limits.max_body_bytes <= 0:
            raise ValidationError("max_answer_mb", "must be 1 or more")
        self.base = base
        self.timeout = float(timeout)
        self.max_retries = max(0, int(runtime.limits.get_retries))
        self._auth = auth
        self._on_call = on_call
        self._clock = runtime.clock
        self._sleep = runtime.sleep
        self.clock_skew_s: float | None = None
        self._timeout = httpx.Timeout(self.timeout)
        self._http = httpx.AsyncClient(
            auth=auth,
            timeout=self._timeout,
            transport=runtime.transport,
            verify=ssl_verify(verify),
            trust_env=True,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": JSON_TYPE},
            event_hooks={"request": [self._on_request], "response": [self._on_response]},
        )

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """True once ``aclose`` ran."""
        return self._http.is_closed

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # --- redaction ---------------------------------------------------------------------------
    def secrets(self) -> tuple[str, ...]:
        """The auth's current secret values (the IAM token changes over time)."""
        values = getattr(self._auth, "secret_values", None)
        return tuple(values()) if callable(values) else ()

    # --- wire format -------------------------------------------------------------------------
    def url(self, path: str, params: Mapping[str, object] | None = None) -> str:
        """Base + path + the canonical query: the wire query is exactly what gets signed."""
        query = signer.canonical_query(signer.query_pairs(params or {}))
        return self.base + path + ("?" + query if query else "")

    # --- records -----------------------------------------------------------------------------
    async def _on_request(self, request: httpx.Request) -> None:
        ext = dict(request.extensions)
        if ext.get(EXT_RECORDED):  # the same request object sent again (resend after a 401)
            ext[EXT_ATTEMPT] = int(ext.get(EXT_ATTEMPT, 1)) + 1
        ext.setdefault(EXT_ATTEMPT, 1)
        ext.setdefault("timeout", self._timeout.as_dict())  # requests an auth flow yields carry none
        ext[EXT_RECORDED] = False
        ext[EXT_AT] = self._clock()
        ext[EXT_STARTED] = time.perf_counter()
        request.extensions = ext

    async def _on_response(self, response: httpx.Response) -> None:
        request = response.request
        try:
            whole = await read_capped(response, self.limits.max_body_bytes)
        except Exception as exc:
            self.record_failure(
                request, transport_error(exc, endpoint_of(request), self.timeout, self.secrets())
            )
            raise
        if not whole:
            error = too_large(response, self.limits.max_body_bytes, endpoint_of(response.request))
            self._emit(
                request,
                response.status_code,
                None,
                error.message,
                _header(response, H_REQUEST_ID),
                None,
                True,
            )
            raise error
        date = _header(response, "Date")
        if date:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                self.clock_skew_s = parsedate_to_datetime(date).timestamp() - self._clock()
        code = message = None
        unreadable = False
        request_id = _header(response, H_REQUEST_ID)
        if response.status_code >= 400:
            found = parse_error_body(response.content)
            if found is None:
                message = summarize_body(response.content) or response.reason_phrase
            else:
                code = found.code or None
                message = found.message or found.title or None
                request_id = request_id or found.request_id or None
        else:
            message = unreadable_reason(response)
            unreadable = message is not None
        self._emit(request, response.status_code, code, message, request_id, date, unreadable)

    def record_failure(self, request: httpx.Request, error: ModelArtsError) -> None:
        """The record of a request that got no whole answer (once per request)."""
        if request.extensions.get(EXT_RECORDED) is False:
            self._emit(request, None, None, error.message, None, None)

    def _emit(
        self,
        request: httpx.Request,
        status: int | None,
        code: str | None,
        message: str | None,
        request_id: str | None,
        server_date: str | None,
        unreadable: bool = False,
    ) -> None:
        ext = request.extensions
        if ext.get(EXT_RECORDED) is not False:
            return
        request.extensions = {**ext, EXT_RECORDED: True}
        if self._on_call is None:
            return
        secrets = self.secrets()
        started = ext.get(EXT_STARTED)
        call = ApiCall(
            at=float(ext.get(EXT_AT, self._clock())),
            method=request.method,
            path=redact_path(request.url.raw_path.decode("ascii", "replace"), secrets),
            status=status,
            latency_ms=(time.perf_counter() - started) * 1000.0 if isinstance(started, float) else 0.0,
            error_code=code,
            request_id=request_id,
            message=shown(redact(message, secrets)) if message else None,
            host=request.url.netloc.decode("ascii", "replace"),
            attempt=int(ext.get(EXT_ATTEMPT, 1)),
            server_date=server_date,
            unreadable=unreadable,
        )
        try:
            self._on_call(call)
        except Exception:  # a broken log sink must not break the API call
            log.exception("on_call callback failed")

    # --- one request -------------------------------------------------------------------------
    def error_for(self, response: httpx.Response) -> ModelArtsError:
        """The typed error for an HTTP error answer (or an unexpected redirect)."""
        request = response.request
        endpoint = endpoint_of(request)
        status = response.status_code
        secrets = self.secrets()
        if status < 400:
            where = _header(response, "Location") or ""
            return ResponseError(
                redact(f"{endpoint}: unexpected redirect (HTTP {status}) to {where or '?'}", secrets),
                status=status,
                endpoint=endpoint,
            )
        found = parse_error_body(response.content)
        if found is None or not (found.code or found.message):
            kind = summarize_body(response.content) or "empty body"
            error = ResponseError(
                redact(f"HTTP {status} from {endpoint}, not the API's JSON error ({kind})", secrets),
                status=status,
                endpoint=endpoint,
            )
            info = describe(None, status)
            if info is not UNKNOWN:
                error.meaning, error.hint = info.meaning, info.hint
            return error
        message = found.message or found.title
        if status == 401 and request.extensions.get(EXT_TOKEN_REFRESHED):
            message += " (a freshly fetched IAM token was refused too)"
        clock = self._clock_note(status, found.code)
        if clock:
            message += f" ({clock})"
        refused = api_error(
            status,
            found.code,
            redact(message, secrets),
            request_id=_header(response, H_REQUEST_ID) or found.request_id or None,
            endpoint=endpoint,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), self._clock()),
        )
        if clock:
            refused.hint = SKEW_HINT
        return refused

    def _clock_note(self, status: int, code: str) -> str | None:
        """What to say about the clock when a signature was refused and the clock is far off."""
        prefix, _, number = code.partition(".")
        if status != 401 or prefix not in ("APIGW", "APIG") or number not in SIGNATURE_REFUSALS:
            return None
        if not isinstance(self._auth, AkSkAuth):
            return None
        return skew_note(self.clock_skew_s)

    async def send(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        body: Any = None,
        attempt: int = 1,
        parse: Callable[[Any], Any] | None = None,
        decode: Callable[..., Any] = decode_json,
    ) -> Answer:
        """One request, no retry: the decoded answer, or a typed error (recorded either way).

        ``parse`` turns the decoded JSON into what the caller keeps, right after decoding and with
        the cycle collector paused when the body is big (see ``gc_paused``); ``decode`` reads the
        body (``decode_json``, or a ``ListText`` that keeps a list's unchanged items).
        """
        if self._http.is_closed:
            raise TransportError(f"the client for {self.base} is closed")
        content = None
        if body is not None:
            content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        request = self._http.build_request(
            method,
            self.url(path, params),
            content=content,
            headers={"Content-Type": JSON_TYPE},
            extensions={EXT_ATTEMPT: attempt},
        )
        response = await self.transmit(request)
        if response.status_code >= 300:
            raise self.error_for(response)
        if response.status_code == 204 or not response.content.strip():
            return Answer(response.status_code, None if parse is None else parse(None))
        with gc_paused(len(response.content) >= NO_GC_BYTES):
            data = decode(response.content, endpoint=endpoint_of(request), status=response.status_code)
            if parse is not None:
                data = parse(data)  # the decoded JSON is freed here, before the collector runs again
        return Answer(response.status_code, data)

    async def transmit(self, request: httpx.Request, *, with_auth: bool = True) -> httpx.Response:
        """Send a built request through auth and hooks, within the deadline; failures become typed errors."""
        deadline = asyncio.timeout(self.limits.deadline_s)
        try:
            async with deadline:
                if with_auth:
                    return await self._http.send(request)
                return await self._http.send(request, auth=None)
        except ModelArtsError:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError, TimeoutError) as exc:
            failed = request_of(exc) or request
            endpoint = endpoint_of(failed)
            if deadline.expired():
                error: ModelArtsError = RequestTimeoutError(
                    f"no whole answer from {endpoint} within the request deadline of "
                    f"{self.limits.deadline_s:g}s (request_deadline)",
                    endpoint=endpoint,
                )
            else:
                error = transport_error(exc, endpoint, self.timeout, self.secrets())
            self.record_failure(failed, error)
            raise error from None

    async def call(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        body: Any = None,
        *,
        retry: bool = False,
        parse: Callable[[Any], Any] | None = None,
        decode: Callable[..., Any] = decode_json,
    ) -> Any:
        """The decoded JSON of a call (or ``parse`` of it); with ``retry`` (GETs only) retried on transient failures."""
        attempts = 1 + (self.max_retries if retry else 0)
        attempt = 1
        while True:
            try:
                return (await self.send(method, path, params, body, attempt, parse, decode)).data
            except ModelArtsError as error:
                if attempt >= attempts or not retryable(error):
                    raise
                await self._sleep(backoff_delay(attempt, error))
                attempt += 1
