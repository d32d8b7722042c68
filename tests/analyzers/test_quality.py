"""Enrichment quality on the hand-labelled set must not fall below what was measured.

The figures are those reported for issue 9 (bench/nlp_eval.py); a change that lowers them fails here.
"""

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import nlp_eval  # noqa: E402


def test_precision_and_recall_per_entity_type() -> None:
    scores = nlp_eval.evaluate(use_ner=True)
    floors = {"place": (0.95, 0.85), "actor": (0.95, 0.80), "date": (0.95, 0.95), "country": (0.80, 0.95)}
    for kind, (precision, recall) in floors.items():
        assert scores[kind]["precision"] >= precision, (kind, scores[kind])
        assert scores[kind]["recall"] >= recall, (kind, scores[kind])
    assert sum(1 for _ in nlp_eval.json.loads(nlp_eval.GOLD.read_text())["documents"]) >= 15
