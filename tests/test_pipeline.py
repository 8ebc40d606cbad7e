"""The whole pipeline with deterministic fake translators: coverage, quote count/order/placement, styles."""

import re
from pathlib import Path

import pytest
from fakes import FakeTranslator, drop_quotes, garble_quotes
from quote_check import top_level_quotes

import translate_cli
from translate_cli.errors import InputError
from translate_cli.options import Options

SEED = Path(__file__).resolve().parent.parent / "seeds" / "mali-russie-diop-lavrov.fr.txt"


def brief_with(fn=str.upper, **options):
    fake = FakeTranslator(fn)
    options.setdefault("summarizer", "extractive")
    return translate_cli.load(fake, options=Options(**options)), fake


@pytest.mark.parametrize("fn, method", [(str.upper, "inline"), (garble_quotes, "separate"), (drop_quotes, "separate")])
def test_seed_article_keeps_its_11_quotations_whatever_the_model_does(fn, method):
    brief, _ = brief_with(fn)
    result = brief.translate(SEED.read_text(encoding="utf-8"), source=str(SEED))
    assert len(result.quotes) == 11
    english = top_level_quotes(result.translation)
    assert len(english) == 11
    assert english == [q.target for q in result.quotes]
    assert all(q.method == method for q in result.quotes)
    assert [s.index for s in result.sentences] == list(range(11))
    assert all(s.target for s in result.sentences)
    # in source order: each quote's content is the translation of that quote only
    if fn is str.upper:
        assert english == [q.source.upper().replace("’", "'") for q in result.quotes]


def test_every_model_input_is_quote_free_when_separate():
    brief, fake = brief_with(garble_quotes)
    brief.translate("Il a dit « nous voulons la paix » hier.")
    second_pass = fake.batches[-1]
    assert sorted(second_pass) == ["Il a dit", "hier.", "nous voulons la paix"]


PHRASES = {
    "Il a dit « nous voulons la paix » hier.": "He said yesterday that peace is wanted.",  # marks lost
    "Il a dit": "He said",
    "nous voulons la paix": "we want peace",
    "hier.": "yesterday.",
    "« Oui », a répondu Diop.": "Diop replied: “Yes.”",  # quote moved after the frame
    "Oui": "Yes",
    "a répondu Diop.": "replied Diop.",
    "« Non », a dit Lavrov.": "“No,” said Lavrov.",  # kept in place: accepted inline
}


def dictionary(text: str) -> str:
    return PHRASES[text]


def test_placement_frame_before_stays_before():
    brief, _ = brief_with(dictionary)
    result = brief.translate("Il a dit « nous voulons la paix » hier.")
    assert result.translation == "He said “we want peace” yesterday."
    assert result.quotes[0].method == "separate"


def test_reordering_model_output_is_rejected_and_rebuilt():
    brief, _ = brief_with(dictionary)
    result = brief.translate("« Oui », a répondu Diop. « Non », a dit Lavrov.")
    assert result.translation == "“Yes”, replied Diop. “No,” said Lavrov."
    assert [q.method for q in result.quotes] == ["separate", "inline"]
    assert [q.target for q in result.quotes] == ["Yes", "No,"]


@pytest.mark.parametrize(
    "style, outer, inner",
    [("curly", "“”", "‘’"), ("straight", '""', "''"), ("guillemets", "«»", "“”")],
)
def test_nested_quotes_in_each_style(style, outer, inner):
    brief, _ = brief_with(quotes=style)
    result = brief.translate("Il a dit « je ‹ refuse › tout » hier.")
    expected = f"IL A DIT {outer[0]}JE {inner[0]}REFUSE{inner[1]} TOUT{outer[1]} HIER."
    assert result.translation == expected
    assert result.quotes[0].nested[0].source == "refuse"
    assert result.quotes[0].nested[0].target == "REFUSE"


def test_quote_across_paragraphs_opens_each_paragraph_and_closes_once():
    brief, _ = brief_with()
    text = "Il a déclaré : « Nous irons jusqu'au bout.\n\n« Nous ne céderons pas », a-t-il ajouté."
    result = brief.translate(text)
    assert result.translation == (
        "IL A DÉCLARÉ: “NOUS IRONS JUSQU'AU BOUT.\n\n“NOUS NE CÉDERONS PAS”, A-T-IL AJOUTÉ."
    )
    assert len(result.quotes) == 1
    # verbatim: the second paragraph's opening « is the article's (issue 13); the model read the content alone
    assert result.quotes[0].source == "Nous irons jusqu'au bout.\n\n« Nous ne céderons pas"
    assert text[result.quotes[0].french.start: result.quotes[0].french.end] == result.quotes[0].source
    assert result.quotes[0].french.normalised == "Nous irons jusqu'au bout.\n\nNous ne céderons pas"
    assert result.quotes[0].target == "NOUS IRONS JUSQU'AU BOUT.\n\nNOUS NE CÉDERONS PAS"
    assert result.quotes[0].sentences == (0, 1)
    assert top_level_quotes(result.translation) == ["NOUS IRONS JUSQU'AU BOUT.\n\nNOUS NE CÉDERONS PAS"]


def test_unmatched_mark_is_kept_and_warned():
    brief, _ = brief_with()
    result = brief.translate("Il a dit « oui et rien d'autre.")
    assert "«" in result.translation
    assert result.quotes == ()
    assert any("unmatched «" in w for w in result.warnings)


def test_all_caps_headline_goes_to_the_model_in_sentence_case():
    brief, fake = brief_with(lambda s: s)
    brief.translate("GRÈVE À LA SNCF : LES SYNDICATS DURCISSENT LE TON\nLe trafic est perturbé.")
    assert "Grève à la sncf : les syndicats durcissent le ton" in fake.inputs


def test_long_sentence_is_split_and_nothing_is_lost():
    words = [f"mot{i}" for i in range(700)]
    sentence = ", ".join(" ".join(words[i: i + 7]) for i in range(0, 700, 7)) + "."
    fake = FakeTranslator(lambda s: s, max_input_tokens=60)
    brief = translate_cli.load(fake, options=Options())
    result = brief.translate(sentence)
    assert max(len(t.split()) + 1 for t in fake.inputs) <= 60
    assert re.findall(r"mot\d+", result.translation) == words


def test_headline_and_paragraph_layout_kept():
    brief, _ = brief_with(lambda s: s)
    text = "TITRE COURT\nPremière phrase. Deuxième phrase.\n\nAutre paragraphe."
    result = brief.translate(text)
    assert result.translation == "Titre court\nPremière phrase. Deuxième phrase.\n\nAutre paragraphe."


def test_empty_text_is_an_input_error():
    brief, _ = brief_with()
    with pytest.raises(InputError):
        brief.translate(" \n\n ")


def test_to_dict_fields():
    brief, _ = brief_with()
    data = brief.translate("Il a dit « oui ».", source="a.txt").to_dict()
    assert list(data) == ["source", "translation", "sentences", "quotes", "models", "warnings", "checks", "brief"]
    assert list(data["brief"]) == ["headline", "summary", "quotes", "method", "checks", "chunks", "input_tokens"]
    assert data["sentences"] == [
        {"index": 0, "paragraph": 0, "source": "Il a dit « oui ».", "start": 0, "end": 17, "target": "IL A DIT “OUI”."}
    ]
    assert data["quotes"] == [
        {"source": "oui", "start": 11, "end": 14, "target": "OUI", "sentences": [0], "nested": [], "method": "inline",
         "origin": "marks", "speaker": None}
    ]
    assert data["source"] == "a.txt"
    assert data["brief"]["method"] == "extractive"
    assert data["brief"]["quotes"] == [{"text": "OUI", "speaker": None}]
    assert data["models"]["summarizer"]["name"] == "extractive"
    no_brief, _ = brief_with(brief=False)
    assert "brief" not in no_brief.translate("Il a dit « oui ».").to_dict()


SEED_QUOTES = {
    "mali-russie-diop-lavrov.fr.txt": 11,
    "budget-assemblee.fr.txt": 8,
    "greve-sncf.fr.txt": 7,
    "climat-cop.fr.txt": 4,
}


@pytest.mark.parametrize("name, count", sorted(SEED_QUOTES.items()))
@pytest.mark.parametrize("fn", [str.upper, garble_quotes])
def test_every_seed_keeps_its_quotation_count(name, count, fn):
    brief, _ = brief_with(fn)
    result = brief.translate((SEED.parent / name).read_text(encoding="utf-8"))
    assert len(result.quotes) == count
    assert len(top_level_quotes(result.translation)) == count
    assert result.warnings == ()
    assert all(s.target for s in result.sentences)


class InventingSummariser:
    """Summarises by misquoting: shortens one real quote and invents another."""

    name = "inventive"
    max_input_tokens = 1000

    def count_tokens(self, texts):
        return [len(t.split()) for t in texts]

    def summarise(self, texts):
        return ["LE CHEF DE LA DIPLOMATIE RUSSE A DIT “LA COOPÉRATION MILITAIRE SE DÉROULE” ENTRE LA RUSSIE ET LE MALI. "
                "DIOP A DIT “NOUS VOULONS DES ARMES” À MOSCOU." for _ in texts]


def test_a_summariser_object_is_used_and_its_misquotes_repaired():
    brief = translate_cli.load(FakeTranslator(), summariser=InventingSummariser(), options=Options())
    assert brief.models["summarizer"].name == "inventive"
    result = brief.translate(SEED.read_text(encoding="utf-8"))
    assert result.brief.method == "abstractive", result.brief.checks
    actions = {c.action for c in result.brief.checks}
    assert {"unquoted"} <= actions and ({"replaced", "completed"} & actions)
    spans = re.findall(r"“([^”]*)”", result.brief.headline + result.brief.summary)
    assert spans and all(span in result.translation for span in spans)
    assert "NOUS VOULONS DES ARMES" in result.brief.summary and "“NOUS VOULONS DES ARMES”" not in result.brief.summary


# ------------------------------------------------------------------------------------------- length caps


@pytest.mark.parametrize(
    ("value", "ratio", "extra", "cap_of_10"),
    [(None, 2.0, 16, 36), (0, 2.0, 16, 36), ("0", 2.0, 16, 36), ("auto", 2.0, 16, 36), (40, 0.0, 40, 40),
     ("40", 0.0, 40, 40), ("1x", 1.0, 0, 10), ("1.5x+8", 1.5, 8, 23), (" 1x + 4 ", 1.0, 4, 14)],
)
def test_length_cap_parsing(value, ratio, extra, cap_of_10):
    from translate_cli.engine import LengthCap

    cap = LengthCap.parse(value)
    assert (cap.ratio, cap.extra, cap(10)) == (ratio, extra, cap_of_10)
    assert LengthCap.parse(str(cap)) == cap
    assert cap(0) >= 2  # room for a word before the forced </s>


@pytest.mark.parametrize("value", ["x", "-1", "abc", "0x", "1.5y", "2x-3", True, -4, "1" * 400 + "x", "101x"])
def test_length_cap_rejects_nonsense(value):
    from translate_cli.engine import LengthCap

    with pytest.raises(ValueError, match="token cap"):
        LengthCap.parse(value)


# ------------------------------------------------------------------------------------------- engine jobs


def _padded(job, lengths):
    return max(1, lengths[job[0]]) * len(job)


def _best_cost(sizes, groups, budget):
    """Brute force: the least possible cost of the costliest job over every cut of `sizes` (sorted) into at most
    `groups` contiguous jobs within the budget."""
    import itertools

    best = None
    for k in range(1, groups + 1):
        for cuts in itertools.combinations(range(1, len(sizes)), k - 1):
            bounds = [0, *cuts, len(sizes)]
            jobs = [sizes[a:b] for a, b in zip(bounds, bounds[1:])]
            costs = [max(1, job[0]) * len(job) for job in jobs]
            if all(c <= budget or len(job) == 1 for c, job in zip(costs, jobs)):
                best = max(costs) if best is None else min(best, max(costs))
    return best


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
@pytest.mark.parametrize(
    "lengths",
    [[], [5], [3000], [10] * 11, [804, 659, 554], [50, 40, 30, 20, 10, 5], [100] * 100,
     [7, 300, 2, 2, 45, 45, 45, 1, 120, 9, 60] * 9, list(range(1, 400, 3)), [0, 0, 3], [700, 700, 700, 5, 5]],
)
def test_jobs_cover_every_input_once_sorted_within_budget_and_balanced(lengths, workers):
    from translate_cli.backends.jobs import plan_jobs

    budget = 2048
    jobs = plan_jobs(lengths, workers, budget)
    flat = [i for job in jobs for i in job]
    assert sorted(flat) == list(range(len(lengths)))  # every input exactly once
    assert all(job for job in jobs)
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)  # longest first, contiguous by length
    assert all(len(job) == 1 or _padded(job, lengths) <= budget for job in jobs)  # one long input alone may exceed
    if len(lengths) >= workers and len(set(lengths)) == 1:
        assert len(jobs) % workers == 0  # equal inputs: every worker gets its share
    if 0 < len(lengths) <= 14:  # the costliest job is as cheap as any cut into that many jobs allows
        sizes = sorted(lengths, reverse=True)
        assert max(_padded(job, lengths) for job in jobs) == _best_cost(sizes, len(jobs), budget)


def test_jobs_come_in_multiples_of_the_workers_when_the_budget_splits_a_pass():
    from translate_cli.backends.jobs import plan_jobs

    assert [len(job) for job in plan_jobs([10] * 40, 2, 2048)] == [20, 20]
    assert [len(job) for job in plan_jobs([100] * 100, 2, 2048)] == [17, 17, 17, 17, 17, 15]
    assert [len(job) for job in plan_jobs([100] * 100, 1, 2048)] == [20] * 5
    assert plan_jobs([804, 659, 554], 2, 6 * 1024) == [[0], [1, 2]]
    assert plan_jobs([5, 3000, 4], 2, 2048) == [[1], [0, 2]]
    assert [len(job) for job in plan_jobs([10] * 40, 2, 2048, max_items=16)] == [10, 10, 10, 10]
    assert [len(job) for job in plan_jobs([10] * 40, 1, 2048, max_items=16)] == [14, 14, 12]


def test_worker_layout_single_threaded_workers_on_cpu_one_on_gpu():
    from translate_cli.backends.hardware import worker_layout

    assert worker_layout("cpu", threads=2) == (2, 1)
    assert worker_layout("cpu", threads=1) == (1, 1)
    assert worker_layout("cpu", threads=16) == (4, 4)
    assert worker_layout("cpu", threads=3) == (3, 1)
    assert worker_layout("cpu", threads=5) == (4, 1)
    assert worker_layout("cpu", threads=6) == (3, 2)
    assert worker_layout("cpu", threads=7) == (3, 2)
    assert worker_layout("cpu", threads=15) == (3, 5)
    assert worker_layout("cpu", threads=6, workers=2) == (2, 3)
    assert worker_layout("cpu", threads=2, workers=8) == (2, 1)  # never more workers than threads
    assert worker_layout("cuda", threads=16) == (1, 4)


def test_max_new_tokens_option_takes_fixed_and_relative_caps(monkeypatch):
    from translate_cli.errors import ConfigError
    from translate_cli.options import resolve_options

    assert str(resolve_options({"max_new_tokens": 40}).max_new_tokens) == "40"
    assert str(resolve_options({"max_new_tokens": "1x+4"}).max_new_tokens) == "1x+4"
    assert str(resolve_options({}, environ={"BRIEF_MAX_NEW_TOKENS": "2x"}).max_new_tokens) == "2x"
    with pytest.raises(ConfigError, match="max_new_tokens"):
        resolve_options({"max_new_tokens": "lots"})
