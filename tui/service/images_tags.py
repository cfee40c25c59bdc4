"""Save as image and tags: declared actions of ``InstanceService`` (a part of it, not a layer).

``save_image`` sends create-image (the instance shows SNAPSHOTTING), then follows the image to
ACTIVE or CREATE_FAILED inside the one reservation ``run`` holds, the row showing where it is.
``tag``/``untag`` change the tags and read the instance again, so the row shows them at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.api.client import ModelArtsClient
from tui.core.errors import InstanceFailedError, ValidationError, WaitTimeoutError
from tui.core.images import SavedImage, check_image_name, check_image_tag, check_namespace
from tui.core.models import Instance
from tui.core.tags import Tag, check_key, check_value
from tui.service.models import ActionOutcome, Claim, Row

if TYPE_CHECKING:
    from tui.api.runtime import Runtime

IMAGE_TIMEOUT_S = 3600.0
"""How long an image may take to build before the follow gives up (the build goes on)."""
IMAGE_POLL_S = 5.0
"""Seconds between reads of the image being built."""


class ImageFailedError(InstanceFailedError):
    """The saved image ended in CREATE_FAILED; the message carries the service's ``status_message``."""

    MEANING = "The image could not be built; the notebook itself is unchanged."


def default_namespace(instance: Instance) -> str:
    """The SWR organisation of the account's own image the notebook runs ('' for a built-in one)."""
    image = instance.raw.get("image")
    if not isinstance(image, dict) or str(image.get("type", "")).upper() != "DEDICATED":
        return ""
    parts = str(image.get("swr_path") or "").split("/")
    return parts[-2] if len(parts) >= 3 else ""


class ImageTagActions:
    """``save_image``, ``tag`` and ``untag`` of ``InstanceService``, and the images it saved."""

    if TYPE_CHECKING:
        runtime: Runtime
        _clock: Callable[[], float]

        @property
        def rows(self) -> Mapping[str, Row]: ...

        async def run(
            self,
            action: str,
            keys: Iterable[str] | Claim,
            call: Callable[[ModelArtsClient, str], Awaitable[object]],
        ) -> list[ActionOutcome]: ...
        async def details(self, key: str) -> Instance: ...
        def _show_step(self, key: str, label: str | None) -> None: ...
        def _key_of(self, client: object, instance_id: str) -> str: ...

    def saved_images(self) -> dict[str, SavedImage]:
        """The last image saved from each key (as last read): key -> SavedImage."""
        return self.__dict__.setdefault("_saved_images", {})  # type: ignore[no-any-return]

    async def save_image(
        self,
        keys: Iterable[str] | Claim,
        name: str,
        tag: str,
        namespace: str = "",
        description: str = "",
        *,
        follow: bool = True,
        timeout: float = IMAGE_TIMEOUT_S,
        then_stop: bool = False,
        then_delete: bool = False,
    ) -> list[ActionOutcome]:
        """Save each key as image ``namespace/name:tag``; with ``follow``, until ACTIVE or CREATE_FAILED.

        An empty ``namespace`` is the organisation of the account's own image the notebook runs.
        ``then_stop`` stops the notebook once its image is ACTIVE, ``then_delete`` deletes it then
        (never after a failed build: the notebook is left as it was).
        The name rules are checked first (ValidationError, nothing claimed or sent).
        """
        check_image_name(name)
        check_image_tag(tag)
        if namespace:
            check_namespace(namespace)

        async def call(client: ModelArtsClient, instance_id: str) -> SavedImage:
            key = self._key_of(client, instance_id)
            try:
                image = await self._save_one(client, key, name, tag, namespace, description, follow, timeout)
                then = "deleting" if then_delete else "stopping" if then_stop else ""
                if then and image.status == "ACTIVE":
                    self._show_step(key, f"image {image.label} ACTIVE · {then}")
                    await (client.delete(instance_id) if then_delete else client.stop(instance_id))
                    await self.details(key)
                return image
            finally:
                self._show_step(key, None)

        outcomes = await self.run("save_image", keys, call)
        return [self._image_outcome(o) for o in outcomes]

    async def _save_one(
        self,
        client: ModelArtsClient,
        key: str,
        name: str,
        tag: str,
        namespace: str,
        description: str,
        follow: bool,
        timeout: float,
    ) -> SavedImage:
        instance_id = key.partition("/")[2]
        before = await self.details(key)
        organisation = namespace or default_namespace(before)
        if not organisation:
            raise ValidationError(
                "namespace", f"{before.name} runs a built-in image: give the SWR organisation to save into"
            )
        image = await client.create_image(instance_id, name, tag, organisation, description)
        self.saved_images()[key] = image
        deadline = self._clock() + timeout
        while True:
            instance = await self.details(key)  # SNAPSHOTTING while the image is taken
            self._show_step(key, f"{instance.status} · image {image.label} {image.status or 'INIT'}")
            if not follow or image.done:
                break
            if self._clock() >= deadline:
                raise WaitTimeoutError(f"image {image.label} is still {image.status} after {timeout:g}s")
            await self.runtime.sleep(IMAGE_POLL_S)
            image = await client.get_image(image.id)
            self.saved_images()[key] = image
        if image.failed:
            raise ImageFailedError(
                f"image {image.label} ended in CREATE_FAILED: {image.status_message or 'no reason given'}"
            )
        return image

    def _image_outcome(self, outcome: ActionOutcome) -> ActionOutcome:
        image = self.saved_images().get(outcome.key)
        if not outcome.ok or image is None:
            return outcome
        name = outcome.message.partition(":")[0]
        state = "building" if not image.done else image.status
        row = self.rows.get(outcome.key)
        moving = row.instance.status if row is not None else ""
        then = {"STOPPING": "; stopping", "DELETING": "; deleting"}.get(moving, "")
        text = f"{name}: image {image.label} {state}{then}"
        return replace(outcome, message=text)

    async def tag(self, keys: Iterable[str] | Claim, tags: Sequence[Tag]) -> list[ActionOutcome]:
        """Add (or overwrite) ``tags`` on every key; the rows show them after a fresh read."""
        checked = tuple((check_key(k), check_value(k, v)) for k, v in tags)

        async def call(client: ModelArtsClient, instance_id: str) -> Instance:
            await client.add_tags(instance_id, checked)
            return await self.details(self._key_of(client, instance_id))

        return await self.run("tag", keys, call)

    async def untag(self, keys: Iterable[str] | Claim, tag_keys: Sequence[str]) -> list[ActionOutcome]:
        """Remove the tags named by ``tag_keys`` from every key."""
        checked = tuple(check_key(k) for k in tag_keys)

        async def call(client: ModelArtsClient, instance_id: str) -> Instance:
            await client.remove_tags(instance_id, checked)
            return await self.details(self._key_of(client, instance_id))

        return await self.run("untag", keys, call)
