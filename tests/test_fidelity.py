"""Fidelity checks inside the pipeline: flags in the Result, retries with other decoding, --strict, writers."""

import json

import pytest
from click.testing import CliRunner
from fakes import FakeTranslator, fake_loader

import translate_cli
from translate_cli import backends
from translate_cli.cli import cli
from translate_cli.options import Options

FRENCH = "Le gouvernement prévoit 1,5 million d'euros pour la ville. Les travaux commencent lundi."
GOOD = {
    "Le gouvernement prévoit 1,5 million d'euros pour la ville.": "The government plans 1.5 million euros for the city.",
    "Les travaux commencent lundi.": "Work begins on Monday.",
}


def good(text: str) -> str:
    return GOOD[text]


def load(fn, retry_fn=None, **options):
    options.setdefault("summarizer", "extractive")
    fake = FakeTranslator(fn, retry_fn=retry_fn)
    return translate_cli.load(fake, options=Options(**options)), fake


def flagged(result):
    return [(c.check, c.sentence) for c in result.flagged]


def test_correct_translation_raises_nothing():
    brief, fake = load(good)
    result = brief.translate(FRENCH)
    assert result.checks == ()
    assert fake.retried == []


@pytest.mark.parametrize(
    "broken, check",
    [
        ("The government plans euros for the city.", "numbers"),
        ("Le gouvernement prévoit 1,5 million d'euros pour la ville.", "echo"),
        ("The government the government the government the government the government plans 1.5 million.",
         "repetition"),
        ("", "coverage"),
    ],
)
def test_each_failure_is_flagged_by_the_right_check(broken, check):
    brief, _ = load(lambda text: broken if text.startswith("Le gouvernement") else good(text), retries=0)
    result = brief.translate(FRENCH)
    assert flagged(result) == [(check, 0)]
    assert result.to_dict()["checks"][0] == {
        "check": check, "severity": "error", "sentence": 0, "detail": result.checks[0].detail
    }


def test_a_loop_is_retried_and_the_better_candidate_kept():
    loop = "The government the government the government the government the government plans 1.5 million."
    brief, fake = load(lambda t: loop if t.startswith("Le gouvernement") else good(t), retry_fn=good)
    result = brief.translate(FRENCH)
    assert fake.retried == [["Le gouvernement prévoit 1,5 million d'euros pour la ville."]]
    assert result.sentences[0].target == "The government plans 1.5 million euros for the city."
    assert result.flagged == []
    [note] = result.checks
    assert (note.check, note.severity, note.sentence) == ("retry", "info", 0)
    assert "repetition" in note.detail and "kept the retry" in note.detail
    assert result.translation.startswith("The government plans 1.5 million euros")


def test_a_retry_that_is_no_better_is_discarded_and_recorded():
    brief, fake = load(lambda t: t, retry_fn=lambda t: t)  # echoes French, retried, still echoes
    result = brief.translate(FRENCH)
    assert len(fake.retried) == 1
    assert [c.check for c in result.checks] == ["echo", "retry", "echo", "retry"]
    assert all("kept the first translation" in c.detail for c in result.checks if c.check == "retry")


def test_retries_zero_turns_retries_off_and_n_allows_n_rounds():
    brief, fake = load(lambda t: t, retry_fn=lambda t: t, retries=0)
    brief.translate(FRENCH)
    assert fake.retried == []
    brief, fake = load(lambda t: t, retry_fn=lambda t: t, retries=3)
    brief.translate(FRENCH)
    assert len(fake.retried) == 3


def test_quoted_sentence_retry_keeps_its_quotation():
    source = "« Nous voulons la paix », a dit le ministre."
    loop = "“We want peace peace peace peace peace peace,” said the minister."
    brief, _ = load(lambda t: loop, retry_fn=lambda t: "“We want peace,” said the minister.")
    result = brief.translate(source)
    assert result.translation == "“We want peace,” said the minister."
    assert [q.target for q in result.quotes] == ["We want peace,"]


def test_brief_numbers_are_checked_against_the_translation(monkeypatch):
    from translate_cli import briefer
    from translate_cli.result import Brief

    brief, _ = load(good)
    real = briefer.summarise_result

    def inventive(result, summariser, decoding):
        made = real(result, summariser, decoding)
        return Brief("Government plans 7 million", made.summary, made.quotes, made.method, made.checks, 0, 0, ())

    monkeypatch.setattr(briefer, "summarise_result", inventive)
    result = brief.translate(FRENCH)
    assert [c.check for c in result.flagged] == ["brief_numbers"]
    assert result.flagged[0].sentence is None


@pytest.fixture
def echoing(monkeypatch):
    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    translator = FakeTranslator(lambda t: t)
    monkeypatch.setattr(backends, "load_engine", fake_loader(translator))


def test_strict_exits_4_and_reports_on_stderr(tmp_path, echoing):
    article = tmp_path / "a.txt"
    article.write_text(FRENCH, encoding="utf-8")
    runner = CliRunner()
    lenient = runner.invoke(cli, ["translate", str(article), "--format", "json"])
    assert lenient.exit_code == 0
    assert "checks flagged: echo ×2 (sentences 1, 2)" in lenient.stderr  # numbered from 1 for people
    assert {c["check"] for c in json.loads(lenient.stdout)["checks"]} == {"echo", "retry"}
    strict = runner.invoke(cli, ["translate", str(article), "--strict"])
    assert strict.exit_code == 4
    markdown = runner.invoke(cli, ["translate", str(article), "--format", "markdown", "--retries", "0"])
    assert "## Checks" in markdown.stdout
    assert "**echo** (error, sentence 1 “Le gouvernement prévoit 1,5 million d'euros …”)" in markdown.stdout


def test_strict_with_clean_translation_exits_0(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    translator = FakeTranslator(good)
    monkeypatch.setattr(backends, "load_engine", fake_loader(translator))
    article = tmp_path / "a.txt"
    article.write_text(FRENCH, encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(article), "--strict", "--no-brief"])
    assert result.exit_code == 0 and result.stderr == ""


def test_an_empty_model_output_keeps_the_french_and_flags_coverage():
    brief, _ = load(lambda t: "" if t.startswith("Le gouvernement") else good(t))
    result = brief.translate(FRENCH)
    assert result.sentences[0].target == "Le gouvernement prévoit 1,5 million d'euros pour la ville."
    assert [(c.check, c.sentence) for c in result.flagged] == [("coverage", 0)]
    assert "French kept" in result.flagged[0].detail
    assert [c.check for c in result.checks if c.check == "retry"] == ["retry"]


def test_an_empty_quote_translation_keeps_the_french_quote():
    words = {"Il a dit": "He said", "hier.": "yesterday.", "nous voulons la paix": ""}
    brief, _ = load(lambda t: words.get(t, "He said yesterday."))  # the whole sentence loses its quote marks
    result = brief.translate("Il a dit « nous voulons la paix » hier.")
    assert result.translation == "He said “nous voulons la paix” yesterday."
    assert [(c.check, c.sentence) for c in result.flagged] == [("coverage", 0)]
