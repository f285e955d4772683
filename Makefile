# Everything runs inside .venv, made here from pyproject.toml.
PY      := .venv/bin/python
SHARED  ?= ../shared
CORPUS  ?= corpus
OUT     ?= outputs
STAMP   := .venv/.installed

.PHONY: setup extract eval test train bench bench-memory check-dask check-hostile review clean panel

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

## Run the pipeline on the bundled corpus: writes $(OUT)/facts.jsonl and $(OUT)/documents.jsonl.
extract: $(STAMP)
	$(PY) -m pipeline extract $(CORPUS) --out $(OUT)

## Score against the gold: bundled seeds, ../shared/corpus/dev and dev2 when present; the cross-set figure
## (a classifier trained on dev, scored on dev2, and the reverse) and the calibration of confidence.
DEV_SETS := $(wildcard $(SHARED)/corpus/dev $(SHARED)/corpus/dev2)
eval: $(STAMP)
	$(PY) -m pipeline eval --gold $(CORPUS)/seeds $(DEV_SETS) --out $(OUT) $(if $(word 2,$(DEV_SETS)),--cross $(DEV_SETS))

## The province × index × year panel from $(OUT)/facts.jsonl: $(OUT)/panel.parquet, panel.csv, percentages.parquet, datapackage.json.
panel: $(STAMP)
	$(PY) -m pipeline panel $(OUT)/facts.jsonl --out $(OUT)

## Write $(OUT)/review.html: one self-contained page to check each fact against its evidence (docs/REVIEW.md).
review: $(STAMP)
	$(PY) -m pipeline.tools.review --out $(OUT)

## Peak memory and time of `extract` on ~500 MB of JSONL repeated from $(SHARED)/bench/vnnews.jsonl.gz (target < 1 GB).
bench-memory: $(STAMP)
	SHARED=$(SHARED) $(PY) scripts/bench_memory.py

## Throughput: full pipeline vs word_tokenize-everything baseline vs regex floor, 1 and 2 processes,
## on LIMIT (default 2000) articles of $(SHARED)/bench/vnnews.jsonl.gz and the bundled corpus: $(OUT)/bench.json.
bench: $(STAMP)
	$(PY) scripts/bench.py --bench $(SHARED)/bench/vnnews.jsonl.gz --corpus $(CORPUS) --out $(OUT)/bench.json $(if $(LIMIT),--limit $(LIMIT))

## --engine dask gives byte-identical outputs to one process (bundled corpus, 2,000 bench articles); SCHEDULER=tcp://HOST:PORT.
check-dask: $(STAMP)
	$(PY) scripts/check_dask_identical.py --bench $(SHARED)/bench/vnnews.jsonl.gz --corpus $(CORPUS) --out $(OUT)/dask_check.json $(if $(SCHEDULER),--scheduler $(SCHEDULER))

## Hostile input, dying workers, careless flags (issue 13): every test file named tests/**/test_*hostile*.py.
check-hostile: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider $(sort $(shell find tests -name 'test_*hostile*.py'))

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(OUT)/*.jsonl $(OUT)/*.json $(OUT)/*.html

## Train the candidate classifier from the gold (seeds + ../shared dev; never dev2, which stays a measurement);
## DECISIONS=file adds review labels.
train: $(STAMP)
	$(PY) -m pipeline train --gold $(CORPUS)/seeds $(wildcard $(SHARED)/corpus/dev) --no-calibration $(if $(DECISIONS),--decisions $(DECISIONS))
