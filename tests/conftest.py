"""Shared fixtures: tiny locally built models (see tiny_models.py), each built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

# Tiny models run about twice as fast on one thread than on two (thread start-up dominates); set before torch loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
from tiny_models import OVERFIT_PAIRS, OVERFIT_STEPS, build_tiny_bart, build_tiny_marian


@pytest.fixture(autouse=True)
def _no_network_no_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reaches a model hub or the user's caches: the hub is offline, caches live in temp folders."""
    from translate_cli.models import hub

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("BRIEF_CACHE", str(tmp_path_factory.mktemp("brief-cache")))
    monkeypatch.delenv("BRIEF_CONFIG", raising=False)
    hub.forget_unreachable()  # a test's unreachable hub says nothing about the next test's


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """opus-mt-fr-en layout, random weights: loads and generates deterministic gibberish (~0.1 s to build)."""
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def overfit_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """opus-mt-fr-en layout, overfit on OVERFIT_PAIRS: greedy and beam-2 reproduce each target exactly (~4 s)."""
    return build_tiny_marian(
        tmp_path_factory.mktemp("overfit-marian"), pairs=OVERFIT_PAIRS, train_steps=OVERFIT_STEPS
    )


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """distilbart-cnn layout, random weights (~0.1 s to build)."""
    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture
def cli_fake(monkeypatch: pytest.MonkeyPatch):
    """The `brief` command with an upper-casing fake translator in place of a model and the extractive brief."""
    from fakes import FakeTranslator, fake_loader

    from translate_cli import backends

    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    translator = FakeTranslator()
    monkeypatch.setattr(backends, "load_engine", fake_loader(translator))
    return translator
