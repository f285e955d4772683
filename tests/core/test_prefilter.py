"""The prefilter never drops a fact: every gold evidence passes, and facts are the same without it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core import prefilter
from pipeline.cli import main
from pipeline.batch.ingest import iter_inputs
from pipeline.records import Document
from pipeline.core.segment import split_sentences

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "corpus"
# The gold sets: the shared seeds and dev when present, else the bundled copy of the seeds.
GOLD = [p for p in (SHARED / "seeds" / "gold.jsonl", SHARED / "dev" / "gold.jsonl") if p.exists()] \
    or [REPO / "corpus" / "seeds" / "gold.jsonl"]
ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.fixture(autouse=True)
def _restore_switch():
    yield
    prefilter.set_enabled(prefilter.env_enabled())


def gold_evidence() -> list[dict]:
    return [json.loads(line) for path in GOLD for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_every_gold_evidence_passes_the_prefilter():
    gold = gold_evidence()
    assert len(gold) >= 56  # the seeds alone have 56 facts
    missed = [(g["doc_id"], g["type"], g["evidence"]) for g in gold if not prefilter.matches(g["evidence"])]
    assert missed == []


@pytest.mark.parametrize("sentence", [
    "Vị trí thứ hai cũng thuộc về một đơn vị mới là An Giang",  # ordinal, no digit
    "trong khi Hải Phòng từ 45 xuống 50",  # a move between ranks
    "kế đến là tỉnh Bình Dương",  # a list cue
    "tỉnh Cao Bằng đứng cuối cùng với 38,80",
    "Chỉ số PAPI của tỉnh năm 2023 tăng 3 bậc",
    "CHỈ SỐ NĂNG LỰC CẠNH TRANH CẤP TỈNH",  # upper case titles
    "Tỷ lệ hồ sơ trực tuyến đạt 45,6%",
])
def test_fact_shaped_sentences_pass(sentence):
    assert prefilter.might_hold_fact(sentence)


@pytest.mark.parametrize("sentence", [
    "Trận đấu diễn ra vào chiều qua trên sân Mỹ Đình.",
    "Ngày 12/3, đoàn công tác của tỉnh đã đến thăm và làm việc tại huyện Mường Tè.",
    "Ông Nguyễn Văn A cho biết người dân rất phấn khởi khi con đường được hoàn thành.",
    "Giá vàng hôm nay tiếp tục biến động mạnh.",
])
def test_sentences_without_facts_are_skipped(sentence):
    assert not prefilter.might_hold_fact(sentence)


def test_switch_off_passes_everything():
    sentence = "Trận đấu diễn ra vào chiều qua trên sân Mỹ Đình."
    prefilter.set_enabled(False)
    assert prefilter.might_hold_fact(sentence) and prefilter.might_hold_facts(sentence)
    assert not prefilter.matches(sentence)  # the raw test ignores the switch


def test_environment_variable_turns_it_off():
    code = "from pipeline.core import prefilter; print(prefilter.enabled())"
    out = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env={**ENV, prefilter.ENV_DISABLE: value}, check=True).stdout.strip()
           for value in ("1", "0")]
    assert out == ["False", "True"]


def test_document_level_agrees_with_sentence_level_on_the_bundled_corpus():
    docs = [d for d in iter_inputs([REPO / "corpus"]) if isinstance(d, Document)]
    assert len(docs) == 5
    kept = total = 0
    for doc in docs:
        flags = [prefilter.might_hold_fact(s.text) for s in split_sentences(doc.text)]
        assert prefilter.might_hold_facts(doc.text) == any(flags)
        kept, total = kept + sum(flags), total + len(flags)
    assert 0 < kept < total  # it does skip sentences, even in governance articles


def test_same_facts_with_and_without_the_prefilter(tmp_path, capsys):
    """The bundled corpus (and the dev gold texts when present), through the CLI switch."""
    inputs = [str(REPO / "corpus")] + [str(p) for p in [SHARED / "dev"] if p.exists()]
    with_, without = tmp_path / "with", tmp_path / "without"
    assert main(["extract", *inputs, "--out", str(with_), "--quiet"]) == 0
    assert prefilter.enabled()
    assert main(["extract", *inputs, "--out", str(without), "--quiet", "--no-prefilter"]) == 0
    assert not prefilter.enabled()  # the flag reached the switch
    facts = (with_ / "facts.jsonl").read_bytes()
    assert facts == (without / "facts.jsonl").read_bytes()
    assert (with_ / "documents.jsonl").read_bytes() == (without / "documents.jsonl").read_bytes()
    ranks = [json.loads(x) for x in facts.decode("utf-8").splitlines()]
    assert any(f["type"] == "rank" and f["index"] == "SIPAS" and f["rank"] == 13 for f in ranks)


def _real_texts() -> list[str]:
    """The bundled articles and, when present, the dev passages: real Vietnamese news text."""
    inputs = [REPO / "corpus"] + [p for p in [SHARED / "dev"] if p.exists()]
    return [d.text for d in iter_inputs(inputs) if isinstance(d, Document)]


def test_one_scan_gives_the_verdicts_of_the_sentence_test():
    """Hints (one scan per document) says of every sentence what might_hold_fact says."""
    checked = passed = 0
    for text in _real_texts():
        hints = prefilter.Hints(text)
        assert hints.any() == prefilter.might_hold_facts(text)
        for s in split_sentences(text):
            expected = prefilter.might_hold_fact(s.text)
            assert hints.sentence(s.start, s.end, s.text) == expected, s.text
            if expected:
                assert s.start < hints.end  # no passing sentence after the scan's end
            checked, passed = checked + 1, passed + expected
    assert checked >= 50 and 0 < passed < checked


def test_a_match_that_crosses_into_a_sentence_is_tested_on_the_sentence_alone():
    text = "Năm nay tăng 7\nBậc thang dốc. Trời mưa."  # "7\nbậc" crosses from one sentence into the next
    hints = prefilter.Hints(text)
    assert hints.spans == [(13, 18)]  # "7\nbậc"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["Năm nay tăng 7", "Bậc thang dốc.", "Trời mưa."]
    assert [hints.sentence(s.start, s.end, s.text) for s in sents] == \
        [prefilter.might_hold_fact(s.text) for s in sents] == [False, False, False]


def test_switched_off_hints_pass_everything():
    prefilter.set_enabled(False)
    hints = prefilter.Hints("Trận đấu diễn ra vào chiều qua. Giá vàng biến động.")
    assert hints.any() and hints.sentence(0, 30, "Trận đấu diễn ra vào chiều qua.")


def test_segmenting_until_the_last_hint_keeps_the_same_sentences_before_it():
    for text in _real_texts():
        end = prefilter.Hints(text).end
        whole, cut = split_sentences(text), split_sentences(text, until=end)
        assert cut == whole[:len(cut)]
        assert all(s.start >= end for s in whole[len(cut):])
