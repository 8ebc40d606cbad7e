"""Where the shipped data files live: inside the installed package, or at the repo root in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_DATA_DIR = _PACKAGE_DIR / "_data"  # filled by the wheel build (pyproject force-include)
_REPO_ROOT = _PACKAGE_DIR.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def lock_path() -> Path:
    """The models.lock shipped with brief."""
    return _first_existing(_DATA_DIR / "models.lock", _REPO_ROOT / "models.lock")


def configs_dir() -> Path:
    """The configs/ folder shipped with brief."""
    return _first_existing(_DATA_DIR / "configs", _REPO_ROOT / "configs")
