"""The Ray Data callable class without Ray: rows in, brief's JSON Lines records out, bad rows as error rows, ids in
the order given; a worker's setup failure readable by the driver; the CLI's Ray options without Ray imported."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from translate_cli.cli import cli
from translate_cli.errors import ModelError, SetupError
from translate_cli.ray.executor import InputRows, cluster_error, worker_environment
from translate_cli.ray.rows import TranslateRows, WorkerSetupError, setup_error_in

GOOD = "Le ministre est arrivé lundi. « Nous voulons la paix », a-t-il déclaré."
OTHER = "La grève touche la SNCF depuis mardi. Le trafic est perturbé."


@pytest.fixture(scope="module")
def rows_class(tiny_marian_dir, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEF_CACHE", str(tmp_path_factory.mktemp("rows-cache")))
        return TranslateRows(translator=str(tiny_marian_dir), backend="torch", device="cpu",
                             summarizer="extractive", max_new_tokens=12)


def test_rows_are_the_records_brief_writes_for_jsonl_in_the_order_given(rows_class, tiny_marian_dir, tmp_path):
    records = [{"id": "b2", "text": OTHER, "desk": "economy"}, {"id": 7, "text": GOOD, "desk": "world"}]
    out = rows_class({"id": np.array(["b2", 7], dtype=object), "text": np.array([OTHER, GOOD]),
                      "desk": np.array(["economy", "world"])})
    assert out["id"] == ["b2", 7] and out["error"] == [None, None]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    cli_run = CliRunner().invoke(cli, ["translate", str(source), "--input-format", "jsonl", "--format", "jsonl",
                                       "--translator", str(tiny_marian_dir), "--backend", "torch", "--device", "cpu",
                                       "--summarizer", "extractive", "--max-new-tokens", "12"])
    assert cli_run.exit_code == 0, cli_run.stderr
    expected = [json.loads(line) for line in cli_run.stdout.splitlines()]
    got = [json.loads(result) for result in out["result"]]
    for record in (*expected, *got):
        record.pop("source")  # the CLI names the .jsonl file; a dataset row has no file
    assert got == expected
    assert [g["id"] for g in got] == ["b2", "7"] and got[1]["input"] == {"desk": "world"}
    assert len(got[1]["quotes"]) == 1 and got[1]["quotes"][0]["source"] == "Nous voulons la paix"


def test_bad_rows_are_error_rows_and_the_others_go_on(rows_class):
    out = rows_class({"id": [1, 2, 3, 4], "text": [GOOD, None, "   \n", 42]})
    assert out["id"] == [1, 2, 3, 4]
    assert out["result"][0] is not None and json.loads(out["result"][0])["id"] == "1"
    assert out["result"][1:] == [None, None, None]
    assert out["error"][0] is None
    assert out["error"][1] == {"kind": "input", "message": 'id 2: "text" must be a string, not null'}
    assert out["error"][2] == {"kind": "input", "message": "id 3: empty input (no text to translate)"}
    assert out["error"][3] == {"kind": "input", "message": 'id 4: "text" must be a string, not int'}


def test_rows_without_an_id_column_are_a_usage_error(rows_class):
    from translate_cli.errors import UsageError

    with pytest.raises(UsageError, match='"id" column'):
        rows_class({"text": [GOOD]})


def test_a_worker_that_cannot_load_brief_fails_with_a_line_the_driver_reads_back(tmp_path):
    with pytest.raises(WorkerSetupError) as caught:
        TranslateRows(translator=str(tmp_path / "no-such-model"), summarizer="extractive")
    assert caught.value.kind == "model"
    again = pickle.loads(pickle.dumps(caught.value))  # it crosses to the driver pickled, or as text
    assert (again.kind, again.message) == (caught.value.kind, caught.value.message)
    ray_text = f"The actor died because of an error raised in its creation task\n  File ...\n{type(again).__name__}: {again}"
    found = setup_error_in(ray_text)
    assert isinstance(found, ModelError) and str(found) == caught.value.message
    assert isinstance(cluster_error(RuntimeError(ray_text)), ModelError)
    other = cluster_error(RuntimeError("\n  Node 10.0.0.3 died\nmore"))
    assert isinstance(other, SetupError) and str(other) == "the Ray job failed: Node 10.0.0.3 died"


def test_the_clis_rows_are_windows_of_read_inputs_answered_by_position(rows_class, tmp_path):
    from translate_cli.batch import discover, prefetched

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    first, second = (prefetched(item) for item in discover([str(tmp_path)]))
    worker = InputRows(pipeline=rows_class.pipeline)
    out = worker({"id": np.array([0, 1]), "inputs": [pickle.dumps([(5, first)]), pickle.dumps([(9, second)])]})
    assert out["id"] == [0, 1]
    (answers_a, warnings), (answers_b, _) = (pickle.loads(blob) for blob in out["outcomes"])
    [(position_a, result_a)], [(position_b, result_b)] = answers_a, answers_b
    assert (position_a, position_b) == (5, 9)
    assert result_a.source.endswith("a.txt") and len(result_a.quotes) == 1
    assert result_b.source.endswith("b.txt") and warnings == rows_class.pipeline.load_warnings
    alone = rows_class.pipeline.translate_source(first.read)
    assert json.dumps(result_a.to_dict()) == json.dumps(alone.to_dict())


def test_the_driver_groups_inputs_as_a_local_run_does():
    from translate_cli.pipeline import windows
    from translate_cli.reading import Source

    sources = [Source("Une phrase. " * n, f"d{n}", ()) for n in (100, 20, 10, 3, 130, 1)]
    sizes = [[work.source.name for _, work in window] for window in windows(sources, window_sentences=128)]
    assert sizes == [["d100", "d20", "d10"], ["d3", "d130"], ["d1"]]
    regrouped = [[work.source.name for _, work in window]
                 for window in windows([s for s in sources if s.name in ("d100", "d20", "d10")])]
    assert regrouped == [["d100", "d20", "d10"]]  # a window given alone is one window again


def test_workers_get_brief_and_hub_settings_but_no_tokens():
    environ = {"BRIEF_CACHE": "/shared/cache", "HF_HOME": "/shared/hf", "HF_TOKEN": "secret", "PATH": "/bin",
               "TRANSFORMERS_VERBOSITY": "error", "HUGGING_FACE_HUB_TOKEN": "secret"}
    assert worker_environment(environ) == {"BRIEF_CACHE": "/shared/cache", "HF_HOME": "/shared/hf",
                                           "TRANSFORMERS_VERBOSITY": "error"}


@pytest.mark.parametrize("option", [["--actors", "2"], ["--ray-address", "auto"], ["--gpus-per-actor", "1"],
                                    ["--cpus-per-actor", "2"]])
def test_ray_settings_need_the_ray_executor(cli_fake, tmp_path, option):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(tmp_path / "a.txt"), *option])
    assert result.exit_code == 2 and f"{option[0]} needs --executor ray" in result.stderr


def test_the_ray_executor_without_the_extra_is_a_setup_error(cli_fake, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError, as when the extra is absent
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(tmp_path / "a.txt"), "--executor", "ray"])
    assert result.exit_code == 3
    assert result.stderr.startswith("brief: error: --executor ray needs brief's ray extra "
                                    '(pip install "brief-translate[ray]")')
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_a_local_run_imports_no_ray(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    fake_brief = Path(__file__).with_name("fake_brief.py")
    code = ("import runpy, sys\n"
            f"sys.argv = ['brief', 'translate', {str(tmp_path / 'a.txt')!r}, '--format', 'json']\n"
            "try:\n"
            f"    runpy.run_path({str(fake_brief)!r}, run_name='__main__')\n"
            "except SystemExit as exit:\n"
            "    assert exit.code == 0, exit.code\n"
            "print('ray' in sys.modules, 'translate_cli.ray' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "BRIEF_SUMMARIZER": "extractive"})
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False False"
    assert json.loads(done.stdout)["translation"]


def test_the_clis_worker_that_cannot_load_answers_each_row_with_its_setup_error(tmp_path):
    from translate_cli.batch import discover

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    worker = InputRows(translator=str(tmp_path / "no-such-model"), summarizer="extractive")
    [item] = discover([str(tmp_path / "a.txt")])
    out = worker({"id": [3], "inputs": [pickle.dumps([(4, item)])]})
    [([(position, failure)], warnings)] = [pickle.loads(blob) for blob in out["outcomes"]]
    assert position == 4
    assert isinstance(failure, WorkerSetupError) and failure.kind == "model" and warnings == ()
    assert isinstance(failure.as_error(), ModelError) and str(failure.as_error()) == failure.message
