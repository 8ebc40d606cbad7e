from pathlib import Path

import pytest

from translate_cli.reading import normalise
from translate_cli.segment import segment

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def sentences(text: str) -> list[str]:
    doc = segment(normalise(text))
    return [doc.sentence_text(s) for s in doc.sentences]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("M. Dupont et Mme Martin sont arrivés. Ils repartent.", ["M. Dupont et Mme Martin sont arrivés.", "Ils repartent."]),
        ("MM. Diop et Lavrov se sont vus. Le Dr Martin aussi.", ["MM. Diop et Lavrov se sont vus.", "Le Dr Martin aussi."]),
        ("J.-L. Mélenchon et F. Hollande ont parlé. Rien de neuf.", ["J.-L. Mélenchon et F. Hollande ont parlé.", "Rien de neuf."]),
        ("Il a levé 1,5 million. Le taux est de 4,9 %. Voilà.", ["Il a levé 1,5 million.", "Le taux est de 4,9 %.", "Voilà."]),
        ("Il hésite... puis accepte. Fin.", ["Il hésite... puis accepte.", "Fin."]),
        ("Il hésite… puis accepte. Fin.", ["Il hésite… puis accepte.", "Fin."]),
        ("Des pommes, des poires, etc. sont vendues. Fin.", ["Des pommes, des poires, etc. sont vendues.", "Fin."]),
        ("« Pourquoi ? », demande-t-il. Personne ne répond.", ["« Pourquoi ? », demande-t-il.", "Personne ne répond."]),
        ("« Vive la paix ! » Il est parti.", ["« Vive la paix ! »", "Il est parti."]),
        ("Il a dit : « Nous voulons la paix. Nous sommes prêts. » Puis il est parti.",
         ["Il a dit : « Nous voulons la paix.", "Nous sommes prêts. »", "Puis il est parti."]),
        ("Voir p. 12 et art. 3 du texte. Fin.", ["Voir p. 12 et art. 3 du texte.", "Fin."]),
        ("Le site www.lemonde.fr publie. Fin.", ["Le site www.lemonde.fr publie.", "Fin."]),
        ("Il est né en 52 av. J.-C. Rome a grandi.", ["Il est né en 52 av. J.-C.", "Rome a grandi."]),
        ("Réunion à 15 h 30. Le 28 février.", ["Réunion à 15 h 30.", "Le 28 février."]),
        ("Il a dit \"oui.\" Elle a dit non.", ['Il a dit "oui."', "Elle a dit non."]),
    ],
)
def test_sentence_boundaries(text, expected):
    assert sentences(text) == expected


def test_headline_line_ends_but_hard_wrap_does_not():
    text = (
        "GRÈVE À LA SNCF\n"
        "Les syndicats de cheminots ont appelé mercredi à une grève reconductible\n"
        "à partir du 28 février pour protester contre la réforme. Le gouvernement\n"
        "refuse de céder."
    )
    assert sentences(text) == [
        "GRÈVE À LA SNCF",
        "Les syndicats de cheminots ont appelé mercredi à une grève reconductible\n"
        "à partir du 28 février pour protester contre la réforme.",
        "Le gouvernement\nrefuse de céder.",
    ]
    doc = segment(normalise(text))
    assert doc.sentences[0].separator == "\n"


def test_dialogue_lines_are_separate_sentences():
    assert sentences("— Oui, répond-il.\n— Non, dit-elle.") == ["— Oui, répond-il.", "— Non, dit-elle."]


def test_paragraphs_and_indices():
    doc = segment(normalise("Un. Deux.\n\nTrois.\n\n\n  Quatre."))
    assert [(s.index, s.paragraph) for s in doc.sentences] == [(0, 0), (1, 0), (2, 1), (3, 2)]


def test_seed_article_has_every_sentence():
    text = normalise((SEEDS / "mali-russie-diop-lavrov.fr.txt").read_text(encoding="utf-8"))
    doc = segment(text)
    assert len(doc.paragraphs) == 7
    assert len(doc.sentences) == 11
    # the sentences tile the paragraphs: nothing between them but whitespace
    rebuilt = " ".join(doc.sentence_text(s) for s in doc.sentences)
    assert rebuilt.split() == text.split()


def _gold(path: Path) -> list[list[str]]:
    paragraphs, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def boundary_f1(paragraphs: list[list[str]]) -> float:
    true_positive = predicted_total = gold_total = 0
    for gold in paragraphs:
        text = normalise(" ".join(gold))  # one-for-one replacements: offsets are unchanged
        gold_cuts, pos = set(), 0
        for sentence in gold[:-1]:
            pos += len(sentence) + 1
            gold_cuts.add(pos)
        doc = segment(text)
        predicted = {s.start for s in doc.sentences[1:]}
        true_positive += len(gold_cuts & predicted)
        predicted_total += len(predicted)
        gold_total += len(gold_cuts)
    precision = true_positive / predicted_total if predicted_total else 1.0
    recall = true_positive / gold_total if gold_total else 1.0
    return 2 * precision * recall / (precision + recall)


DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("name, target", [("segmentation_gold.txt", 0.985), ("segmentation_cases.txt", 0.97)])
def test_boundary_f1(name, target):
    f1 = boundary_f1(_gold(DATA / name))
    assert f1 >= target, f"boundary F1 {f1:.3f} on {name}"


def test_one_paragraph_per_line_when_the_text_has_no_blank_lines():
    text = (
        "Titre de l'article\n"
        "Le ministre est venu. Il a parlé longtemps devant la presse.\n"
        "« Nous voulons la paix », a-t-il dit.\n"
        "La suite demain."
    )
    doc = segment(normalise(text))
    assert [s.paragraph for s in doc.sentences] == [0, 1, 1, 2, 3]


def test_hard_wrapped_text_without_blank_lines_stays_one_paragraph():
    text = (
        "Les syndicats de cheminots ont appelé mercredi à une grève reconductible\n"
        "à partir du 28 février pour protester contre la réforme des retraites que\n"
        "le gouvernement veut faire adopter avant l'été. Le ministre des transports\n"
        "a dénoncé une décision irresponsable."
    )
    doc = segment(normalise(text))
    assert len(doc.paragraphs) == 1 and len(doc.sentences) == 2
