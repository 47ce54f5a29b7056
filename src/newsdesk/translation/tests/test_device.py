"""NEWSDESK_MT_DEVICE / NEWSDESK_MT_COMPUTE_TYPE: the choice, with the CUDA device count
monkeypatched (no GPU here: the CUDA path itself runs only in bench/gpu_check.py)."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk.translation.engines import device as device_module
from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine
from newsdesk.translation.engines.device import choose_device

CPU_TYPES = {"int8", "int8_float32", "int16", "float32"}
CUDA_TYPES = {"int8", "int8_float16", "int8_float32", "float16", "float32"}


def supported(device: str) -> set[str]:
    return CUDA_TYPES if device == "cuda" else CPU_TYPES


def gpus(n: int):  # type: ignore[no-untyped-def]
    return lambda: n


@pytest.mark.parametrize(
    ("device", "count", "compute", "expected"),
    [
        ("cpu", 0, "", ("cpu", "int8")),
        ("cpu", 2, "", ("cpu", "int8")),  # a GPU present is not used unless asked for
        ("CPU", 0, "default", ("cpu", "int8")),
        ("cpu", 0, "float32", ("cpu", "float32")),
        ("cuda", 1, "", ("cuda", "int8_float16")),
        ("cuda", 1, "float16", ("cuda", "float16")),
        ("auto", 1, "", ("cuda", "int8_float16")),
        ("auto", 0, "", ("cpu", "int8")),
        ("auto", 0, "int8_float16", ("cpu", "int8")),  # the GPU's type on the CPU fallback
        ("auto", 0, "int16", ("cpu", "int16")),
    ],
)
def test_the_device_and_compute_type_chosen(device, count, compute, expected):
    choice = choose_device(device, compute, count=gpus(count), supported=supported)
    assert (choice.device, choice.compute_type) == expected


def test_cuda_without_a_cuda_device_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="NEWSDESK_MT_DEVICE=cuda") as caught:
        choose_device("cuda", "int8_float16", count=gpus(0), supported=supported)
    assert "get_cuda_device_count() is 0" in str(caught.value)


def test_auto_falls_back_to_the_cpu_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="newsdesk.translation.engines.device"):
        choice = choose_device("auto", "", count=gpus(0), supported=supported)
    assert choice.device == "cpu"
    assert "no CUDA device found" in caplog.text
    assert "no CUDA device" in choice.reason


@pytest.mark.parametrize(
    ("device", "compute", "message"),
    [
        ("gpu", "", "NEWSDESK_MT_DEVICE='gpu'"),
        ("cpu", "float16", "NEWSDESK_MT_COMPUTE_TYPE='float16' is not supported on cpu"),
        ("cuda", "bfloat17", "NEWSDESK_MT_COMPUTE_TYPE='bfloat17' is not supported on cuda"),
    ],
)
def test_bad_values_are_named(device, compute, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        choose_device(device, compute, count=gpus(1), supported=supported)


def test_the_engine_checks_at_load(monkeypatch, model_dir):
    monkeypatch.setattr(device_module, "cuda_device_count", lambda: 0)
    with pytest.raises(ImproperlyConfigured, match="NEWSDESK_MT_DEVICE=cuda"):
        CTranslate2Engine(str(model_dir), device="cuda")
    engine = CTranslate2Engine(str(model_dir), device="auto")
    assert (engine.device, engine.compute_type) == ("cpu", "int8")
    # and it translates on the CPU it fell back to
    (output,) = engine.translate(["Der Gemeinderat tagte."], "de", "en")
    assert set(output.split()) == {"Euro"}


def test_the_engine_on_a_pretended_gpu_keeps_one_translator(monkeypatch, model_dir):
    """With a CUDA device reported, the engine chooses cuda/int8_float16 and one translator
    (loading it would need the GPU: bench/gpu_check.py does that on a GPU machine)."""
    monkeypatch.setattr(device_module, "cuda_device_count", lambda: 1)
    monkeypatch.setattr(device_module, "supported_compute_types", supported)
    engine = CTranslate2Engine(str(model_dir), device="cuda")
    assert (engine.device, engine.compute_type, engine.inter_threads) == (
        "cuda",
        "int8_float16",
        1,
    )


def test_the_real_runtime_here_reports_what_it_has():
    """On this machine CTranslate2 answers without raising, whatever it finds."""
    assert device_module.cuda_device_count() >= 0
    assert "int8" in device_module.supported_compute_types("cpu")
