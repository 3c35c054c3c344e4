"""Evaluation: run the whole pipeline on a labelled conference and score where its posts were filed."""

from aggregator.evaluation.metrics import Metrics, score
from aggregator.evaluation.run import EvaluationResult, evaluate_set

__all__ = ["EvaluationResult", "Metrics", "evaluate_set", "score"]
