"""Credentials as ``httpx.Auth`` adapters: AK/SK signing, a pre-issued token, an IAM password.

Secrets stay in ``Secret`` values and are revealed only here, at the moment a header is set or
a request is signed. ``repr()`` of every class here shows no secret, and ``secret_values()``
tells ``api.redact`` what to mask.

* ``AkSkAuth`` signs every attempt afresh (new X-Sdk-Date) over the exact bytes sent.
* ``TokenAuth`` sets ``X-Auth-Token``.
* ``IamPasswordAuth`` fetches a project-scoped token with ``POST {iam}/v3/auth/tokens`` yielded
  from inside the auth flow (so it goes through the client's transport and call records),
  caches it until shortly before ``expires_at`` and, on a 401, fetches one fresh token and
  retries once.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable, Generator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from tui.api import signer
from tui.api.constants import H_AUTH_TOKEN, H_PROJECT_ID, H_SECURITY_TOKEN, H_SUBJECT_TOKEN, IAM_TOKENS
from tui.api.parse import as_object, epoch_ms, parse_error_body, summarize_body
from tui.api.redact import redact
from tui.core.endpoint import endpoint_problem, short
from tui.core.errors import AuthError, ModelArtsError, ResponseError, ValidationError, api_error
from tui.core.secret import Secret

Clock = Callable[[], float]

JSON_TYPE = "application/json"
IAM_JSON_TYPE = "application/json;charset=utf8"

# Not signed, as the official SDK does not sign them: a proxy may rewrite hop-by-hop headers.
_UNSIGNED = frozenset(
    {
        "host",
        "x-sdk-date",
        "authorization",
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "transfer-encoding",
    }
)

EXT_TOKEN_REFRESHED = "modelarts.token_refreshed"
"""Request extension set when a 401 made IamPasswordAuth fetch a fresh token and resend."""
EXT_IAM = "modelarts.iam"
"""Request extension marking an IAM token request."""

REFRESH_MARGIN_S = 300.0
"""A cached token is replaced this long before its ``expires_at``."""
DEFAULT_TOKEN_TTL_S = 24 * 3600.0


def _mask_ak(ak: str) -> str:
    return ak[:4] + "…" if len(ak) > 8 else "…"


def _header_safe(value: str) -> bool:
    """True for text an HTTP header can carry as is (the value itself is never shown)."""
    return value.isascii() and value.isprintable()


class AkSkAuth(httpx.Auth):
    """SDK-HMAC-SHA256 signing with an access key / secret key pair (optionally temporary)."""

    requires_request_body = True

    def __init__(
        self,
        ak: str,
        sk: Secret,
        project_id: str | None = None,
        security_token: Secret | None = None,
        clock: Clock = time.time,
    ) -> None:
        if not ak or not ak.strip():
            raise ValidationError("ak", "the access key is empty")
        if not sk:
            raise ValidationError("sk", "the secret key is empty")
        if not (ak.isascii() and ak.strip().isprintable()):
            raise ValidationError(
                "ak", "holds a character that is not ASCII; an access key id is ASCII letters and digits"
            )
        if security_token and not _header_safe(security_token.reveal()):
            raise ValidationError(
                "security_token", "holds a character that is not printable ASCII (it goes in a header)"
            )
        self.ak = ak.strip()
        self._sk = sk
        self.project_id = project_id or None
        self._security_token = security_token if security_token else None
        self._clock = clock

    def __repr__(self) -> str:
        temporary = ", temporary" if self._security_token else ""
        return f"AkSkAuth(ak={_mask_ak(self.ak)!r}, project_id={self.project_id!r}{temporary})"

    def secret_values(self) -> tuple[str, ...]:
        """Every value redaction must mask."""
        values = [self._sk.reveal()]
        if self._security_token:
            values.append(self._security_token.reveal())
        return tuple(values)

    def sdk_date(self) -> str:
        """The X-Sdk-Date for a request signed now (by the injected clock)."""
        return signer.format_sdk_date(datetime.fromtimestamp(self._clock(), tz=UTC))

    def sign_request(self, request: httpx.Request) -> None:
        """Set the pre-headers, a fresh X-Sdk-Date and the Authorization of ``request`` in place."""
        if self.project_id:
            request.headers[H_PROJECT_ID] = self.project_id
        if self._security_token:
            request.headers[H_SECURITY_TOKEN] = self._security_token.reveal()
        if "content-type" not in request.headers:
            request.headers["Content-Type"] = JSON_TYPE
        request.headers.pop("Authorization", None)
        date = self.sdk_date()
        to_sign = [
            (k.decode("latin-1"), v.decode("utf-8"))
            for k, v in request.headers.raw
            if k.decode("latin-1").lower() not in _UNSIGNED
        ]
        # Sign the Host the server sees: httpx's Host header (the netloc, port kept unless default).
        host = request.headers.get("host") or request.url.netloc.decode("ascii")
        url = f"{request.url.scheme}://{host}{request.url.raw_path.decode('ascii')}"
        authorization = signer.sign_full(
            request.method, url, to_sign, request.content, self.ak, self._sk.reveal(), date
        ).authorization
        request.headers[signer.DATE_HEADER] = date
        request.headers["Authorization"] = authorization

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign_request(request)
        yield request


class TokenAuth(httpx.Auth):
    """A pre-issued IAM token sent as ``X-Auth-Token``."""

    def __init__(self, token: Secret) -> None:
        if not token:
            raise ValidationError("token", "the token is empty")
        if not _header_safe(token.reveal()):
            raise ValidationError(
                "token", "holds a character that is not printable ASCII (it goes in a header)"
            )
        self._token = token

    def __repr__(self) -> str:
        return "TokenAuth(token=********)"

    def secret_values(self) -> tuple[str, ...]:
        """Every value redaction must mask."""
        return (self._token.reveal(),)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[H_AUTH_TOKEN] = self._token.reveal()
        if "content-type" not in request.headers:
            request.headers["Content-Type"] = JSON_TYPE
        yield request


class _CachedToken:
    __slots__ = ("value", "expires_at", "refresh_at")

    def __init__(self, value: Secret, expires_at: float, refresh_at: float) -> None:
        self.value = value
        self.expires_at = expires_at
        self.refresh_at = refresh_at


def iam_base(iam_endpoint: str) -> str:
    """``https://iam.example`` from any of ``https://iam.example``, ``…/``, ``…/v3``, ``…/v3/``."""
    base = iam_endpoint.strip().rstrip("/")
    if base.endswith("/v3"):
        base = base[: -len("/v3")]
    return base


class IamPasswordAuth(httpx.Auth):
    """A project-scoped IAM token obtained with user name and password, cached and renewed."""

    def __init__(
        self,
        iam_endpoint: str,
        domain: str,
        user: str,
        password: Secret,
        project_id: str | None = None,
        project_name: str | None = None,
        clock: Clock = time.time,
    ) -> None:
        base = iam_base(iam_endpoint or "")
        problem = endpoint_problem(base)
        if problem:
            raise ValidationError("iam_endpoint", f"{short(iam_endpoint or '')} {problem}")
        if not domain:
            raise ValidationError("domain", "the account (domain) name is empty")
        if not user:
            raise ValidationError("user", "the IAM user name is empty")
        if not password:
            raise ValidationError("password", "the password is empty")
        if not project_id and not project_name:
            raise ValidationError("project_id", "IAM password auth needs a project id or a project name")
        self.iam_endpoint = base
        self.domain = domain
        self.user = user
        self._password = password
        self.project_id = project_id or None
        self.project_name = project_name or None
        self._clock = clock
        self._token: _CachedToken | None = None
        self._retired: list[Secret] = []  # replaced tokens: an answer may still echo one
        self._lock: asyncio.Lock | None = None

    def __repr__(self) -> str:
        scope = (
            f"project_id={self.project_id!r}" if self.project_id else f"project_name={self.project_name!r}"
        )
        return (
            f"IamPasswordAuth(iam={self.iam_endpoint!r}, domain={self.domain!r}, user={self.user!r}, {scope})"
        )

    def secret_values(self) -> tuple[str, ...]:
        """Every value redaction must mask (the password and the current token)."""
        values = [self._password.reveal(), *(old.reveal() for old in self._retired)]
        if self._token is not None:
            values.append(self._token.value.reveal())
        return tuple(values)

    @property
    def token_url(self) -> str:
        """Where tokens come from."""
        return self.iam_endpoint + IAM_TOKENS + "?nocatalog=true"

    @property
    def token_endpoint(self) -> str:
        """Host and path of the token API, as error messages name it."""
        parts = urlsplit(self.iam_endpoint + IAM_TOKENS)
        return parts.netloc + parts.path

    def _valid_token(self) -> _CachedToken | None:
        token = self._token
        if token is not None and self._clock() < token.refresh_at:
            return token
        return None

    def invalidate(self) -> None:
        """Forget the cached token (the next request fetches a new one)."""
        if self._token is not None:
            self._retired = [*self._retired[-3:], self._token.value]
        self._token = None

    def token_request(self) -> httpx.Request:
        """The ``POST /v3/auth/tokens`` request (password method, project scope)."""
        scope: dict[str, Any] = {"id": self.project_id} if self.project_id else {"name": self.project_name}
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": self.user,
                            "password": self._password.reveal(),
                            "domain": {"name": self.domain},
                        }
                    },
                },
                "scope": {"project": scope},
            }
        }
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return httpx.Request(
            "POST",
            self.token_url,
            content=content,
            headers={"Content-Type": IAM_JSON_TYPE, "Accept": JSON_TYPE},
            extensions={EXT_IAM: True},
        )

    def accept_token_response(self, response: httpx.Response) -> _CachedToken:
        """Take the token from a (read) token response; AuthError naming IAM when it failed."""
        endpoint = self.token_endpoint
        secrets = self.secret_values()
        if response.status_code >= 300:
            found = parse_error_body(response.content)
            if found is None:
                detail = summarize_body(response.content) or response.reason_phrase
                code, request_id = "", response.headers.get("X-Request-Id")
            else:
                detail = found.message or found.title or response.reason_phrase
                if found.title and found.message and found.title not in found.message:
                    detail = f"{found.title}: {found.message}"
                code, request_id = found.code, found.request_id or response.headers.get("X-Request-Id")
            message = redact(f"IAM token request to {endpoint} failed: {detail}", secrets)
            if response.status_code == 429 or response.status_code >= 500:
                raise api_error(response.status_code, code, message, request_id=request_id, endpoint=endpoint)
            raise AuthError(response.status_code, code, message, request_id=request_id, endpoint=endpoint)
        value = response.headers.get(H_SUBJECT_TOKEN, "").strip()
        if not value:
            raise AuthError(
                response.status_code,
                "",
                f"IAM at {endpoint} answered without an {H_SUBJECT_TOKEN} header",
                endpoint=endpoint,
            )
        now = self._clock()
        expires_at = now + DEFAULT_TOKEN_TTL_S
        try:
            token_obj = as_object(
                as_object(response.json(), "token answer", endpoint).get("token"), "token", endpoint
            )
        except (ValueError, ResponseError):
            token_obj = {}
        expires_ms = epoch_ms(token_obj.get("expires_at"))
        if expires_ms is not None:
            expires_at = expires_ms / 1000.0
        project = token_obj.get("project")
        if not self.project_id and isinstance(project, dict) and isinstance(project.get("id"), str):
            self.project_id = project["id"]
        margin = min(REFRESH_MARGIN_S, max(0.0, (expires_at - now) * 0.1))
        token = _CachedToken(Secret(value), expires_at, expires_at - margin)
        self.invalidate()
        self._token = token
        return token

    def _get_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        fetched_here = False
        token = self._valid_token()
        if token is None:
            async with self._get_lock():
                token = self._valid_token()
                if token is None:
                    response = yield self.token_request()
                    await response.aread()
                    token = self.accept_token_response(response)
                    fetched_here = True
        self._apply(request, token)
        response = yield request
        if response.status_code != 401 or fetched_here:
            return
        # The cached token was refused (revoked, expired early): one fresh token, one retry.
        async with self._get_lock():
            if self._token is token or self._valid_token() is None:
                self.invalidate()
                await response.aread()
                token_response = yield self.token_request()
                await token_response.aread()
                token = self.accept_token_response(token_response)
            else:
                token = self._token
        self._apply(request, token)
        request.extensions = {**request.extensions, EXT_TOKEN_REFRESHED: True}
        yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._valid_token()
        if token is None:
            response = yield self.token_request()
            response.read()
            token = self.accept_token_response(response)
        self._apply(request, token)
        yield request

    def _apply(self, request: httpx.Request, token: _CachedToken | None) -> None:
        if token is None:  # pragma: no cover - accept_token_response raises instead
            raise ModelArtsError("no IAM token")
        request.headers[H_AUTH_TOKEN] = token.value.reveal()
        if "content-type" not in request.headers:
            request.headers["Content-Type"] = JSON_TYPE
