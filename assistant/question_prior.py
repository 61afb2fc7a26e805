"""How often questions worded like this one were answerable from the documents: the question's
words alone, read as one more signal of the refusal models (assistant/confidence.py).

The passage signals say how well the best passage matches the question; they cannot tell "Hội
đồng nhân dân xã có bao nhiêu đại biểu?" (no document states it, though several name the council)
from a question the passage answers. The questions commune staff and citizens ask about matters
the documents do not cover recur across independently written sets (military service, social
insurance, poor-household lists, a form's number): this model (assistant/text_model.py) learns
them, and the words of questions that were answered, from the gold set and the development sets
labelled for refusal (`eval.calibrate`'s REFUSAL_SETS), never a held-out set. Left one set out,
with the chain's other checks applied, it let the refusal models refuse 644 of 688 unanswerable
development questions and wrongly 26 of 1,203 answerable ones, against 615 and 36 without it
(eval/dev_trust3/README.md).

It reads the matter asked, not how it is asked: the asking words ("bao nhiêu", "ở đâu", "thế
nào") are left out. Whether the passage states the figure asked is the figure check's to say
(assistant/confidence.py `figure_missing`); read by the prior, "bao nhiêu" made "Con trai bao
nhiêu tuổi mới được cưới vợ?" look unanswerable whatever Điều 8 states.

It knows the documents through the questions asked of them, so it has no say when the best
passage comes from a document it was not fitted with (a province's own decision added later):
the models without it judge (assistant/confidence.py `passage_confidence`). Refit it with
`python -m eval.calibrate` and questions on the new matters.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from assistant.text_model import TextModel
from ingest.text import fold

MODEL_PATH = Path(__file__).parent / "data" / "question_prior.json"

# accent-folded; "ở đâu", not "đâu" ("đầu tư" folds to it), "ra sao", not "sao" ("bản sao")
ASKING = re.compile(
    r"\b(bao nhieu|bao lau|may|gi|nao|o dau|ra sao|the nao|lam sao|vi sao|tai sao)\b"
)


def matter(question: str) -> str:
    """What the prior reads: the question folded, its asking words left out."""
    return ASKING.sub(" ", fold(question).lower())


class QuestionPrior:
    def __init__(self, model: dict) -> None:
        self.model = TextModel(model)
        self.trained_on = self.model.trained_on
        self.documents = frozenset(model.get("documents", ()))

    def probability(self, question: str) -> float:
        """P(a question worded like this is answerable from the documents)."""
        return self.model.probability(matter(question))

    def knows(self, doc_id: str) -> bool:
        """Whether the documents it was fitted with include this one."""
        return doc_id in self.documents


@lru_cache(maxsize=1)
def load_question_prior(path: Path = MODEL_PATH) -> QuestionPrior:
    return QuestionPrior(json.loads(path.read_text(encoding="utf-8")))
