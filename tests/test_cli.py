"""The `brief` command through click's CliRunner, with a fake translator in place of a model."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeTranslator, fake_loader
from quote_check import top_level_quotes

from translate_cli import backends
from translate_cli.cli import cli
from translate_cli.errors import ModelNotFoundError

SEED = Path(__file__).resolve().parent.parent / "seeds" / "mali-russie-diop-lavrov.fr.txt"


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setenv("BRIEF_SUMMARIZER", "extractive")
    translator = FakeTranslator()
    monkeypatch.setattr(backends, "load_engine", fake_loader(translator))
    return translator


@pytest.fixture
def runner():
    return CliRunner()


def test_text_output_is_the_translation_only_with_no_brief(runner, fake):
    result = runner.invoke(cli, ["translate", str(SEED), "--no-brief"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("LES CHEFS DES DIPLOMATIES")
    assert len(top_level_quotes(result.stdout)) == 11
    # the upper-casing fake leaves French in place: the echo check says so, on stderr only
    # sentence numbers for people start at 1 (issue 12 #16)
    assert result.stderr == f"brief: warning: {SEED}: 11 checks flagged: echo ×11 (sentences 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)\n"


def test_text_output_labels_the_brief_then_the_translation_then_the_checks(runner, fake):
    # Issue 12 #16: the text output's parts are labelled (it had no labels).
    result = runner.invoke(cli, ["translate", str(SEED)])
    assert result.exit_code == 0, result.output
    brief, rest = result.stdout.split("\nTranslation:\n")
    translation, checks = rest.split("\n\nChecks:\n")
    lines = brief.splitlines()
    assert lines[0].startswith("Headline: ") and lines[1].startswith("Summary: ") and lines[2] == "Key quotes:"
    key_quotes = lines[3:]
    assert 1 <= len(key_quotes) <= 3 and all(line.startswith("  “") for line in key_quotes)
    assert len(top_level_quotes(translation)) == 11
    for quote in top_level_quotes(brief):
        assert f"“{quote}”" in translation or quote in translation
    # the upper-casing fake echoes every sentence: each flag names its sentence from 1, with its opening words
    checks, quotations = checks.split("\n\nQuotations:\n")
    check_lines = checks.splitlines()
    assert len(check_lines) == 11
    assert check_lines[0].startswith("  echo (error, sentence 1 “LES CHEFS DES DIPLOMATIES MALIENNE ET …”): ")
    assert check_lines[10].startswith("  echo (error, sentence 11 ")
    # Issue 13: then each quotation, its French verbatim from the article, its English from the translation
    french = SEED.read_text(encoding="utf-8")
    quote_lines = quotations.splitlines()
    assert len(quote_lines) == 2 * 11
    for number, (fr_line, en_line) in enumerate(zip(quote_lines[::2], quote_lines[1::2]), 1):
        assert fr_line.startswith(f"  {number}. fr: ") and en_line.startswith("     en: ")
        assert fr_line.split(": ", 1)[1] in french
        assert en_line.split(": ", 1)[1] in translation


def test_summarizer_auto_falls_back_to_extractive_offline(runner, fake, monkeypatch):
    monkeypatch.delenv("BRIEF_SUMMARIZER")
    result = runner.invoke(cli, ["translate", str(SEED), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["brief"]["method"] == "extractive"
    assert any("extractive" in w for w in data["warnings"])
    assert "extractive" in result.stderr


def test_json_output(runner, fake):
    result = runner.invoke(cli, ["translate", str(SEED), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["source", "translation", "sentences", "quotes", "models", "warnings", "checks", "brief"]
    assert data["source"] == str(SEED)
    assert len(data["quotes"]) == 11
    assert len(data["sentences"]) == 11
    assert data["models"]["translator"]["name"] == "fake"
    assert list(data["quotes"][0]) == ["source", "start", "end", "target", "sentences", "nested", "method", "origin",
                                      "speaker"]
    assert list(data["sentences"][0]) == ["index", "paragraph", "source", "start", "end", "target"]
    french = SEED.read_text(encoding="utf-8")
    for item in data["sentences"] + data["quotes"]:
        assert french[item["start"]: item["end"]] == item["source"]
    brief = data["brief"]
    assert 1 <= len(brief["quotes"]) <= 3
    assert all(q["text"] in data["translation"] for q in brief["quotes"])


def test_stdin_dash_and_pipe(runner, fake):
    for args in (["translate", "-"], ["translate"]):
        result = runner.invoke(cli, [*args, "--no-brief"], input="Il a dit « oui ».".encode())
        assert result.exit_code == 0
        assert result.stdout == "IL A DIT “OUI”.\n"


def test_output_file(runner, fake, tmp_path):
    out = tmp_path / "sub" / "out.txt"
    result = runner.invoke(cli, ["translate", str(SEED), "-o", str(out), "--no-brief"])
    assert result.exit_code == 0 and result.stdout == ""
    assert len(top_level_quotes(out.read_text(encoding="utf-8"))) == 11
    assert [p.name for p in out.parent.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("style, marks", [("straight", '"'), ("guillemets", "«")])
def test_quote_styles(runner, fake, style, marks):
    result = runner.invoke(cli, ["translate", "-", "--quotes", style], input="Il a dit « oui ».".encode())
    assert marks in result.stdout


@pytest.mark.parametrize(
    "content, code, words",
    [
        (b"", 1, "empty"),
        (b"  \n \n", 1, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", 1, "binary"),
    ],
)
def test_bad_inputs_one_line_and_exit_code(runner, fake, tmp_path, content, code, words):
    path = tmp_path / "in.txt"
    path.write_bytes(content)
    result = runner.invoke(cli, ["translate", str(path)])
    assert result.exit_code == code
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr and "Traceback" not in result.stderr
    assert fake.batches == []  # nothing sent to the model


def test_missing_file_is_usage_error(runner, fake, tmp_path):
    result = runner.invoke(cli, ["translate", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"brief: error: no such file or directory: {tmp_path / 'nope.txt'}"]


def test_bad_option_is_usage_error_in_one_line(runner, fake):
    result = runner.invoke(cli, ["translate", str(SEED), "--format", "pdf"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(cli, ["translate", str(SEED), "--beams", "0"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["translate", str(SEED), "--max-new-tokens", "lots"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "brief: error: max_new_tokens: a token cap is N (fixed), Rx or Rx+N (relative to the source), "
        "or 0 (default), not 'lots'"]
    assert fake.batches == []


def test_encodings_translate_with_accents(runner, fake, tmp_path):
    text = "Le président a été reçu à Noël : « très bien »."
    for encoding in ("cp1252", "latin-1", "utf-16"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        result = runner.invoke(cli, ["translate", str(path), "--no-brief"])
        assert result.exit_code == 0
        assert result.stdout == "LE PRÉSIDENT A ÉTÉ REÇU À NOËL: “TRÈS BIEN”.\n"
        assert ("not UTF-8" in result.stderr) == (encoding != "utf-16")


def test_model_error_exit_3_and_debug_traceback(runner, monkeypatch):
    def missing(role, spec, options, notify=None):
        raise ModelNotFoundError("translator 'x' is not in the cache: run 'brief models pull x'")

    monkeypatch.setattr(backends, "load_engine", missing)
    result = runner.invoke(cli, ["translate", str(SEED)])
    assert result.exit_code == 3
    assert result.stderr == "brief: error: translator 'x' is not in the cache: run 'brief models pull x'\n"
    result = runner.invoke(cli, ["--debug", "translate", str(SEED)])
    assert result.exit_code == 3 and "Traceback" in result.stderr
    monkeypatch.setenv("BRIEF_DEBUG", "1")
    result = runner.invoke(cli, ["translate", str(SEED)])
    assert "Traceback" in result.stderr


def test_unexpected_error_is_one_line(runner, monkeypatch):
    def boom(role, spec, options, notify=None):
        raise RuntimeError("kaboom\nsecond line")

    monkeypatch.setattr(backends, "load_engine", boom)
    result = runner.invoke(cli, ["translate", str(SEED)])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "kaboom" in result.stderr


def test_env_and_flags_precedence(runner, fake, monkeypatch):
    monkeypatch.setenv("BRIEF_QUOTES", "straight")
    monkeypatch.setenv("BRIEF_BRIEF", "false")
    result = runner.invoke(cli, ["translate", "-"], input="« oui »".encode())
    assert result.stdout == '"OUI"\n'
    result = runner.invoke(cli, ["translate", "-", "--quotes", "guillemets"], input="« oui »".encode())
    assert result.stdout == "«OUI»\n"
    monkeypatch.setenv("BRIEF_BEAMS", "many")
    result = runner.invoke(cli, ["translate", "-"], input="« oui »".encode())
    assert result.exit_code == 2 and "BRIEF_BEAMS" in result.stderr


def test_help_and_version(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "Exit codes" in result.stdout and "130" in result.stdout
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "brief" in result.stdout


def test_missing_pinned_model_offline_is_one_line_with_the_fix(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    result = runner.invoke(cli, ["translate", str(SEED)])
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("brief: error: ") and "brief models pull opus-mt-fr-en" in line and "--translator" in line


def test_the_command_lines_choices_are_the_librarys():
    from translate_cli.cli import options as cli_options
    from translate_cli.options import BACKENDS, PRECISIONS, QUOTE_STYLES
    from translate_cli.writers import FORMATS

    assert (cli_options.BACKENDS, cli_options.PRECISIONS, cli_options.QUOTE_STYLES, cli_options.FORMATS) == (
        BACKENDS, PRECISIONS, QUOTE_STYLES, FORMATS)


def test_output_format_follows_the_output_files_extension(runner, fake, tmp_path):
    # Issue 12 #3: -o out.json wrote text.
    for name, check in (("out.json", lambda t: json.loads(t)["source"] == str(SEED)),
                        ("out.jsonl", lambda t: json.loads(t.splitlines()[0])["source"] == str(SEED)),
                        ("out.md", lambda t: "## Quotations" in t),
                        ("out.txt", lambda t: t.startswith("LES CHEFS") and "## Quotations" not in t),
                        ("out.data", lambda t: t.startswith("LES CHEFS"))):
        result = runner.invoke(cli, ["translate", str(SEED), "--no-brief", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.stderr
        assert check((tmp_path / name).read_text(encoding="utf-8")), name
    clash = runner.invoke(cli, ["translate", str(SEED), "-o", str(tmp_path / "x.json"), "--format", "text"])
    assert clash.exit_code == 2 and "names json output but --format is text" in clash.stderr
    assert not (tmp_path / "x.json").exists() and fake.batches[-1]  # refused before any work on it
    agreed = runner.invoke(cli, ["translate", str(SEED), "--no-brief", "-o", str(tmp_path / "y.json"), "-f", "json"])
    assert agreed.exit_code == 0 and json.loads((tmp_path / "y.json").read_text(encoding="utf-8"))


def test_control_characters_pasted_from_a_terminal_are_removed_with_a_warning(runner, fake):
    # Issue 12 #8: a BEL and a colour sequence (3 control characters) in 150 characters were refused as binary.
    text = ("Le ministre a déclaré \x1b[31mlundi\x1b[0m que la paix reviendra\x07 bientôt dans la région, selon un "
            "communiqué publié par ses services dans la soirée.")
    result = runner.invoke(cli, ["translate", "-", "--no-brief"], input=text.encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("LE MINISTRE A DÉCLARÉ LUNDI QUE LA PAIX REVIENDRA BIENTÔT DANS LA RÉGION, SELON UN "
                             "COMMUNIQUÉ PUBLIÉ PAR SES SERVICES DANS LA SOIRÉE.\n")
    assert "brief: warning: -: removed 1 control character and 2 terminal escape sequences" in result.stderr
    kept = runner.invoke(cli, ["translate", "-", "--no-brief"], input=b"Un.\fDeux.\r\nTrois.\tQuatre.")
    assert kept.exit_code == 0 and "removed" not in kept.stderr  # tab, CR, LF and form feed are text
    assert kept.stdout == "UN.\n\nDEUX.\nTROIS. QUATRE.\n"
    noisy = runner.invoke(cli, ["translate", "-"], input=("abc\x01\x02" * 40).encode())
    assert noisy.exit_code == 1 and "binary data (80 control characters)" in noisy.stderr
    nul = runner.invoke(cli, ["translate", "-"], input=b"Le texte\x00 suivant.")
    assert nul.exit_code == 1 and "NUL bytes" in nul.stderr


def test_summarizer_auto_without_the_model_warns_once_per_run_and_briefly(runner, fake, monkeypatch, tmp_path):
    # Issue 12 #10: a ~300-character warning, once per document.
    monkeypatch.delenv("BRIEF_SUMMARIZER")
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text("Le ministre a dit « oui » lundi.", encoding="utf-8")
    result = runner.invoke(cli, ["translate", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "extractive" in line]
    assert warning == ("brief: warning: briefs are extractive: the summariser distilbart-cnn-12-6 is not in the "
                       "cache and downloads are disabled (HF_HUB_OFFLINE is set) ('brief models pull "
                       "distilbart-cnn-12-6' gets it)")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(r["models"]["summarizer"]["name"] == "extractive" and r["brief"]["method"] == "extractive"
               for r in records)
    assert all(any("briefs are extractive" in w for w in r["warnings"]) for r in records)  # each record says it


def test_models_summarizer_names_what_wrote_the_brief(fake, tmp_path):
    # Issue 12 #10: after a fallback to extractive, models.summarizer still named the model.
    class Useless:
        name, max_input_tokens = "useless", 500

        def count_tokens(self, texts):
            return [len(t.split()) for t in texts]

        def summarise(self, texts, decoding):
            return ["" for _ in texts]

    from fakes import fake_loader

    from translate_cli.cli import Environment

    (tmp_path / "a.txt").write_text("Le ministre a dit « oui » lundi.", encoding="utf-8")
    environment = Environment(load_engine=fake_loader(FakeTranslator(), Useless()), environ={})
    result = CliRunner().invoke(cli, ["translate", str(tmp_path / "a.txt"), "-f", "json"], obj=environment)
    data = json.loads(result.stdout)
    assert data["brief"]["method"] == "extractive" and data["models"]["summarizer"]["name"] == "extractive"
    assert any("summariser useless: empty output; using the extractive summary" in w for w in data["warnings"])


def test_debug_is_accepted_on_every_command(runner, monkeypatch):
    # Issue 12 #11: `brief translate --debug` was "No such option".
    def missing(role, spec, options, notify=None):
        raise ModelNotFoundError("translator 'x' is not in the cache: run 'brief models pull x'")

    monkeypatch.setattr(backends, "load_engine", missing)
    for args in (["translate", "--debug", str(SEED)], ["translate", str(SEED), "--debug"],
                 ["--debug", "translate", str(SEED)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 3 and "Traceback" in result.stderr, args
        assert result.stderr.splitlines()[-1] == "brief: error: translator 'x' is not in the cache: run 'brief models pull x'"
    assert runner.invoke(cli, ["summarize", "--debug", "-", "--summarizer", "extractive"], input=b"It rained.").exit_code == 0
    assert runner.invoke(cli, ["models", "list", "--debug"]).exit_code == 0
    assert runner.invoke(cli, ["models", "--debug", "list"]).exit_code == 0


def test_bare_brief_prints_a_short_usage_and_help_lines_are_whole(runner):
    # Issue 12 #12: bare `brief` printed the whole help framed as an error; --help cut descriptions with "…".
    for args, path in (([], "brief"), (["models"], "brief models")):
        result = runner.invoke(cli, args, prog_name="brief")
        assert result.exit_code == 2 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines[0] == f"Usage: {path} COMMAND [ARGS]..." and "error" not in result.stderr
        assert lines[-1] == f"See '{path} --help', or '{path} COMMAND --help'."
        assert len(lines) < 12
    usage = runner.invoke(cli, []).stderr
    assert "  translate  Translate French articles into English, quotations intact." in usage
    for args in (["--help"], ["models", "--help"]):
        listing = runner.invoke(cli, args).stdout.split("Commands:")[1].split("\n\n")[0]
        assert listing.strip() and "..." not in listing and "…" not in listing, listing


def test_the_closing_summary_times_the_whole_run(tmp_path, monkeypatch):
    # Issue 12 #15: the summary's time left out loading (and a first conversion) of the models.
    from fakes import fake_loader

    from translate_cli.cli import Environment, progress

    clock = [1000.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    real = fake_loader(FakeTranslator())

    def slow(role, spec, options, notify=None):
        clock[0] += 100.0  # loading took 100 s
        return real(role, spec, options, notify)

    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text("Le ministre est arrivé.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(tmp_path), "--summarizer", "extractive", "-f", "jsonl"],
                                obj=Environment(load_engine=slow, environ={}))
    assert result.stderr.splitlines()[-1] == "brief: 2 translated, 0 failed of 2 in 100.0s"


ENGLISH_ARTICLE = ("The minister arrived in Paris on Monday to present the budget. “We have no choice,” said the "
                   "minister, Antoine Mercier. The opposition promised hundreds of amendments to the text, which cuts "
                   "spending on housing and schools.\n")
FRENCH_ARTICLE = ("Le ministre est arrivé lundi à Paris pour présenter le budget. « Nous n'avons pas le choix », a "
                  "déclaré le ministre. L'opposition a promis des centaines d'amendements au texte, qui réduit les "
                  "dépenses pour le logement et les écoles.\n")


def test_summarize_takes_the_inputs_and_outputs_translate_takes(runner, tmp_path):
    # Issue 12 #13: summarize had no -o, --out-dir, directories or several files.
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "a.txt").write_text(ENGLISH_ARTICLE, encoding="utf-8")
    (folder / "b.md").write_text(ENGLISH_ARTICLE.replace("Paris", "Lyon"), encoding="utf-8")
    extractive = ["--summarizer", "extractive"]
    out = tmp_path / "briefs"
    result = runner.invoke(cli, ["summarize", str(folder), "--out-dir", str(out), *extractive])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.brief.txt", "b.brief.txt"]
    assert (out / "a.brief.txt").read_text(encoding="utf-8").startswith("Headline: The minister arrived in Paris")
    assert "brief: 2 summarized, 0 failed of 2" in result.stderr
    again = runner.invoke(cli, ["summarize", str(folder), "--out-dir", str(out), *extractive])
    assert "2 skipped" in again.stderr
    lines = runner.invoke(cli, ["summarize", str(folder / "a.txt"), str(folder / "b.md"), "-f", "jsonl",
                                *extractive]).stdout.splitlines()
    assert [json.loads(line)["source"] for line in lines] == [str(folder / "a.txt"), str(folder / "b.md")]
    single = runner.invoke(cli, ["summarize", str(folder / "a.txt"), "-o", str(tmp_path / "a.json"), *extractive])
    assert single.exit_code == 0 and json.loads((tmp_path / "a.json").read_text())["brief"]["method"] == "extractive"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "x1", "text": ENGLISH_ARTICLE, "desk": "politics"}) + "\n", encoding="utf-8")
    record = json.loads(runner.invoke(cli, ["summarize", str(feed), "--input-format", "jsonl", "-f", "jsonl",
                                            *extractive]).stdout)
    assert (record["id"], record["input"]) == ("x1", {"desk": "politics"})
    stdin = runner.invoke(cli, ["summarize", *extractive], input=ENGLISH_ARTICLE.encode())
    assert stdin.exit_code == 0 and stdin.stdout.startswith("Headline: ")


def test_summarize_warns_when_the_text_is_not_english(runner):
    result = runner.invoke(cli, ["summarize", "-", "--summarizer", "extractive", "-f", "json"],
                           input=FRENCH_ARTICLE.encode())
    assert result.exit_code == 0
    warning = "-: the document looks French, not English (brief summarizes English; 'brief translate' takes French)"
    assert f"brief: warning: {warning}" in result.stderr
    assert warning in json.loads(result.stdout)["warnings"]
    english = runner.invoke(cli, ["summarize", "-", "--summarizer", "extractive"], input=ENGLISH_ARTICLE.encode())
    assert "looks" not in english.stderr


def test_a_document_that_is_not_french_is_translated_with_a_warning_strict_counts(runner, fake, tmp_path):
    # Issue 12 #14: English (or other) input was translated without a word, an English README in a folder too.
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "article.txt").write_text(FRENCH_ARTICLE, encoding="utf-8")
    (folder / "README.md").write_text(ENGLISH_ARTICLE, encoding="utf-8")
    result = runner.invoke(cli, ["translate", str(folder), "-f", "jsonl", "--retries", "0"])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "looks" in line]
    assert warnings == [f"brief: warning: {folder / 'README.md'}: the document looks English, not French (brief "
                        "translates from French)"]
    readme = json.loads(result.stdout.splitlines()[0])
    assert readme["source"] == str(folder / "README.md")
    assert {"check": "language", "severity": "warning", "sentence": None,
            "detail": "the document looks English, not French"} in readme["checks"]
    assert f"{folder / 'README.md'}: " in result.stderr and "language (document)" in result.stderr
    strict = runner.invoke(cli, ["translate", str(folder / "README.md"), "--strict", "--no-brief"])
    assert strict.exit_code == 4
    german = runner.invoke(cli, ["translate", "-", "--no-brief"], input=(
        "Der Minister ist am Montag in Paris angekommen, um den Haushalt vorzustellen. Die Opposition hat "
        "Hunderte von Änderungen an dem Text angekündigt, der die Ausgaben für Wohnungen und Schulen kürzt.").encode())
    assert "the document looks German, not French" in german.stderr
