"""API paths, query names, status sets and headers (section 5 of the reference).

Shared by the client and the emulator; no I/O. The domain values (clouds, regions, id shapes,
lease limits, lockout) live in ``tui.core.domain`` and are re-exported here for the API side.
"""

from __future__ import annotations

from tui.core.domain import (
    CLOUD_HUAWEI,
    CLOUD_LABELS,
    CLOUD_OTC,
    CLOUDS,
    HUAWEI_REGIONS,
    INSTANCE_ID_RE,
    LEASE_MAX_HOURS,
    LEASE_MIN_HOURS,
    LOCKOUT_FAILURES,
    LOCKOUT_S,
    MODELARTS_REGIONS,
    OTC_REGIONS,
    PROJECT_ID_RE,
    REGIONS,
    SIGNATURE_SKEW_S,
    iam_endpoint,
    modelarts_endpoint,
    plausible_region,
)

__all__ = [
    "CLOUDS",
    "CLOUD_HUAWEI",
    "CLOUD_LABELS",
    "CLOUD_OTC",
    "HUAWEI_REGIONS",
    "INSTANCE_ID_RE",
    "LEASE_MAX_HOURS",
    "LEASE_MIN_HOURS",
    "LOCKOUT_FAILURES",
    "LOCKOUT_S",
    "MODELARTS_REGIONS",
    "OTC_REGIONS",
    "PROJECT_ID_RE",
    "REGIONS",
    "SIGNATURE_SKEW_S",
    "iam_endpoint",
    "modelarts_endpoint",
    "plausible_region",
]

# --- v1 DevEnviron (demanager) ---------------------------------------------------------------
V1_INSTANCES = "/v1/{project_id}/demanager/instances"
V1_INSTANCE = "/v1/{project_id}/demanager/instances/{instance_id}"
V1_ACTION = "/v1/{project_id}/demanager/instances/{instance_id}/action"
V1_TOKEN = "/v1/{project_id}/demanager/instances/{instance_id}/token"
DE_TYPE = "Notebook"

V1_STATUSES = (
    "CREATING",
    "CREATE_FAILED",
    "STARTING",
    "RESTARTING",
    "START_FAILED",
    "RUNNING",
    "STOPPING",
    "STOPPED",
    "UNAVAILABLE",
    "DELETED",
    "RESIZING",
    "RESIZE_FAILED",
)
V1_SORT_KEYS = ("name", "creation_timestamp")
ORDERS = ("asc", "desc")
V1_ACTIONS = ("start", "stop", "restart", "queue", "dequeue")

# --- current notebooks API ---------------------------------------------------------------------
NB_NOTEBOOKS = "/v1/{project_id}/notebooks"
NB_NOTEBOOK = "/v1/{project_id}/notebooks/{instance_id}"
NB_START = "/v1/{project_id}/notebooks/{instance_id}/start"
NB_STOP = "/v1/{project_id}/notebooks/{instance_id}/stop"
NB_LEASE = "/v1/{project_id}/notebooks/{instance_id}/lease"
NB_MAX_LIMIT = 50
NB_STATUSES = (
    "INIT",
    "CREATING",
    "STARTING",
    "STOPPING",
    "DELETING",
    "RUNNING",
    "STOPPED",
    "SNAPSHOTTING",
    "CREATE_FAILED",
    "START_FAILED",
    "DELETE_FAILED",
    "ERROR",
    "DELETED",
    "FROZEN",
)

# --- IAM -----------------------------------------------------------------------------------------
IAM_TOKENS = "/v3/auth/tokens"
IAM_PROJECTS = "/v3/projects"
IAM_AUTH_PROJECTS = "/v3/auth/projects"

# --- headers -------------------------------------------------------------------------------------
H_AUTH_TOKEN = "X-Auth-Token"
H_SUBJECT_TOKEN = "X-Subject-Token"
H_PROJECT_ID = "X-Project-Id"
H_SECURITY_TOKEN = "X-Security-Token"
H_REQUEST_ID = "X-Request-Id"
USER_AGENT = "modelarts-tui/0.1"
