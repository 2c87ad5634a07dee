# Wenan Studio. `make run` starts it; `make test` runs every test headless.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The CPU build; a CUDA machine can pass e.g. TORCH="torch --index-url <its CUDA wheel index>".
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: run demo test lint-imports bench venv clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

run: demo

demo: $(STAMP)
	$(BIN)/python main.py demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 $(BIN)/python -m pytest
	$(BIN)/lint-imports

lint-imports: $(STAMP)
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/train_speed.py
	$(BIN)/python bench/generate_speed.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
