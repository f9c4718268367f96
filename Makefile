# Every target creates .venv first when it is missing; nothing is installed outside it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

EXAMPLE := src/hrproductivity/datasets/example

.PHONY: demo example test test-fast bench lab lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask,pdf]'
	# The kernel lives inside the venv, so Lab and papermill both run notebooks in this environment.
	$(PY) -m ipykernel install --sys-prefix --name hrproductivity --display-name "Python (hrproductivity)" >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/hrproductivity demo

# The example that ships with the package (data/raw/example links to it), written again
# from the generator: after a change to hrproductivity.synthetic, then commit the files.
example: $(STAMP)
	rm -f $(EXAMPLE)/dataset.yaml $(EXAMPLE)/*.csv
	$(PY) -c "from hrproductivity import datasets, synthetic, write_dataset; \
	write_dataset(synthetic.example_dataset(), datasets.example())"

test: $(STAMP)
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

# The same checks without the tests that execute notebooks (marker `notebooks`).
test-fast: $(STAMP)
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -m "not notebooks"

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(PY) $$f || exit 1; done

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks

clean:
	rm -rf $(VENV) data/processed/* reports/*
