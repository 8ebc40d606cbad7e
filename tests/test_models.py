"""translate_cli.models and `brief models`, against an in-process fake of the hub: never the network.

The fake replaces `huggingface_hub.hf_hub_download` and `HfApi.model_info`. Its downloads lay files out in the
real cache layout (blobs/, snapshots/<commit>/, refs/) under tmp_path, then hand over to the real
`hf_hub_download(local_files_only=True)`, so cache lookups and offline behaviour are huggingface_hub's own.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import huggingface_hub
import pytest
from click.testing import CliRunner
from huggingface_hub import constants
from huggingface_hub.errors import EntryNotFoundError
from huggingface_hub.hf_api import BlobLfsInfo, RepoSibling

from translate_cli import models as m
from translate_cli import resources
from translate_cli.cli.models_cmd import models as models_group
from translate_cli.errors import ConfigError, ModelError, ModelNotFoundError, VerificationError

REPO = "acme/tiny-mt"
COMMIT = "1" * 40
FILES = {
    "config.json": b'{"model_type": "marian"}',
    "generation_config.json": b'{"num_beams": 4}',
    "vocab.json": b'{"<pad>": 0}',
    "pytorch_model.bin": b"\x80\x04 pretend pickle " * 64,
}
_REAL_DOWNLOAD = huggingface_hub.hf_hub_download


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class FakeHub:
    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.repos: dict[str, dict[str, dict[str, bytes]]] = {}  # repo -> commit -> files
        self.branches: dict[str, dict[str, str]] = {}
        self.online = True
        self.lie: dict[str, str] = {}  # filename -> hash the hub publishes instead of the true one
        self.info_calls = 0

    def add(self, repo: str, files: dict[str, bytes], commit: str = COMMIT) -> None:
        self.repos.setdefault(repo, {})[commit] = dict(files)
        self.branches.setdefault(repo, {})["main"] = commit

    def _commit(self, repo: str, revision: str) -> str:
        return self.branches[repo].get(revision, revision)

    def place(self, repo: str, filename: str, revision: str) -> None:
        """Put a file in the cache as a download would (also used to fill the cache behind brief's back)."""
        commit = self._commit(repo, revision)
        data = self.repos[repo][commit][filename]
        storage = self.cache / f"models--{repo.replace('/', '--')}"
        blob = storage / "blobs" / (sha256(data) if filename.endswith(".bin") else git_sha1(data))
        blob.parent.mkdir(parents=True, exist_ok=True)
        if not blob.exists():  # like the real one: a blob already in the cache is not fetched again
            blob.write_bytes(data)
        pointer = storage / "snapshots" / commit / filename
        pointer.parent.mkdir(parents=True, exist_ok=True)
        if not pointer.exists():
            pointer.symlink_to(os.path.relpath(blob, pointer.parent))
        if revision != commit:
            (storage / "refs").mkdir(exist_ok=True)
            (storage / "refs" / revision).write_text(commit)

    def download(self, repo_id: str, filename: str, *, revision: str = "main", local_files_only: bool = False,
                 **_: object) -> str:
        if self.online and not local_files_only:
            if filename not in self.repos[repo_id][self._commit(repo_id, revision)]:
                raise EntryNotFoundError(f"{filename} not in {repo_id}")
            self.place(repo_id, filename, revision)
        return _REAL_DOWNLOAD(repo_id, filename, revision=revision, local_files_only=True)

    def model_info(self, repo_id: str, *, revision: str = "main", files_metadata: bool = False,
                   **_: object) -> SimpleNamespace:
        self.info_calls += 1
        if not self.online:
            raise ConnectionError("[Errno -2] Name or service not known")
        commit = self._commit(repo_id, revision)
        siblings = []
        for name, data in self.repos[repo_id][commit].items():
            if name.endswith(".bin"):
                lfs = BlobLfsInfo(size=len(data), sha256=self.lie.get(name, sha256(data)), pointer_size=130)
                siblings.append(RepoSibling(name, size=len(data), blob_id="0" * 40, lfs=lfs))
            else:
                siblings.append(RepoSibling(name, size=len(data), blob_id=self.lie.get(name, git_sha1(data))))
        return SimpleNamespace(sha=commit, siblings=siblings)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    monkeypatch.setenv("BRIEF_CACHE", str(tmp_path / "brief"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("BRIEF_LOCK", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))  # read at import otherwise
    fake = FakeHub(tmp_path / "hf" / "hub")
    fake.add(REPO, FILES)
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake.download)
    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", fake.model_info)
    return fake


def make_lock(pinned: bool, revision: str = COMMIT, extra: tuple[m.LockedFile, ...] = ()) -> m.Lock:
    files = tuple(m.LockedFile(n, len(d) if pinned else None, sha256(d) if pinned else None)
                  for n, d in FILES.items())
    model = m.LockedModel("tiny-mt", "translator", REPO, revision, files + extra)
    return m.Lock({"tiny-mt": model}, {"translator": "tiny-mt"})


@pytest.fixture
def hash_count(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from translate_cli.models import cache

    hashed: list[Path] = []
    real = cache._hash_file

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(cache, "_hash_file", counting)
    return hashed


# ----------------------------------------------------------------------------------------------------- lock


def test_shipped_lock_parses() -> None:
    lock = m.read_lock(resources.lock_path())
    assert lock.defaults == {"translator": "opus-mt-fr-en", "summarizer": "distilbart-cnn-12-6"}
    assert set(lock.models) == {"opus-mt-fr-en", "distilbart-cnn-12-6", "distilbart-cnn-6-6"}
    mt = lock.models["opus-mt-fr-en"]
    assert (mt.role, mt.repo, mt.revision) == ("translator", "Helsinki-NLP/opus-mt-fr-en",
                                               "b4a9a384c2ec68a224bbd2ee3fd5df0c71ca5b1b")
    assert [f.name for f in m.wanted_files(mt)][-1] == "pytorch_model.bin"
    bart = lock.models["distilbart-cnn-12-6"]
    assert bart.revision == "a4f8f3ea906ed274767e9906dbaede7531d660ff"  # issue 12 #17: a full commit, not main
    assert {f.name for f in bart.files if f.optional} == {"generation_config.json"}


def test_lock_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = make_lock(pinned=True, extra=(m.LockedFile("odd \"name\".json", None, None, optional=True),))
    lock = m.Lock({**lock.models, "x.y": m.LockedModel("x.y", "summarizer", "o/x.y", "main", ())},
                  {**lock.defaults, "summarizer": "x.y"})
    path = tmp_path / "models.lock"
    m.write_lock(lock, path)
    assert "brief models lock" in path.read_text()
    assert m.read_lock(path) == lock
    monkeypatch.setenv("BRIEF_LOCK", str(path))
    assert m.read_lock() == lock


@pytest.mark.parametrize("body, message", [
    ('[models.a]\nrole = "translator"\nrepo = "o/a"\nrevision = "a4f8f3e"\n', "abbreviated commit"),
    ('[models.a]\nrole = "translator"\nrepo = "nope"\nrevision = "main"\n', "repo id"),
    ('[defaults]\ntranslator = "b"\n[models.a]\nrole = "translator"\nrepo = "o/a"\nrevision = "main"\n', "default"),
    ("[models\n", "cannot be read"),
])
def test_bad_lock_is_a_config_error(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "models.lock"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        m.read_lock(path)


# -------------------------------------------------------------------------------------------------- resolve


def test_local_directory_is_used_as_given(tmp_path: Path, hub: FakeHub, hash_count: list[Path]) -> None:
    local = tmp_path / "my-model"
    local.mkdir()
    (local / "pytorch_model.bin").write_bytes(b"anything")
    resolved = m.resolve(str(local), "translator", lock=make_lock(pinned=True))
    assert (resolved.path, resolved.weights, resolved.repo) == (local, local / "pytorch_model.bin", None)
    (local / "model.safetensors").write_bytes(b"anything")
    assert m.resolve(str(local), "translator").weights == local / "model.safetensors"
    assert resolved.to_dict() == {"name": None, "repo": None, "revision": None, "path": str(local)}
    assert hash_count == []


def test_lock_name_is_downloaded_and_verified(hub: FakeHub) -> None:
    resolved = m.resolve(None, "translator", lock=make_lock(pinned=True))
    assert resolved.to_dict() == {"name": "tiny-mt", "repo": REPO, "revision": COMMIT, "path": str(resolved.path)}
    assert resolved.path.name == COMMIT and resolved.weights == resolved.path / "pytorch_model.bin"
    assert resolved.weights.read_bytes() == FILES["pytorch_model.bin"] and resolved.warnings == ()
    assert hub.info_calls == 1  # asked once, before downloading
    hub.online = False
    assert m.resolve(None, "translator", lock=make_lock(pinned=True)) == resolved  # cached and pinned
    assert hub.info_calls == 1
    with pytest.raises(ConfigError, match="not a summarizer"):
        m.resolve("tiny-mt", "summarizer", lock=make_lock(pinned=True))


def test_tampered_file_is_rejected(hub: FakeHub) -> None:
    lock = make_lock(pinned=True)
    weights = Path(os.path.realpath(m.resolve("tiny-mt", "translator", lock=lock).weights))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # same size, different content
    weights.write_bytes(bytes(data))
    with pytest.raises(VerificationError, match=r"pytorch_model\.bin .*does not match.*brief models pull tiny-mt"):
        m.resolve("tiny-mt", "translator", lock=lock)


def test_unknown_hash_is_checked_against_the_published_one(hub: FakeHub) -> None:
    resolved = m.resolve("tiny-mt", "translator", lock=make_lock(pinned=False))
    assert resolved.warnings == () and hub.info_calls == 1


@pytest.mark.parametrize("filename", ["pytorch_model.bin", "config.json"])
def test_published_hash_mismatch_is_rejected(hub: FakeHub, filename: str) -> None:
    hub.lie[filename] = "f" * (64 if filename.endswith(".bin") else 40)
    with pytest.raises(VerificationError, match=filename.replace(".", r"\.")):
        m.resolve("tiny-mt", "translator", lock=make_lock(pinned=False))


@pytest.mark.parametrize("how", ["env", "argument", "unreachable"])
def test_offline_and_missing_is_one_clear_line(hub: FakeHub, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    if how == "env":
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub.online = how != "unreachable"
    with pytest.raises(ModelNotFoundError) as caught:
        m.resolve(None, "translator", allow_download=how != "argument", lock=make_lock(pinned=True))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"translator 'tiny-mt' ({REPO}@1111111) is not in the cache and ")
    assert message.endswith("run 'brief models pull tiny-mt' where huggingface.co is reachable, "
                            "or pass --translator DIR")


def test_unverifiable_pickle_is_refused_offline(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in FILES:  # in the cache, but never checked by brief
        hub.place(REPO, name, COMMIT)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(VerificationError, match=r"pytorch_model\.bin .*no pinned hash.*brief models lock"):
        m.resolve("tiny-mt", "translator", lock=make_lock(pinned=False))
    # The same without pickled weights: accepted, with a warning.
    lock = make_lock(pinned=False)
    model = lock.models["tiny-mt"]
    files = tuple(f for f in model.files if f.name != "pytorch_model.bin")
    resolved = m.resolve("tiny-mt", "translator", lock=m.Lock({"tiny-mt": m.LockedModel(
        "tiny-mt", "translator", REPO, COMMIT, files)}, {}))
    assert resolved.weights is None and len(resolved.warnings) == 1
    assert "config.json" in resolved.warnings[0] and "brief models lock" in resolved.warnings[0]


def test_published_hashes_checked_online_still_count_offline(hub: FakeHub,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    m.pull("tiny-mt", lock=make_lock(pinned=False))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolved = m.resolve("tiny-mt", "translator", lock=make_lock(pinned=False))
    assert resolved.warnings == () and hub.info_calls == 1


def test_repo_id_outside_the_lock(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add("acme/other", {**FILES, "tf_model.h5": b"tf"}, commit="2" * 40)
    resolved = m.resolve("acme/other", "translator", lock=make_lock(pinned=True))
    assert (resolved.name, resolved.repo, resolved.revision) == (None, "acme/other", "2" * 40)
    assert not (resolved.path / "tf_model.h5").exists()
    # A repo id that is in the lock uses the lock entry.
    assert m.resolve(REPO, "translator", lock=make_lock(pinned=True)).name == "tiny-mt"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # later, offline: listed from the cache, checked from memory
    assert m.resolve("acme/other", "translator", lock=make_lock(pinned=True)).warnings == ()


def test_unknown_spec(hub: FakeHub) -> None:
    with pytest.raises(ModelNotFoundError, match="not a directory, a repo id"):
        m.resolve("nonsense", "translator", lock=make_lock(pinned=True))
    hub.add("acme/sharded", {"config.json": b"{}", "model-00001-of-00002.safetensors": b""})
    with pytest.raises(ModelNotFoundError, match="sharded checkpoints are not supported"):
        m.resolve("acme/sharded", "translator", lock=make_lock(pinned=True))


# ---------------------------------------------------------------------------------------- hashes and memory


def test_verified_files_are_not_hashed_again(hub: FakeHub, hash_count: list[Path]) -> None:
    lock = make_lock(pinned=True)
    weights = m.resolve("tiny-mt", "translator", lock=lock).weights
    assert len(hash_count) == len(FILES)
    hash_count.clear()
    assert [r.status for r in m.verify("tiny-mt", lock=lock)] == ["ok"] * len(FILES)
    m.resolve("tiny-mt", "translator", lock=lock)
    assert hash_count == []
    stat = os.stat(weights)
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched: hash it again
    m.resolve("tiny-mt", "translator", lock=lock)
    assert hash_count == [Path(os.path.realpath(weights))]
    hash_count.clear()
    m.verify("tiny-mt", lock=lock, rehash=True)
    assert len(hash_count) == len(FILES)


def test_brief_cache_is_read_at_call_time(hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert m.cache_dir() == tmp_path / "brief"
    m.resolve("tiny-mt", "translator", lock=make_lock(pinned=True))
    assert (tmp_path / "brief" / "verified.json").is_file()
    monkeypatch.setenv("BRIEF_CACHE", str(tmp_path / "elsewhere"))
    assert m.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("BRIEF_CACHE")
    assert m.cache_dir().name.lower() == "brief"


def test_git_blob_sha1(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"hello\n")
    assert m.git_blob_sha1(path) == "ce013625030ba8dba906f756967f9e9ca394464a"  # `git hash-object`


def test_import_is_light() -> None:
    code = ("import sys, translate_cli.models, translate_cli.cli.models_cmd; "
            "print([n for n in ('torch', 'transformers', 'huggingface_hub') if n in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------------------------------- relock


def test_relock_pins_commit_sizes_and_hashes(hub: FakeHub) -> None:
    optional = m.LockedFile("special_tokens_map.json", None, None, optional=True)  # absent from the repo
    new = m.relock(make_lock(pinned=False, revision="main", extra=(optional,)))
    model = new.models["tiny-mt"]
    assert model.revision == COMMIT
    assert model.files == make_lock(pinned=True).models["tiny-mt"].files
    assert m.resolve("tiny-mt", "translator", lock=new).warnings == ()


def test_relock_refuses_a_conflicting_pin(hub: FakeHub) -> None:
    lock = make_lock(pinned=True)
    hub.lie["pytorch_model.bin"] = "e" * 64
    with pytest.raises(VerificationError, match="same commit"):
        m.relock(lock)


def test_relock_offline(hub: FakeHub) -> None:
    hub.online = False
    with pytest.raises(ModelError, match="where huggingface.co is reachable") as caught:
        m.relock(make_lock(pinned=False))
    assert "\n" not in str(caught.value) and caught.value.exit_status == 3


# ---------------------------------------------------------------------------------------------------- CLI


@pytest.fixture
def lock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub: FakeHub) -> Path:
    path = tmp_path / "models.lock"
    m.write_lock(make_lock(pinned=False), path)
    monkeypatch.setenv("BRIEF_LOCK", str(path))
    return path


def test_cli_list_pull_verify(lock_file: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(models_group, ["list"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split() == ["tiny-mt", "(default)", "translator", REPO, "1111111", "no"]

    result = runner.invoke(models_group, ["pull", "tiny-mt"])
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).name == COMMIT and "verified" in result.stderr
    assert runner.invoke(models_group, ["list"]).stdout.splitlines()[1].split()[-1] == "yes"

    result = runner.invoke(models_group, ["verify", "tiny-mt"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(" ok ") == len(FILES)

    weights = Path(os.path.realpath(m.pull("tiny-mt").weights))
    weights.write_bytes(b"evil")
    result = runner.invoke(models_group, ["verify", "tiny-mt"])
    assert isinstance(result.exception, VerificationError) and result.exception.exit_status == 3
    assert "mismatch" in result.stdout


def test_cli_lock(lock_file: Path, hub: FakeHub, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "pinned.lock"  # new: starts from the lock in use ($BRIEF_LOCK), which stays as it was
    result = runner.invoke(models_group, ["lock", "--lock-file", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"tiny-mt  {REPO}@1111111")
    assert m.read_lock(out) == make_lock(pinned=True)
    assert m.read_lock(lock_file) == make_lock(pinned=False)
    assert runner.invoke(models_group, ["lock"]).exit_code == 0
    assert m.read_lock(lock_file) == make_lock(pinned=True)

    hub.online = False
    result = runner.invoke(models_group, ["lock", "--lock-file", str(out)])
    assert isinstance(result.exception, ModelError) and result.exception.exit_status == 3


def test_a_hub_that_could_not_be_reached_is_not_asked_again_in_the_run(hub: FakeHub) -> None:
    # Issue 12 #10: every resolution probed an unreachable hub again (~0.5 s each).
    hub.online = False
    lock = make_lock(pinned=True)
    with pytest.raises(ModelNotFoundError) as first:
        m.resolve(None, "translator", lock=lock)
    assert hub.info_calls == 1 and "the hub cannot be reached" in str(first.value)
    with pytest.raises(ModelNotFoundError) as second:
        m.resolve(None, "translator", lock=lock)
    assert hub.info_calls == 1 and "the hub cannot be reached" in str(second.value)  # not asked again
    assert second.value.short == "tiny-mt is not in the cache and the hub cannot be reached"
    assert second.value.remedy == "brief models pull tiny-mt"
    from translate_cli.models import hub as hub_module

    hub_module.forget_unreachable()
    hub.online = True
    assert m.resolve(None, "translator", lock=lock).path.is_dir() and hub.info_calls == 2


def test_the_debug_view_of_a_download_failure_shows_its_cause(lock_file: Path, hub: FakeHub, monkeypatch) -> None:
    # Issue 12 #11: BRIEF_DEBUG=1 showed the one-line error's own traceback, without the hub's error behind it.
    from translate_cli.cli import cli

    hub.online = False
    monkeypatch.setenv("BRIEF_DEBUG", "1")
    result = CliRunner().invoke(cli, ["models", "pull", "tiny-mt"])
    assert result.exit_code == 3
    assert "ConnectionError: [Errno -2] Name or service not known" in result.stderr
    assert "The above exception was the direct cause of the following exception" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("brief: error: translator 'tiny-mt'")
    monkeypatch.delenv("BRIEF_DEBUG")
    quiet = CliRunner().invoke(cli, ["models", "pull", "tiny-mt"])
    assert len(quiet.stderr.splitlines()) == 1 and "Traceback" not in quiet.stderr
