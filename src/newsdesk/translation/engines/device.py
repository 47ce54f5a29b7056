"""Where CTranslate2 runs: the device and compute type chosen from the settings.

``NEWSDESK_MT_DEVICE`` is ``cpu``, ``cuda`` or ``auto`` (CUDA when CTranslate2 finds a CUDA
device, else the CPU); ``NEWSDESK_MT_COMPUTE_TYPE`` is a CTranslate2 compute type, or empty
(``default``) for the device's own default: ``int8`` on a CPU, ``int8_float16`` on CUDA (int8
weights, float16 activations: the fastest type that keeps the int8 models' quality on a GPU).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

DEVICES = ("cpu", "cuda", "auto")
DEFAULT_COMPUTE_TYPE = {"cpu": "int8", "cuda": "int8_float16"}


@dataclass(frozen=True)
class DeviceChoice:
    """The device (``cpu`` or ``cuda``) and compute type an engine loads its models with,
    and a sentence saying why (for the log and ``gpu_check``)."""

    device: str
    compute_type: str
    reason: str = ""


def cuda_device_count() -> int:
    """CUDA devices CTranslate2 can use (0 where it was built without CUDA or finds no
    driver)."""
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except RuntimeError:  # a CUDA build without a working driver
        return 0


def supported_compute_types(device: str) -> set[str]:
    """What CTranslate2 supports on ``device`` here; empty when it cannot tell (no driver)."""
    import ctranslate2

    try:
        return set(ctranslate2.get_supported_compute_types(device))
    except (RuntimeError, ValueError):
        return set()


def choose_device(
    device: str,
    compute_type: str = "",
    *,
    count: Callable[[], int] | None = None,
    supported: Callable[[str], set[str]] | None = None,
) -> DeviceChoice:
    """The device and compute type to load the models with.

    ``device``: ``cpu``, ``cuda`` or ``auto``; ``compute_type``: a CTranslate2 compute type,
    or ``""``/``"default"`` for the device's default (int8 on CPU, int8_float16 on CUDA).
    Under ``auto`` without a CUDA device the CPU is used (logged), and a compute type the
    CPU does not support (int8_float16) becomes the CPU's default.

    ``count`` and ``supported`` stand in for CTranslate2's answers (tests).

    Raises ImproperlyConfigured naming NEWSDESK_MT_DEVICE for an unknown device or for
    ``cuda`` where CTranslate2 finds no CUDA device, and naming NEWSDESK_MT_COMPUTE_TYPE for a
    compute type the device does not support.
    """
    count = count or cuda_device_count
    supported = supported or supported_compute_types
    wanted = (device or "cpu").strip().lower()
    if wanted not in DEVICES:
        raise ImproperlyConfigured(
            f"NEWSDESK_MT_DEVICE={device!r}: use cpu, cuda or auto (CUDA where there is a GPU)"
        )
    compute = (compute_type or "").strip().lower()
    if compute == "default":
        compute = ""
    reason = ""
    if wanted == "cpu":
        chosen = "cpu"
    else:
        devices = count()
        if devices > 0:
            chosen = "cuda"
            reason = f"{devices} CUDA device(s) found"
        elif wanted == "cuda":
            raise ImproperlyConfigured(
                "NEWSDESK_MT_DEVICE=cuda, but CTranslate2 finds no CUDA device "
                "(ctranslate2.get_cuda_device_count() is 0: no GPU, no driver, or a CTranslate2 "
                "built without CUDA). Use NEWSDESK_MT_DEVICE=cpu, or auto to fall back to the CPU."
            )
        else:
            chosen = "cpu"
            reason = "NEWSDESK_MT_DEVICE=auto: no CUDA device found, translating on the CPU"
            logger.warning("%s", reason)
    if not compute:
        compute = DEFAULT_COMPUTE_TYPE[chosen]
    else:
        types = supported(chosen)
        if types and compute not in types and compute != "auto":
            if wanted == "auto" and chosen == "cpu":
                fallback = DEFAULT_COMPUTE_TYPE["cpu"]
                logger.warning(
                    "NEWSDESK_MT_COMPUTE_TYPE=%s is not supported on the CPU: using %s",
                    compute,
                    fallback,
                )
                reason += f"; compute type {compute} unsupported on the CPU, using {fallback}"
                compute = fallback
            else:
                raise ImproperlyConfigured(
                    f"NEWSDESK_MT_COMPUTE_TYPE={compute!r} is not supported on {chosen} here "
                    f"(supported: {', '.join(sorted(types))})"
                )
    return DeviceChoice(chosen, compute, reason)
