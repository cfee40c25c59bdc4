"""Create, change and delete notebooks (sections 11.2, 11.4 and 11.6).

POST   /v1/{pid}/notebooks        200, the notebook in CREATING (then RUNNING, ``action_progress``)
PUT    /v1/{pid}/notebooks/{id}   200, the notebook; flavor and image only while STOPPED (6347)
DELETE /v1/{pid}/notebooks/{id}   200, the notebook as it was; DELETING, then gone (6404)
"""

from __future__ import annotations

from tui.api.constants import NB_NOTEBOOK, NB_NOTEBOOKS
from tui.core.models import FAMILY_NOTEBOOKS
from tui.emulator.capacity import SOLD_OUT_CHANGE
from tui.emulator.catalog import default_profile
from tui.emulator.context import AppContext
from tui.emulator.images import ImageStore
from tui.emulator.nb_checks import (
    SshConfig,
    check_endpoints,
    check_feature,
    check_fits,
    check_flavor,
    check_image,
    check_lease,
    check_name,
    check_storage_size,
    check_volume,
)
from tui.emulator.nb_common import nb_handler
from tui.emulator.offers import check_can_run, image_of, sold_out, switchable
from tui.emulator.record import TRANSITIONAL, Conflict, InstanceRecord
from tui.emulator.routes_v1 import Invalid, check_description
from tui.emulator.views import nb_view
from tui.emulator.wire import FAMILY_NB, Request, Response, Route, json_response, route

DEFAULT_AUTO_STOP_S = 3600
_BUSY = (
    "ModelArts.6357",
    "The operation is not allowed because another operation is being performed on the instance.",
)


def _apply_ssh(rec: InstanceRecord, ssh: SshConfig | None) -> None:
    if ssh is not None:
        rec.ssh = ssh.enabled
        rec.key_pair_names = ssh.key_pair_names
        rec.allowed_ips = ssh.allowed_ips


class LifecycleApi:
    """Handlers of notebook create, update and delete."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """Create, update and delete (GET of one notebook is in routes_notebooks)."""
        return [
            route("POST", NB_NOTEBOOKS, nb_handler(self.create), FAMILY_NB),
            route("PUT", NB_NOTEBOOK, nb_handler(self.update), FAMILY_NB),
            route("DELETE", NB_NOTEBOOK, nb_handler(self.delete), FAMILY_NB),
        ]

    def create(self, req: Request, params: dict[str, str]) -> Response:
        """POST notebooks: validate, check name, quota, image and capacity; answer it in CREATING."""
        body = req.json_object()
        name = check_name(body.get("name"))
        description = check_description(body.get("description", ""))
        flavor = check_flavor(body.get("flavor"))
        check_feature(body.get("feature"), flavor)
        category, capacity = check_volume(body.get("volume"))
        lease_s = check_lease(body)
        store = self.ctx.space(params).store
        if store.name_taken(name):
            raise Invalid("ModelArts.6301", f"The notebook {name} already exists.")
        if len(store) >= self.ctx.config.instance_quota:
            raise Invalid(
                "ModelArts.6302",
                f"The number of notebooks has reached the limit ({self.ctx.config.instance_quota}).",
            )
        image = check_image(self.ctx.space(params).images, body.get("image_id"), req.now)
        check_fits(image, flavor)
        ssh = check_endpoints(body.get("endpoints"), image)
        if check_can_run(self.ctx, flavor.id, req.now) is not None:
            raise Invalid(
                "ModelArts.6360", f"Insufficient resources for the flavor {flavor.id}. Try again later."
            )
        new_id = store.add(
            name,
            "CREATING",
            FAMILY_NOTEBOOKS,
            flavor.id,
            description=description,
            profile_id=default_profile(flavor.id),
            auto_stop_s=int(lease_s) if lease_s is not None else DEFAULT_AUTO_STOP_S,
            storage=(category.lower(), "/home/ma-user/work", capacity),
        )

        def settle(rec: InstanceRecord, now: float) -> None:
            rec.image_id = image.id
            _apply_ssh(rec, ssh)

        rec = store.mutate(new_id, settle, req.now)
        return json_response(nb_view(rec, req.now, self.ctx, self.ctx.space(params).images))

    def update(self, req: Request, params: dict[str, str]) -> Response:
        """PUT: name, description, flavor, image_id, storage_new_size, endpoints."""
        body = req.json_object()
        current = self.ctx.space(params).store.read(params["instance_id"], req.now)
        name = check_name(body["name"]) if "name" in body else None
        if name is not None and name != current.name and self.ctx.space(params).store.name_taken(name):
            raise Invalid("ModelArts.6301", f"The notebook {name} already exists.")
        description = check_description(body["description"]) if "description" in body else None
        flavor_id, image_id = self._check_flavor_image(current, body, req.now, self.ctx.space(params).images)
        image = self.ctx.space(params).images.get(image_id)
        ssh = check_endpoints(
            body.get("endpoints"), image.image if image else image_of(self.ctx.space(params).images, current)
        )
        size = body.get("storage_new_size")
        new_size = (
            check_storage_size(size, current.storage_type.upper(), current.volume_size)
            if size is not None
            else None
        )

        def change(rec: InstanceRecord, now: float) -> None:
            rec.name = name if name is not None else rec.name
            rec.description = description if description is not None else rec.description
            rec.flavor, rec.image_id = flavor_id, image_id
            _apply_ssh(rec, ssh)
            if new_size is not None:
                rec.volume_size = new_size
                rec.volume_resize_until = now + self.ctx.space(params).store.transition_seconds
            rec.updated = now

        rec = self.ctx.space(params).store.mutate(params["instance_id"], change, req.now)
        return json_response(nb_view(rec, req.now, self.ctx, self.ctx.space(params).images))

    def _check_flavor_image(
        self, rec: InstanceRecord, body: dict[str, object], now: float, images: ImageStore
    ) -> tuple[str, str]:
        """The (flavor, image id) after the PUT: 6347 unless STOPPED, 6792, 6716, 6797, 6345."""
        image_id = rec.image_id or image_of(images, rec).id
        wants_flavor = body.get("flavor") not in (None, rec.flavor)
        wants_image = body.get("image_id") not in (None, image_id)
        if not wants_flavor and not wants_image:
            return rec.flavor, image_id
        if rec.status != "STOPPED":
            raise Conflict(
                "ModelArts.6347", "The flavor and image can be changed only while the notebook is stopped."
            )
        flavor = check_flavor(body["flavor"]) if wants_flavor else check_flavor(rec.flavor)
        if wants_flavor and flavor.id not in {f.id for f in switchable(images, rec)}:
            raise Invalid("ModelArts.6792", f"The notebook cannot be switched to the flavor {flavor.id}.")
        if wants_flavor and sold_out(self.ctx, flavor.id, now):
            code, text = SOLD_OUT_CHANGE
            raise Invalid(code, text.format(flavor=flavor.id))
        image = check_image(images, body["image_id"], now) if wants_image else image_of(images, rec)
        check_fits(image, flavor)
        return flavor.id, image.id

    def delete(self, req: Request, params: dict[str, str]) -> Response:
        """DELETE: answer the notebook as it was; it is DELETING for one transition, then gone."""
        store = self.ctx.space(params).store
        before = store.read(params["instance_id"], req.now)
        if before.status in TRANSITIONAL:
            raise Conflict(*_BUSY)
        answer = nb_view(before, req.now, self.ctx, self.ctx.space(params).images)

        def remove(rec: InstanceRecord, now: float) -> None:
            if rec.status in TRANSITIONAL:
                raise Conflict(*_BUSY)
            store.enter_status(rec, "DELETING", now)
            rec.gone_at = rec.ends_at

        store.mutate(params["instance_id"], remove, req.now)
        return json_response(answer)
