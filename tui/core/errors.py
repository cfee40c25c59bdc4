"""One exception tree for everything the core can report.

    ModelArtsError                  every error here; .message, .meaning, .hint, .endpoint
    ├── ConfigError                 a config file that cannot be used; .path, .line
    ├── ValidationError             input refused before any request; .field
    ├── TransportError              no HTTP answer at all; .endpoint
    │   ├── ConnectError            refused, unreachable, DNS failure
    │   ├── RequestTimeoutError     no answer within the timeout
    │   ├── TLSError                certificate or handshake failure
    │   └── ConnectionDroppedError  the peer closed mid-request or mid-response
    ├── ResponseError               an answer that is not what the API documents (HTML, bad JSON)
    ├── AuthPausedError             requests of a profile held back after repeated credential refusals
    ├── OutcomeUnknownError         an action was sent, its answer lost, and no fresh read told; .action
    ├── ApiError                    an HTTP error with an error code; .status, .code, .request_id
    │   ├── AuthError               401/403: signature, token, lockout, permission
    │   ├── AdminListDeniedError    403 on every user's notebooks: no admin policy (scope = "all")
    │   ├── ThrottledError          429; .retry_after (seconds)
    │   ├── NotFoundError           the instance does not exist (ModelArts.6309, 6404, 404)
    │   ├── StateConflictError      the instance's state does not allow the action
    │   └── ServerError             5xx
    └── WaitError                   waiting for a state did not end well
        ├── WaitTimeoutError        the state was not reached in time
        └── InstanceFailedError     the instance ended in a failed state

Messages never carry secrets: callers pass text through ``api.redact`` first. Errors without an
error code (no answer, an unreadable answer) carry a class-level meaning and hint, so every
failure can be explained in one line.
"""

from __future__ import annotations

from tui.core.error_codes import describe
from tui.core.untrusted import shown


class ModelArtsError(Exception):
    """Base of the tree; ``str()`` is a one-line, secret-free explanation."""

    MEANING = ""
    """The meaning when none is given (classes whose failures have no error code)."""
    HINT = ""
    """The hint when none is given."""

    def __init__(self, message: str, *, endpoint: str = "", meaning: str = "", hint: str = "") -> None:
        message = shown(message)  # server text inside: bounded, no control character reaches a terminal
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.meaning = meaning or self.MEANING
        self.hint = hint or self.HINT

    def __str__(self) -> str:
        return self.message

    def summary(self) -> str:
        """One line for a status bar or a CLI: the error, then what it means when known."""
        meaning = f" — {self.meaning}" if self.meaning else ""
        return f"{self}{meaning}"


class ConfigError(ModelArtsError):
    """A config file that does not parse, or holds an unknown key or a mistyped value."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        where = f"{path}:{line}" if path and line else path
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.line = line
        self.detail = message


class ValidationError(ModelArtsError):
    """A value refused locally (region, project id, instance id, hours) before any request."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class TransportError(ModelArtsError):
    """The request got no HTTP answer."""


class ConnectError(TransportError):
    """Connection refused, host unreachable or name not resolved."""

    MEANING = (
        "The endpoint could not be reached (connection refused, host unreachable or unknown, proxy refused)."
    )
    HINT = "Check the endpoint, the network and any proxy (HTTPS_PROXY, NO_PROXY)."


class RequestTimeoutError(TransportError):
    """No answer within the timeout."""

    MEANING = "No answer arrived within the timeout."
    HINT = (
        "Retry; a start or stop that timed out may still take effect, so refresh (r) before sending it again."
    )


class TLSError(TransportError):
    """Certificate verification or TLS handshake failed."""

    MEANING = "The TLS connection failed: the certificate is not trusted, or the server does not speak TLS."
    HINT = "For a private CA set the profile's ca_bundle; insecure = true is for lab endpoints only."


class ConnectionDroppedError(TransportError):
    """The connection closed before a whole answer arrived."""

    MEANING = "The connection closed before the whole answer arrived."
    HINT = "Retry; refresh (r) to see whether an action took effect before sending it again."


class ResponseError(ModelArtsError):
    """An answer whose body is not the documented JSON (a gateway's HTML page, truncated JSON)."""

    MEANING = "The answer was not the API's JSON (a login or proxy page, or a cut-off body)."
    HINT = "Retry; if it persists, check the endpoint and any proxy in between."

    def __init__(self, message: str, *, status: int | None = None, endpoint: str = "") -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status


class ApiError(ModelArtsError):
    """An HTTP error answer carrying the service's error code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        request_id: str | None = None,
        endpoint: str = "",
    ) -> None:
        info = describe(code, status)
        text = f"HTTP {status} {code}: {message}" if code else f"HTTP {status}: {message}"
        super().__init__(text, endpoint=endpoint, meaning=info.meaning, hint=info.hint)
        self.status = status
        self.code = code
        self.detail = shown(message)
        self.request_id = request_id


class AuthError(ApiError):
    """Credentials refused: bad signature, unknown AK, expired or wrong token, AK locked, denied."""


ADMIN_DENIED = "this account cannot list other users' notebooks"


class AdminListDeniedError(ApiError):
    """``/notebooks/all`` answered 403: the account has no admin policy; ``detail`` is ADMIN_DENIED."""

    def __init__(self, cause: ApiError) -> None:
        super().__init__(
            cause.status, cause.code, ADMIN_DENIED, request_id=cause.request_id, endpoint=cause.endpoint
        )
        self.meaning = "Listing every user's notebooks needs the ModelArts admin policy."
        self.hint = 'Set scope = "own" for this profile, or ask an administrator for the policy.'


class ThrottledError(ApiError):
    """Too many requests; ``retry_after`` is the server's Retry-After in seconds, if given."""

    def __init__(self, *args: object, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class NotFoundError(ApiError):
    """The instance does not exist."""


class StateConflictError(ApiError):
    """The instance's current state does not allow the requested operation."""


class ServerError(ApiError):
    """The service or its gateway failed (5xx)."""


class AuthPausedError(ModelArtsError):
    """Nothing more is sent for a profile whose credentials were refused several times in a row.

    The gateway locks an AK for 5 minutes after more than 5 consecutive AK/SK failures (and IAM
    can lock users after repeated wrong passwords): the service stops before that and says why.
    ``failures`` counts the refusals; ``last`` is the last one. A manual refresh clears it.
    """

    MEANING = "Requests for this profile are paused after repeated credential refusals."
    HINT = "Check the credentials (e) and this machine's clock, then refresh (r) to try again."

    def __init__(self, message: str, *, profile: str, failures: int, last: ModelArtsError | None) -> None:
        super().__init__(message, endpoint=last.endpoint if last is not None else "")
        self.profile = profile
        self.failures = failures
        self.last = last


class OutcomeUnknownError(ModelArtsError):
    """An action was sent but its answer was lost (the connection dropped, a timeout, a broken
    answer), and a fresh read could not tell whether it happened: the next read settles it.

    ``action`` is the verb; ``cause`` is the lost answer's error; ``read`` what the fresh read got
    (None when it read the instance, still where it was, after a timeout: the service may yet act).
    """

    MEANING = "The request was sent, but its answer was lost: it may or may not have happened."
    HINT = "Do not send it again yet: the next refresh (r) shows whether it happened."

    def __init__(self, action: str, cause: ModelArtsError, read: ModelArtsError | None) -> None:
        why = f"{type(cause).__name__}: {cause}"
        then = (
            f"a fresh read failed too ({type(read).__name__})" if read else "the instance has not moved yet"
        )
        super().__init__(
            f"{action}: outcome unknown: its answer was lost ({why}); {then}", endpoint=cause.endpoint
        )
        self.action = action
        self.cause = cause
        self.read = read


class WaitError(ModelArtsError):
    """Waiting for a target state did not succeed."""


class WaitTimeoutError(WaitError):
    """The target state was not reached before the timeout."""


class InstanceFailedError(WaitError):
    """The instance ended in a failed state (START_FAILED, ERROR, …)."""


_NOT_FOUND = {"ModelArts.6309", "ModelArts.6404"}
_CONFLICT = {
    "ModelArts.6304",
    "ModelArts.6305",
    "ModelArts.6306",
    "ModelArts.6307",
    "ModelArts.6308",
    "ModelArts.6326",
    "ModelArts.6327",
    "ModelArts.6333",
    "ModelArts.6357",
}


def api_error(
    status: int,
    code: str,
    message: str,
    *,
    request_id: str | None = None,
    endpoint: str = "",
    retry_after: float | None = None,
) -> ApiError:
    """The most specific ApiError subclass for an HTTP status and error code."""
    if status == 429 or code in {"APIGW.0308", "APIG.0308", "ModelArts.6101"}:
        return ThrottledError(
            status, code, message, retry_after=retry_after, request_id=request_id, endpoint=endpoint
        )
    cls: type[ApiError] = ApiError
    if code in _NOT_FOUND or (status == 404 and not code.startswith("APIG")):
        cls = NotFoundError
    elif code in _CONFLICT:
        cls = StateConflictError
    elif status in (401, 403):
        cls = AuthError
    elif status >= 500:
        cls = ServerError
    return cls(status, code, message, request_id=request_id, endpoint=endpoint)
