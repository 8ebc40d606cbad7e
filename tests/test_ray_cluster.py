"""`brief translate --executor ray` against a real local Ray cluster (started by `ray start --head`, 2 CPUs, a small
object store, no dashboard), the CLI as a subprocess: the same outputs and exit status as the local executor, byte
for byte; a run killed mid-way and rerun writes every output once; unreachable clusters and workers without the
model fail in one line, exit 3; the library's translate_dataset gives brief's records.

Ray 2.60's servers listen on every interface whatever --node-ip-address says, so the test cluster keeps Ray's token
authentication on, with a token of its own (RAY_AUTH_TOKEN_PATH), rather than the issue's "auth disabled"."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("ray.data", reason='the ray extra is not installed (pip install "brief-translate[ray]")')

SEED = Path(__file__).resolve().parent.parent / "seeds"
MODEL_FLAGS = ["--backend", "torch", "--device", "cpu", "--summarizer", "extractive", "--max-new-tokens", "12"]


@dataclass(frozen=True)
class Cluster:
    address: str
    settings: dict[str, str]  # how clients authenticate

    @property
    def env(self) -> dict[str, str]:
        """A client's environment: the test's own (its caches, the hub offline) and the cluster's token."""
        return {**os.environ, **self.settings}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ray_command() -> list[str]:
    script = Path(sys.executable).with_name("ray")
    return [str(script)] if script.exists() else [shutil.which("ray") or "ray"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    token = tmp_path_factory.mktemp("ray-auth") / "auth_token"
    token.write_text(secrets.token_hex(32), encoding="utf-8")
    settings = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token), "RAY_USAGE_STATS_ENABLED": "0"}
    env = {**os.environ, **settings}
    port = _free_port()
    started = subprocess.run(
        [*_ray_command(), "start", "--head", f"--port={port}", "--num-cpus=2", "--object-store-memory=100000000",
         "--include-dashboard=false", "--disable-usage-stats"],
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    try:
        yield Cluster(f"127.0.0.1:{port}", settings)
    finally:
        subprocess.run([*_ray_command(), "stop", "--force"], env=env, capture_output=True, timeout=180)


def _brief(args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "translate_cli", *args], env=env, capture_output=True,
                          timeout=300, **kwargs)


def _corpus(root: Path, copies: int = 1) -> Path:
    """Seed articles (in a subfolder too), an empty file, a binary file and a cp1252 file."""
    (root / "sub").mkdir(parents=True)
    seeds = sorted(SEED.glob("*.fr.txt"))
    for n in range(copies):
        for i, seed in enumerate(seeds):
            where = root / "sub" if i % 2 else root
            (where / f"{n:02d}-{seed.name}").write_bytes(seed.read_bytes())
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x03 PNG \x00")
    (root / "cp1252.txt").write_bytes("Le café a fermé ses portes à Nîmes. « C'est fini », a-t-il dit.".encode("cp1252"))
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _outputs(root: Path) -> dict[str, bytes]:
    return {name: data for name, data in _tree(root).items() if name != ".brief-outcomes.jsonl"}


def test_the_ray_executor_writes_what_the_local_one_does_byte_for_byte(cluster, tiny_marian_dir, tmp_path):
    corpus = _corpus(tmp_path / "in")
    flags = [str(corpus), "--translator", str(tiny_marian_dir), *MODEL_FLAGS]
    ray = ["--executor", "ray", "--ray-address", cluster.address, "--actors", "1", "--cpus-per-actor", "1"]
    local = _brief(["translate", *flags, "--out-dir", str(tmp_path / "local"), "--format", "json"], cluster.env)
    on_ray = _brief(["translate", *flags, "--out-dir", str(tmp_path / "ray"), "--format", "json", *ray], cluster.env)
    assert local.returncode == on_ray.returncode == 1, on_ray.stderr.decode()[-3000:]  # the empty and binary files
    expected = _outputs(tmp_path / "local")
    assert len(expected) == 5 and _outputs(tmp_path / "ray") == expected
    outcomes = [(tmp_path / d / ".brief-outcomes.jsonl").read_text().splitlines() for d in ("local", "ray")]
    assert sorted(outcomes[0]) == sorted(outcomes[1]) and len(outcomes[0]) == 5
    for run in (local, on_ray):
        errors = [line for line in run.stderr.decode().splitlines() if line.startswith("brief: error:")]
        assert errors == [f"brief: error: {corpus}/binary.txt: binary data (NUL bytes), not a text file",
                          f"brief: error: {corpus}/empty.txt: empty input (no text to translate)"]
        assert run.stdout == b""
    # stdout: the same JSON Lines, in input order, and nothing of Ray's
    local = _brief(["translate", *flags, "--format", "jsonl"], cluster.env)
    on_ray = _brief(["translate", *flags, "--format", "jsonl", *ray], cluster.env)
    assert local.returncode == on_ray.returncode == 1
    assert on_ray.stdout == local.stdout
    records = [json.loads(line) for line in on_ray.stdout.splitlines()]
    assert [r["source"].removeprefix(str(corpus) + "/") for r in records] == [
        "00-budget-assemblee.fr.txt", "00-greve-sncf.fr.txt", "binary.txt", "cp1252.txt", "empty.txt",
        "sub/00-climat-cop.fr.txt", "sub/00-mali-russie-diop-lavrov.fr.txt"]
    assert [r["error"]["kind"] for r in records if "error" in r] == ["input", "input"]


def test_a_killed_ray_run_rerun_writes_every_output_once(cluster, tiny_marian_dir, tmp_path):
    corpus = _corpus(tmp_path / "in", copies=6)
    flags = [str(corpus), "--translator", str(tiny_marian_dir), *MODEL_FLAGS, "--format", "json"]
    assert _brief(["translate", *flags, "--out-dir", str(tmp_path / "clean")], cluster.env).returncode == 1
    expected = _outputs(tmp_path / "clean")
    assert len(expected) == 25
    out = tmp_path / "out"
    command = [sys.executable, "-m", "translate_cli", "translate", *flags, "--out-dir", str(out), "--executor", "ray",
               "--ray-address", cluster.address, "--cpus-per-actor", "1"]
    killed = subprocess.Popen(command, env=cluster.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not any(p.suffix == ".json" and not p.name.startswith(".") for p in out.rglob("*")):
        assert killed.poll() is None, "the run ended before its first output could be seen"
        assert time.monotonic() < deadline
        time.sleep(0.05)  # polling the output folder for the first output, not waiting for an outcome
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    partial = _outputs(out)
    assert 0 < len(partial) < 25, len(partial)
    assert all(expected[name] == data for name, data in partial.items() if not name.endswith(".brief-tmp"))
    rerun = _brief(command[3:], cluster.env)
    assert rerun.returncode == 1, rerun.stderr.decode()[-3000:]
    assert _outputs(out) == expected  # each output once, complete; no temporary file left
    skipped = [line for line in rerun.stderr.decode().splitlines() if line.startswith("brief: skipped")]
    assert len(skipped) == len([n for n in partial if not n.endswith(".brief-tmp")])


def test_an_unreachable_cluster_is_a_setup_error_in_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Le ministre est arrivé.", encoding="utf-8")
    address = f"127.0.0.1:{_free_port()}"
    started = time.monotonic()
    done = _brief(["translate", str(tmp_path / "a.txt"), "--executor", "ray", "--ray-address", address,
                   "--summarizer", "extractive"], os.environ)
    assert done.returncode == 3 and done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        f"brief: error: cannot reach a Ray cluster at {address} (Connection refused); start one with 'ray start "
        "--head', or check --ray-address"]
    assert time.monotonic() - started < 60


def test_a_worker_without_the_model_fails_the_run_in_one_line(cluster, tmp_path):
    (tmp_path / "a.txt").write_text("Le ministre est arrivé.", encoding="utf-8")
    done = _brief(["translate", str(tmp_path / "a.txt"), "--executor", "ray", "--ray-address", cluster.address,
                   "--translator", str(tmp_path / "no-model"), "--summarizer", "extractive"], cluster.env)
    assert done.returncode == 3 and done.stdout == b""
    errors = [line for line in done.stderr.decode().splitlines() if "error" in line.lower()]
    assert errors == [line for line in errors if line.startswith("brief: error: ")] and len(errors) == 1
    assert str(tmp_path / "no-model") in errors[0]
    assert b"Traceback" not in done.stderr


def test_a_pool_the_cluster_cannot_hold_is_a_setup_error(cluster, tmp_path):
    (tmp_path / "a.txt").write_text("Le ministre est arrivé.", encoding="utf-8")
    done = _brief(["translate", str(tmp_path / "a.txt"), "--executor", "ray", "--ray-address", cluster.address,
                   "--gpus-per-actor", "1", "--summarizer", "extractive"], cluster.env)
    assert done.returncode == 3
    assert done.stderr.decode().splitlines()[-1] == (
        "brief: error: the Ray cluster has 0 GPUs; --actors 1 with --gpus-per-actor 1 needs 1")


LIBRARY_SCRIPT = """
import json, os, sys
import ray
import translate_cli
from translate_cli.ray import connect, translate_dataset

address, model = sys.argv[1:]
options = translate_cli.resolve_options({"translator": model, "backend": "torch", "device": "cpu",
                                         "summarizer": "extractive", "max_new_tokens": 12})
rows = [{"id": f"r{i}", "text": text, "desk": "world"} for i, text in enumerate(
    ["« Nous voulons la paix », a déclaré le ministre.", "", "Le trafic est perturbé depuis mardi."])]
assert connect(address, env_vars={"BRIEF_CACHE": os.environ["BRIEF_CACHE"], "HF_HUB_OFFLINE": "1"})
out = translate_dataset(ray.data.from_items(rows), actors=1, cpus_per_actor=1, batch_size=2, options=options)
got = sorted(out.take_all(), key=lambda row: row["id"])
ray.shutdown()
local = translate_cli.load(options=options).translate(rows[0]["text"])
print(json.dumps({"rows": got, "local": local.translation}))
"""


def test_translate_dataset_gives_brief_records_and_error_rows(cluster, tiny_marian_dir):
    done = subprocess.run([sys.executable, "-c", LIBRARY_SCRIPT, cluster.address, str(tiny_marian_dir)],
                          env=cluster.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    got = answer["rows"]
    assert [row["id"] for row in got] == ["r0", "r1", "r2"]
    assert got[1]["result"] is None and got[1]["error"] == {"kind": "input",
                                                            "message": "id r1: empty input (no text to translate)"}
    first = json.loads(got[0]["result"])
    assert got[0]["error"] is None and first["id"] == "r0" and first["input"] == {"desk": "world"}
    assert len(first["quotes"]) == 1 and first["quotes"][0]["source"] == "Nous voulons la paix"
    assert first["translation"] == answer["local"]
    assert json.loads(got[2]["result"])["id"] == "r2" and got[2]["error"] is None


def test_gpu_actors_reserve_their_share_through_the_current_api(tiny_marian_dir):
    import ray.data

    from translate_cli.ray.dataset import actor_options, map_settings

    settings = map_settings(actors=3, cpus_per_actor=2, gpus_per_actor=0.5, batch_size=4)
    assert isinstance(settings["compute"], ray.data.ActorPoolStrategy)
    assert (settings["compute"].min_size, settings["compute"].max_size) == (3, 3)
    assert (settings["num_cpus"], settings["num_gpus"], settings["batch_size"]) == (2, 0.5, 4)
    assert "num_gpus" not in map_settings(actors=1, cpus_per_actor=1, gpus_per_actor=0, batch_size=1)
    import translate_cli

    options = translate_cli.resolve_options({"translator": str(tiny_marian_dir)})
    assert actor_options(options, 2).engine.threads == 2  # an actor's models use the CPUs it reserves
    assert actor_options(options.with_overrides(threads=3), 2).engine.threads == 3  # unless told otherwise
