"""Decide stage: which candidate facts are real, and how sure we are.

Without a trained model, the rules decide: every candidate the assembler
built is kept with a confidence from how it was linked (a subject named in
the same clause is surer than one carried over from an earlier sentence).
"""
from __future__ import annotations

from typing import Callable

from .assemble import Candidate
from .segment import Sentence

Decider = Callable[[Candidate, Sentence], tuple[bool, float]]

_SURE = {"subj_clause": 0.95, "subj_after": 0.9, "subj_list": 0.9, "subj_sentence": 0.8, "subj_anaphora": 0.85,
         "subj_national": 0.85, "subj_clause_after": 0.75, "subj_carry": 0.7, "subj_main": 0.65, "seq": 0.8, "pct": 0.9}


def rule_confidence(cand: Candidate) -> float:
    return max((_SURE[k] for k in cand.features if k in _SURE), default=0.7)


def rules_decider(cand: Candidate, sent: Sentence) -> tuple[bool, float]:
    return True, rule_confidence(cand)


def default_decider() -> Decider:
    return rules_decider
