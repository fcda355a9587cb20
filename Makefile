# `make run` and `make test` each set up .venv by themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)

.PHONY: run test test-sqlite test-postgres bench migrate lint corpus encoder answer-model clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	$(PY) -m bot run

migrate: $(STAMP)
	$(PY) -m bot migrate

# The whole suite on SQLite, then again on a PostgreSQL server the script installs and starts.
test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(PY) -m pytest

test-postgres: $(STAMP)
	scripts/with_postgres.sh $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(PY) -m ruff check bot storage tests scripts

corpus: $(STAMP)
	$(PY) scripts/build_corpus.py

# Retrain policies/encoder.json.gz after changing the corpus, the known questions or the user
# dictionary. Only training needs PyTorch; the bot reads the file without it. This machine's pip
# finds the CPU build on disk; elsewhere install it first from PyTorch's CPU index (PyPI's Linux
# build pulls several GB of CUDA libraries).
encoder: $(STAMP)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) scripts/train_encoder.py

# Refit the pocket book's answer model (prints the weights for Params.answer_model and what each
# threshold refuses) after retraining the encoder or changing the known questions or gaps.
answer-model: $(STAMP)
	$(PY) scripts/fit_answer_model.py

clean:
	rm -rf $(VENV) .pytest_cache
