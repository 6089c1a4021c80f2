"""A small trained intent classifier next to the explicit rules, for phrasings no rule knows.

The rules (``routing.intents``) keep the first word: a message a rule sends to people goes to
people, and a message a rule keeps with the bot on purpose ("ask an agent how to ...", "is the
live chat open on Sundays") stays with the bot. Only what the rules do not recognise is asked
of the classifier: character n-grams (``char_wb``, so typos, missing accents and the five
languages share features) weighted by TF-IDF, and a logistic regression over the handoff
reasons plus ``answer``. When the probability that a person is wanted (one minus the
probability of ``answer``) reaches the threshold chosen at training, the message goes to people
with the likeliest reason, under the rule name ``<reason>.classifier``.

The trained model is a JSON file beside this module (``intent_model.json``): vocabulary, IDF
weights, coefficients and the threshold, so it is reviewable, diffable and independent of
scikit-learn's pickle format. ``manage.py train_intent_classifier`` writes it; it is read once
per process, on first use.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from routing.intents import IntentMatch, read_rules

MODEL_PATH = Path(__file__).with_name("intent_model.json")
MODEL_FORMAT = 1
ANSWER = "answer"
# The suffix of the rule name a classifier finding carries ("complaint.classifier").
RULE_SUFFIX = "classifier"

# How the text becomes features; stored with the model so a file always reads as trained.
VECTORIZER_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "lowercase": True,
    "strip_accents": "unicode",
    "sublinear_tf": True,
}


_WHITESPACE = re.compile(r"\s\s+")


def _strip_accents(text: str) -> str:
    """As scikit-learn's ``strip_accents="unicode"``: NFKD, combining marks dropped."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class ModelFileError(ValueError):
    """A model file that cannot be read; the message says which file and why."""


@dataclass(frozen=True)
class IntentReading:
    """What the router knows about a message before retrieval: the rules' match, else the
    classifier's, and the classifier's probability that a person is wanted (None without a
    model), recorded in the audit trail either way."""

    match: IntentMatch | None
    human_probability: float | None
    kept_by_rule: str | None = None  # the rule whose ``unless`` kept the message with the bot

    @property
    def source(self) -> str | None:
        if self.match is None:
            return None
        return "classifier" if self.match.rule.endswith(f".{RULE_SUFFIX}") else "rules"


class IntentClassifier:
    """The trained model: TF-IDF over character n-grams, one linear score per class.

    Reading a message needs no scikit-learn: the n-grams, weights and scores are computed here
    exactly as ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`` and
    ``LogisticRegression`` compute them (a test holds the two to the same figures), so a
    server process never imports the training libraries."""

    def __init__(
        self,
        classes: Sequence[str],
        vocabulary: Sequence[str],
        idf: Sequence[float],
        coef: Sequence[Sequence[float]],
        intercept: Sequence[float],
        threshold: float,
        params: dict[str, Any],
        about: dict[str, Any] | None = None,
    ) -> None:
        if ANSWER not in classes:
            raise ModelFileError(f"the classes {list(classes)} have no {ANSWER!r}")
        if not (len(idf) == len(vocabulary) and all(len(row) == len(vocabulary) for row in coef)):
            raise ModelFileError("vocabulary, idf and coefficients differ in length")
        if len(coef) != len(classes) or len(intercept) != len(classes):
            raise ModelFileError("one coefficient row and one intercept per class are needed")
        if not 0.0 < threshold <= 1.0:
            raise ModelFileError(f"threshold {threshold} is not in (0, 1]")
        unknown = {
            key: value
            for key, value in params.items()
            if VECTORIZER_PARAMS.get(key) != (tuple(value) if isinstance(value, list) else value)
        }
        if unknown:
            raise ModelFileError(f"the model was trained with other text features: {unknown}")
        self.classes = tuple(classes)
        self.threshold = float(threshold)
        self.params = dict(params)
        self.about = dict(about or {})
        self._smallest, self._largest = VECTORIZER_PARAMS["ngram_range"]
        self._vocabulary = list(vocabulary)
        self._idf = [float(v) for v in idf]
        self._coef = [[float(v) for v in row] for row in coef]
        self._intercept = [float(v) for v in intercept]
        # Per n-gram: its IDF and its weight for every class, in one lookup.
        self._features = {
            gram: (self._idf[i], tuple(row[i] for row in self._coef))
            for i, gram in enumerate(self._vocabulary)
        }

    def ngrams(self, text: str) -> list[str]:
        """The text's character n-grams within word boundaries, as ``char_wb`` makes them."""
        text = _strip_accents(text.lower())
        grams: list[str] = []
        for word in _WHITESPACE.sub(" ", text).split():
            padded = f" {word} "
            for n in range(self._smallest, self._largest + 1):
                last = max(0, len(padded) - n)
                grams.extend(padded[offset : offset + n] for offset in range(last + 1))
                if last == 0:  # a short word counts once
                    break
        return grams

    def scores(self, text: str) -> list[float]:
        """Each class's linear score on the text's L2-normalised, sublinear TF-IDF vector."""
        weights: dict[str, float] = {}
        for gram in self.ngrams(text):
            if gram in self._features:
                weights[gram] = weights.get(gram, 0.0) + 1.0
        vector = []
        for gram, count in weights.items():
            idf, row = self._features[gram]
            vector.append(((1.0 + math.log(count)) * idf, row))
        norm = math.sqrt(sum(value * value for value, _ in vector)) or 1.0
        totals = list(self._intercept)
        for value, row in vector:
            for k, weight in enumerate(row):
                totals[k] += value / norm * weight
        return totals

    def probabilities(self, text: str) -> dict[str, float]:
        """Each class's probability (softmax of the linear scores, as LogisticRegression)."""
        row = self.scores(text)
        top = max(row)
        exps = [math.exp(value - top) for value in row]
        total = sum(exps)
        return {name: value / total for name, value in zip(self.classes, exps, strict=True)}

    def human_probability(self, text: str) -> float:
        return 1.0 - self.probabilities(text)[ANSWER]

    def guess(self, text: str) -> tuple[str | None, float]:
        """The likeliest handoff reason when a person is wanted (else None), and the
        probability that one is."""
        probabilities = self.probabilities(text)
        human = 1.0 - probabilities[ANSWER]
        if human < self.threshold:
            return None, human
        reason = max(
            (name for name in self.classes if name != ANSWER), key=lambda name: probabilities[name]
        )
        return reason, human

    def as_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "params": {**self.params, "ngram_range": list(self.params["ngram_range"])},
            "classes": list(self.classes),
            "threshold": self.threshold,
            "about": self.about,
            "intercept": [round(float(v), 5) for v in self._intercept],
            "vocabulary": self._vocabulary,
            "idf": [round(float(v), 4) for v in self._idf],
            "coef": [[round(float(v), 3) for v in row] for row in self._coef],
        }

    @classmethod
    def from_json(cls, data: Any, source: str = "the model") -> IntentClassifier:
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise ModelFileError(f"{source}: not an intent model of format {MODEL_FORMAT}")
        try:
            return cls(
                data["classes"],
                data["vocabulary"],
                data["idf"],
                data["coef"],
                data["intercept"],
                data["threshold"],
                data["params"],
                data.get("about"),
            )
        except (KeyError, TypeError) as error:
            raise ModelFileError(f"{source}: missing or malformed field ({error})") from None


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    threshold: float,
    *,
    max_features: int = 10000,
    regularisation: float = 30.0,
    about: dict[str, Any] | None = None,
) -> IntentClassifier:
    """Fit the vectoriser and the regression on labelled texts (labels: ``answer`` or a
    handoff reason), keeping the ``max_features`` most frequent n-grams so the file stays
    small."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(texts) != len(labels) or not texts:
        raise ValueError("texts and labels must be non-empty and of one length")
    if ANSWER not in labels or len(set(labels)) < 2:
        raise ValueError(f"the labels need {ANSWER!r} and at least one handoff reason")
    vectorizer = TfidfVectorizer(**VECTORIZER_PARAMS, min_df=2, max_features=max_features)
    features = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=regularisation, max_iter=5000)
    model.fit(features, list(labels))
    by_index = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
    coef, intercept = model.coef_.tolist(), model.intercept_.tolist()
    if len(coef) == 1:
        # Two classes: one score z, P(second) = sigmoid(z), which is softmax(-z/2, z/2).
        coef = [[-v / 2 for v in coef[0]], [v / 2 for v in coef[0]]]
        intercept = [-intercept[0] / 2, intercept[0] / 2]
    return IntentClassifier(
        [str(name) for name in model.classes_],
        [gram for gram, _ in by_index],
        vectorizer.idf_.tolist(),
        coef,
        intercept,
        threshold,
        dict(VECTORIZER_PARAMS),
        about,
    )


def save(classifier: IntentClassifier, path: Path = MODEL_PATH) -> None:
    path.write_text(
        json.dumps(classifier.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    load_model.cache_clear()


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> IntentClassifier | None:
    """The trained model, read once per process; None when no model file is installed (the
    rules then route alone)."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{path}: cannot be read ({error})") from None
    return IntentClassifier.from_json(data, str(path))


def read_intent(text: str, model: IntentClassifier | None = None) -> IntentReading:
    """The rules first; what they neither send to people nor keep with the bot, the classifier.

    ``model`` defaults to the installed model file."""
    classifier = model if model is not None else load_model()
    match, kept_by = read_rules(text)
    if classifier is None:
        return IntentReading(match, None, kept_by)
    reason, probability = classifier.guess(text)
    probability = round(probability, 4)
    if match is not None or kept_by is not None or reason is None:
        return IntentReading(match, probability, kept_by)
    return IntentReading(IntentMatch(reason, f"{reason}.{RULE_SUFFIX}", ()), probability)


# -- training data and the threshold ----------------------------------------------------------


def choose_threshold(
    texts: Sequence[str], labels: Sequence[str], folds: int = 5, **train_options: Any
) -> tuple[float, dict[str, float]]:
    """The threshold at which rules plus classifier route best, from out-of-fold probabilities:
    the highest F1 for ``human``, ties to the higher (safer) threshold. Returns it with the
    out-of-fold precision, recall and F1 it reached."""
    from sklearn.model_selection import StratifiedKFold

    wanted = [label != ANSWER for label in labels]
    by_rules = [read_rules(text) for text in texts]
    probability = [0.0] * len(texts)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train_rows, test_rows in splitter.split(list(texts), wanted):
        model = train(
            [texts[i] for i in train_rows], [labels[i] for i in train_rows], 0.5, **train_options
        )
        for i in test_rows:
            probability[i] = model.human_probability(texts[i])
    best: tuple[float, float, dict[str, float]] = (-1.0, 0.0, {})
    for step in range(50, 100):
        threshold = step / 100
        routed = [
            match is not None or (kept is None and p >= threshold)
            for (match, kept), p in zip(by_rules, probability, strict=True)
        ]
        figures = _figures(routed, wanted)
        if (figures["f1"], threshold) >= (best[0], best[1]):
            best = (figures["f1"], threshold, figures)
    return best[1], best[2]


def _figures(routed: Sequence[bool], wanted: Sequence[bool]) -> dict[str, float]:
    hits = sum(1 for r, w in zip(routed, wanted, strict=True) if r and w)
    precision = hits / max(1, sum(routed))
    recall = hits / max(1, sum(wanted))
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
