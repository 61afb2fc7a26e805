# Trợ lý nghiệp vụ cơ sở — quickstart: `make run`, then `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
CAMNANG := $(VENV)/bin/camnang
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-vie chromium chromium-driver fonts-dejavu-core postgresql

.PHONY: install system-deps run serve ingest test eval bench bench-scale lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# OCR for scanned PDFs and a browser for the UI test, from Debian (needs root; skipped otherwise).
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "WARNING: missing Debian packages:$$missing (OCR / browser tests will be skipped)"; fi; fi

ingest: install
	$(CAMNANG) ingest

run: install ingest
	$(CAMNANG) serve

serve: install
	$(CAMNANG) serve

test: install system-deps
	$(PY) -m pytest -q

eval: install ingest
	$(PY) -m eval report

bench: install ingest
	$(PY) -m eval bench

# Corpora of ~1k, 10k and 100k chunks in a temp folder (~12 min on 2 cores);
# SCALE_SIZES=1000,10000 for a quick run.
SCALE_SIZES ?= 1000,10000,100000
bench-scale: install
	$(PY) -m eval scale --sizes $(SCALE_SIZES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf data/ eval/reports/*.md eval/reports/*.json eval/reports/*.png
