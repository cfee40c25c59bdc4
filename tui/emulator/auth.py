"""Authentication as the API gateway does it: IAM tokens, SDK-HMAC-SHA256 signatures, AK lockout.

Every refusal is a ``AuthFailure`` whose message completes the gateway's
``Incorrect IAM authentication information: …`` (401 APIGW.0301). All times are on the
emulator's clock, so token expiry, the 15-minute date window and the 5-minute AK lock are
driven by a ManualClock in tests.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.api.constants import H_AUTH_TOKEN, H_PROJECT_ID, LOCKOUT_FAILURES, LOCKOUT_S, SIGNATURE_SKEW_S
from tui.api.signer import (
    DATE_HEADER,
    AuthorizationHeader,
    canonical_request,
    format_sdk_date,
    parse_authorization,
    parse_query,
    parse_sdk_date,
    verify,
)
from tui.emulator.clock import Clock
from tui.emulator.wire import Principal, Request

GATEWAY_PREFIX = "Incorrect IAM authentication information: "


@functools.lru_cache(maxsize=1024)  # every instance's view asks for its user's and domain's ids
def stable_id(kind: str, name: str) -> str:
    """A 32-hex id derived from a name (domain and user ids), the same on every run."""
    return hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()[:32]


class AuthFailure(Exception):
    """The gateway refuses the credentials; ``message`` says why (without the common prefix)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An X-Auth-Token the emulator accepts: its scope, user and lifetime (epoch seconds)."""

    token: str
    project_id: str | None
    project_name: str | None
    user: str
    domain: str
    issued_at: float
    expires_at: float | None


class TokenStore:
    """Tokens issued by the emulator's IAM plus the configured pre-issued one (never expires)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, TokenInfo] = {}

    def add_static(self, token: str, project_id: str, project_name: str, user: str, domain: str) -> None:
        """Accept ``token`` for ``project_id`` forever."""
        with self._lock:
            self._tokens[token] = TokenInfo(token, project_id, project_name, user, domain, self.clock(), None)

    def issue(
        self, *, project_id: str | None, project_name: str | None, user: str, domain: str, ttl_s: float
    ) -> TokenInfo:
        """A new token valid for ``ttl_s`` seconds of emulator time."""
        now = self.clock()
        info = TokenInfo(
            "MIIEmu" + secrets.token_urlsafe(96), project_id, project_name, user, domain, now, now + ttl_s
        )
        with self._lock:
            self._tokens[info.token] = info
        return info

    def lookup(self, token: str) -> TokenInfo | None:
        """The token's record (expired ones included), or None when unknown."""
        with self._lock:
            return self._tokens.get(token)


def iso(epoch: float) -> str:
    """Keystone's timestamp form: ``2025-06-16T15:06:40.000000Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Authenticator:
    """Checks the X-Auth-Token or the AK/SK signature of a request, and keeps the AK lockouts."""

    def __init__(self, keys: dict[str, str], tokens: TokenStore, owner: str) -> None:
        self.keys = dict(keys)
        self.tokens = tokens
        self.owner = owner
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}

    def authenticate(self, req: Request) -> Principal:
        """Who sent ``req``; raises AuthFailure with the gateway's reason."""
        token = req.header(H_AUTH_TOKEN)
        if token is not None:
            return self._token(token, req.now)
        authorization = req.header("Authorization")
        if authorization is None:
            raise AuthFailure("x-auth-token not found")
        return self._aksk(req, authorization)

    def _token(self, token: str, now: float) -> Principal:
        info = self.tokens.lookup(token.strip())
        if info is None:
            raise AuthFailure("decrypt token fail")
        if info.expires_at is not None and now >= info.expires_at:
            raise AuthFailure(f"the token has expired, expires_at:{iso(info.expires_at)}")
        return Principal("token", info.project_id, info.user)

    def locked(self, ak: str, now: float) -> bool:
        """True while ``ak`` is locked out."""
        with self._lock:
            until = self._locked_until.get(ak)
            if until is not None and now >= until:
                del self._locked_until[ak]
                self._failures.pop(ak, None)
                return False
            return until is not None

    def _aksk(self, req: Request, authorization: str) -> Principal:
        parsed = parse_authorization(authorization)
        if parsed is None:
            raise AuthFailure("verify aksk signature fail, unsupported authorization header")
        ak = parsed.access
        sk = self.keys.get(ak)
        if sk is None:
            raise AuthFailure(f"Get secretKey failed,ak:{ak},err:ak not exist")
        if self.locked(ak, req.now):
            raise AuthFailure("AK access failed to reach the limit,forbidden")
        try:
            self._check_signature(req, parsed, sk)
        except AuthFailure:
            if self._count_failure(ak, req.now):
                raise AuthFailure("AK access failed to reach the limit,forbidden") from None
            raise
        with self._lock:
            self._failures.pop(ak, None)
        project = req.header(H_PROJECT_ID) or None  # None: any project of the account
        return Principal("aksk", project, self.owner, ak)

    def _count_failure(self, ak: str, now: float) -> bool:
        """Count one failure; True when it is one too many and the AK is now locked."""
        with self._lock:
            count = self._failures.get(ak, 0) + 1
            self._failures[ak] = count
            if count > LOCKOUT_FAILURES:
                self._locked_until[ak] = now + LOCKOUT_S
                return True
            return False

    @staticmethod
    def _check_signature(req: Request, parsed: AuthorizationHeader, sk: str) -> None:
        date = req.header(DATE_HEADER)
        if not date:
            raise AuthFailure("verify aksk signature fail, x-sdk-date header is missing")
        try:
            when = parse_sdk_date(date.strip())
        except ValueError:
            raise AuthFailure(f"verify aksk signature fail, invalid x-sdk-date:{date}") from None
        if abs(when.timestamp() - req.now) > SIGNATURE_SKEW_S:
            server = format_sdk_date(datetime.fromtimestamp(req.now, UTC))
            raise AuthFailure(f"signature expired, signature time:{date}, server time:{server}")
        if not verify(req.method, req.path, req.raw_query, req.headers, req.body, sk, parsed, date.strip()):
            canonical = canonical_request(
                req.method,
                req.path,
                parse_query(req.raw_query),
                req.headers,
                list(parsed.signed_headers),
                req.body,
            )
            raise AuthFailure(f"verify aksk signature fail, canonicalRequest:{canonical}")
