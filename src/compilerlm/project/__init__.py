"""Real projects: build one with its own build command and compilerlm's lists, prove it with
its own tests, and compare its binaries with what users would build instead (gcc -Oz, LTO).

build.py (pristine copies, builds, confined test runs), baselines.py (the other compilers),
optimize.py (reference, choice, bisection, final build, comparison), choose.py (the model's
or the autotuner's lists per unit).
"""

from .build import ProjectSpec, Workspace
from .optimize import Choice, optimize_project

__all__ = ["Choice", "ProjectSpec", "Workspace", "optimize_project"]
