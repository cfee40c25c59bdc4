"""Error code -> plain-language meaning and what to do, for every code the reference lists.

Sources: sections 2 and 3 of the API reference (ModelArts, API gateway, IAM codes). Lookup
falls back from ``APIG.`` to ``APIGW.`` and from the code to the HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What an error code means and what the user can do about it."""

    meaning: str
    hint: str


_REFRESH = "Press r to refresh; the instance's state has moved on."
_CHECK_INPUT = "Check the value named in the message and try again."
_CREDS = "Check the profile's credentials in settings (e)."

CATALOGUE: dict[str, CodeInfo] = {
    # ModelArts, generic
    "ModelArts.0101": CodeInfo("Invalid argument.", _CHECK_INPUT),
    "ModelArts.0102": CodeInfo("The workspace does not exist.", "Check the workspace id."),
    "ModelArts.0104": CodeInfo("Parameter error.", _CHECK_INPUT),
    "ModelArts.0107": CodeInfo("Invalid parameter values.", _CHECK_INPUT),
    "ModelArts.0108": CodeInfo(
        "You are not authorized to perform this operation.",
        "Ask an administrator to grant the ModelArts notebook permission.",
    ),
    "ModelArts.0112": CodeInfo(
        "An IAM policy denies this operation.", "Ask an administrator to review the policy."
    ),
    "ModelArts.0113": CodeInfo(
        "The notebook quota is exhausted.", "Delete unused instances or raise the quota."
    ),
    "ModelArts.0118": CodeInfo("The quota is insufficient.", "Free resources or raise the quota."),
    "ModelArts.0010": CodeInfo(
        "Internal error in ModelArts.", "Retry later; report the request id if it persists."
    ),
    # ModelArts, token and auth at service level
    "ModelArts.0201": CodeInfo("The request carries no token.", _CREDS),
    "ModelArts.0202": CodeInfo(
        "The token has expired.", "A new token is fetched automatically; check the IAM password."
    ),
    "ModelArts.0203": CodeInfo("The token is invalid.", _CREDS),
    "ModelArts.0204": CodeInfo(
        "The token is not scoped to a project.", "Use a project-scoped token (set the project)."
    ),
    "ModelArts.0205": CodeInfo("The request carries no authorization header.", _CREDS),
    "ModelArts.0206": CodeInfo("The authorization header is malformed (invalid AK/SK).", _CREDS),
    "ModelArts.0207": CodeInfo(
        "The token has no project in the current region.", "Check the region and project of the profile."
    ),
    "ModelArts.0208": CodeInfo("The authorization header check failed.", _CREDS),
    "ModelArts.0210": CodeInfo(
        "The project id is invalid or does not match the credentials.",
        "Check the project id of the profile (IAM > My Credentials > Projects).",
    ),
    "ModelArts.0212": CodeInfo("The token carries no project.", "Use a project-scoped token."),
    # ModelArts, service-wide
    "ModelArts.6100": CodeInfo("The service timed out.", "Retry in a moment."),
    "ModelArts.6101": CodeInfo("The system is busy now.", "Retry later; requests are being throttled."),
    "ModelArts.6102": CodeInfo(
        "Internal error in the service.", "Retry later; report the request id if it persists."
    ),
    "ModelArts.4992": CodeInfo(
        "The resources for this flavor are insufficient.", "Try later or start when available."
    ),
    "ModelArts.6200": CodeInfo("No resources are available.", "Try another flavor or later."),
    "ModelArts.6201": CodeInfo("The account is suspended.", "Check the account's billing state."),
    "ModelArts.6203": CodeInfo("The account is restricted.", "Check the account's state in the console."),
    # DevEnviron instance
    "ModelArts.6301": CodeInfo("An instance with this name already exists.", "Choose another name."),
    "ModelArts.6302": CodeInfo("The instance-count quota is reached.", "Delete an instance first."),
    "ModelArts.6303": CodeInfo(
        "Sorting on this field is not supported.", "Sort by name or creation_timestamp."
    ),
    "ModelArts.6304": CodeInfo(
        "The instance must be stopped before it can be deleted.", "Stop it (x), then delete."
    ),
    "ModelArts.6305": CodeInfo("The instance is already running.", _REFRESH),
    "ModelArts.6306": CodeInfo("The instance is starting.", "Wait until it is RUNNING."),
    "ModelArts.6307": CodeInfo("The instance has already been stopped.", _REFRESH),
    "ModelArts.6308": CodeInfo("The instance is stopping.", "Wait until it is STOPPED."),
    "ModelArts.6309": CodeInfo(
        "The instance does not exist.", "It may have been deleted; check the id or refresh."
    ),
    "ModelArts.6316": CodeInfo("The storage settings are missing.", _CHECK_INPUT),
    "ModelArts.6317": CodeInfo("The OBS path is missing.", _CHECK_INPUT),
    "ModelArts.6318": CodeInfo("The storage path must end with '/'.", _CHECK_INPUT),
    "ModelArts.6319": CodeInfo("The storage path is invalid.", _CHECK_INPUT),
    "ModelArts.6320": CodeInfo("The storage configuration is invalid.", _CHECK_INPUT),
    "ModelArts.6323": CodeInfo("The flavor is not supported.", "Choose a flavor offered in this region."),
    "ModelArts.6324": CodeInfo("The storage type is not supported.", "Use obs or evs."),
    "ModelArts.6325": CodeInfo("The instance parameters are invalid.", _CHECK_INPUT),
    "ModelArts.6326": CodeInfo(
        "The instance is frozen (account in arrears).", "Top up the account, then retry."
    ),
    "ModelArts.6327": CodeInfo("The instance is not running.", "Start it first, then retry."),
    "ModelArts.6328": CodeInfo("You have no permission for this flavor.", "Choose another flavor."),
    "ModelArts.6329": CodeInfo("The flavor is sold out.", "Choose another flavor or retry later."),
    "ModelArts.6330": CodeInfo(
        "The image and flavor types do not match.", "Pick a CPU image for a CPU flavor, GPU for GPU."
    ),
    "ModelArts.6331": CodeInfo("The EVS size is out of range.", _CHECK_INPUT),
    "ModelArts.6332": CodeInfo(
        "The instance operation failed.", "Retry; report the request id if it persists."
    ),
    "ModelArts.6333": CodeInfo("The notebook is being restored.", "Wait until the restore finishes."),
    "ModelArts.6334": CodeInfo("The name or description has an illegal character.", "Avoid & < > \" ' /."),
    "ModelArts.6335": CodeInfo("The instance is being operated on.", "Wait, then retry."),
    "ModelArts.6336": CodeInfo("The instance configuration is invalid.", _CHECK_INPUT),
    "ModelArts.6341": CodeInfo("The pool does not exist.", "Check the dedicated pool id."),
    "ModelArts.6342": CodeInfo("The pool is not available.", "Check the dedicated pool's state."),
    "ModelArts.6343": CodeInfo("The pool has too few resources.", "Choose another pool or flavor."),
    "ModelArts.6344": CodeInfo("The workspace parameter is invalid.", _CHECK_INPUT),
    "ModelArts.6345": CodeInfo("The image is invalid.", "Choose another image."),
    "ModelArts.6346": CodeInfo("The auto-stop time must be later than now.", "Give a time in the future."),
    "ModelArts.6347": CodeInfo(
        "This parameter cannot be modified in the instance's current state.", "Stop the instance first."
    ),
    "ModelArts.6348": CodeInfo(
        "The auto-stop duration is missing.", "Give a duration when enabling auto-stop."
    ),
    "ModelArts.6349": CodeInfo(
        "The auto-stop duration is out of range.", "Use 3600 to 86400 seconds (1 to 24 hours)."
    ),
    "ModelArts.6350": CodeInfo("The auto-stop settings are invalid.", _CHECK_INPUT),
    "ModelArts.6353": CodeInfo("The instance cannot be operated on now.", "Retry in a moment."),
    "ModelArts.6354": CodeInfo("The instance has no storage.", _CHECK_INPUT),
    "ModelArts.6355": CodeInfo("The repository settings are invalid.", _CHECK_INPUT),
    "ModelArts.6356": CodeInfo("The free-tier quota is used up.", "Use a paid flavor."),
    "ModelArts.6357": CodeInfo(
        "Another operation is in progress on the instance, or it is already in the target state.",
        _REFRESH,
    ),
    "ModelArts.6358": CodeInfo("The OBS path cannot be a bucket root.", "Use a sub-directory of the bucket."),
    "ModelArts.6359": CodeInfo("The lease parameters are invalid.", _CHECK_INPUT),
    "ModelArts.6360": CodeInfo(
        "Not enough resources for this flavor now.", "Retry later or choose another flavor."
    ),
    "ModelArts.6361": CodeInfo("The lease duration is out of range.", "Use 1 to 72 hours."),
    "ModelArts.6371": CodeInfo("The instance is in the queue.", "Wait for the queue or dequeue it."),
    "ModelArts.6374": CodeInfo("The queue is full.", "Retry later."),
    "ModelArts.6376": CodeInfo("The instance is not in the queue.", _REFRESH),
    "ModelArts.6377": CodeInfo("Queuing is only for free-tier flavors.", "Use start instead."),
    "ModelArts.6378": CodeInfo("The queue time is exhausted.", "Retry later."),
    "ModelArts.6379": CodeInfo("The queue operation failed.", "Retry later."),
    "ModelArts.6400": CodeInfo("The request payload is invalid.", _CHECK_INPUT),
    "ModelArts.6404": CodeInfo("The notebook does not exist.", "It may have been deleted; refresh."),
    "ModelArts.6528": CodeInfo("No EVS disk is available.", "Retry later or choose another size."),
    "ModelArts.6600": CodeInfo("Invalid parameter.", _CHECK_INPUT),
    "ModelArts.6608": CodeInfo(
        "The user information must be refreshed.", "Log in again (fetch a new token)."
    ),
    "ModelArts.6620": CodeInfo("The user token must be refreshed.", "A new token is fetched automatically."),
    "ModelArts.6716": CodeInfo("The flavor is sold out.", "Choose another flavor."),
    "ModelArts.6737": CodeInfo(
        "An image with this name and tag already exists in the organisation.", "Choose another tag."
    ),
    "ModelArts.6792": CodeInfo(
        "Changing the flavor is not supported.", "Keep the flavor or recreate the instance."
    ),
    "ModelArts.6797": CodeInfo("The image was not found.", "Choose another image."),
    "ModelArts.6870": CodeInfo(
        "The flavor does not support this feature.", "Free flavors are for CodeLab; choose a paid flavor."
    ),
    # API gateway (APIG. is the dedicated gateway's spelling of the same numbers)
    "APIGW.0101": CodeInfo(
        "The API does not exist or is not published (wrong path or method).",
        "Check the endpoint and API family of the profile.",
    ),
    "APIGW.0201": CodeInfo(
        "The gateway refused the request (bad request, entity or headers too large, or backend unavailable).",
        "Retry; check the endpoint.",
    ),
    "APIGW.0203": CodeInfo("The backend timed out behind the gateway.", "Retry in a moment."),
    "APIGW.0301": CodeInfo(
        "Incorrect IAM authentication information: wrong AK/SK, unknown AK, bad or expired token, a clock more than 15 minutes off, or an AK locked after repeated failures.",
        "Check AK/SK or the token in settings (e), and that this machine's clock is right.",
    ),
    "APIGW.0302": CodeInfo(
        "The IAM user is not authorized to call this API.", "Ask an administrator for ModelArts permissions."
    ),
    "APIGW.0303": CodeInfo(
        "Incorrect app authentication information (for example an expired signature).",
        "Check the clock and the credentials.",
    ),
    "APIGW.0306": CodeInfo("Access to the API is denied.", "Ask an administrator to check access policies."),
    "APIGW.0307": CodeInfo(
        "The token must be updated.", "A new token is fetched automatically; check the credentials."
    ),
    "APIGW.0308": CodeInfo(
        "The throttling threshold has been reached.",
        "Requests slow down and retry after the Retry-After delay.",
    ),
    "APIGW.0310": CodeInfo(
        "The project is unavailable.", "Check the project id and that the project is enabled."
    ),
    "APIGW.0401": CodeInfo("The client IP address is unknown.", "Check the network path or proxy."),
    "APIGW.0402": CodeInfo(
        "The client IP address is not allowed.", "Ask an administrator to allow this address."
    ),
    "APIGW.0601": CodeInfo("Internal error in the gateway.", "Retry later."),
    "APIGW.0602": CodeInfo("The gateway rejected a bad request.", _CHECK_INPUT),
    # IAM
    "IAM.0001": CodeInfo("IAM requires authentication.", _CREDS),
    "IAM.0061": CodeInfo("The IAM user is locked.", "Wait, or ask an administrator to unlock the user."),
    "IAM.0062": CodeInfo("Wrong IAM user name or password.", _CREDS),
    "IAM.0066": CodeInfo("The token has expired.", "A new token is fetched automatically."),
    "IAM.0067": CodeInfo("The token is invalid.", _CREDS),
}

_BY_STATUS: dict[int, CodeInfo] = {
    400: CodeInfo("The request was refused as invalid.", "Do not retry it unchanged."),
    401: CodeInfo("The credentials were refused.", _CREDS),
    403: CodeInfo(
        "The operation is forbidden for these credentials.", "Ask an administrator for permissions."
    ),
    404: CodeInfo("Not found: the path or the resource does not exist.", "Check the endpoint and the id."),
    405: CodeInfo("The method is not allowed on this path.", "Check the API family of the profile."),
    408: CodeInfo("The request timed out at the server.", "Retry in a moment."),
    409: CodeInfo("The request conflicts with the resource's state.", _REFRESH),
    413: CodeInfo("The request is too large.", "Retry after the Retry-After delay."),
    429: CodeInfo("Too many requests.", "Requests slow down and retry after the Retry-After delay."),
    500: CodeInfo("Internal server error.", "Retry later; report the request id if it persists."),
    502: CodeInfo("Bad gateway: the backend did not answer properly.", "Retry in a moment."),
    503: CodeInfo("The service is unavailable.", "Retry in a moment."),
    504: CodeInfo("The gateway timed out waiting for the backend.", "Retry in a moment."),
}

UNKNOWN = CodeInfo(
    "An error the catalogue does not know.", "See the message; report the request id if it persists."
)


def describe(code: str | None, status: int | None = None) -> CodeInfo:
    """Meaning and hint for ``code``; falls back to the HTTP status, then to UNKNOWN."""
    if code:
        info = CATALOGUE.get(code)
        if info is None and code.startswith("APIG."):
            info = CATALOGUE.get("APIGW." + code[len("APIG.") :])
        if info is not None:
            return info
    if status is not None and status in _BY_STATUS:
        return _BY_STATUS[status]
    return UNKNOWN
