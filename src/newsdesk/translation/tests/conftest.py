"""Tiny random-weight Marian models, built once per test session and installed per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsdesk.translation.marian import build_marian_release
from newsdesk.translation.modelstore import install_from_path


@pytest.fixture(scope="session")
def marian_releases(tmp_path_factory) -> dict[str, Path]:
    """OPUS-MT-style release directories for de-en and en-fr (random weights, built here).

    de-en favours the piece "▁Euro" so its output is predictable: it writes "Euro" until
    the length limit.
    """
    root = tmp_path_factory.mktemp("marian")
    return {
        "de-en": build_marian_release(root / "de-en", seed=1, favour={"▁Euro": 40.0}),
        "en-fr": build_marian_release(
            root / "en-fr", seed=2, source_language="en", target_language="fr"
        ),
    }


@pytest.fixture(scope="session")
def converted_models(marian_releases, tmp_path_factory) -> Path:
    """A model directory with both tiny models converted and installed (built once)."""
    model_dir = tmp_path_factory.mktemp("models")
    for pair, release in marian_releases.items():
        install_from_path(release, model_dir, name=f"tiny-{pair}", version="1")
    return model_dir


@pytest.fixture
def model_dir(converted_models, tmp_path) -> Path:
    """A fresh copy of the installed tiny models that a test may change."""
    copy = tmp_path / "installed-models"
    shutil.copytree(converted_models, copy)
    return copy
