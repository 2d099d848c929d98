"""Synthetic register generator (SCB/Ladok-style raw extracts).

from studentflow.generator import generate
generate(scale="demo", seed=42, out_dir="data/raw")
"""

from .config import KNOBS, SCALES
from .core import generate
from .output import EXTRACTS, SCHEMAS

__all__ = ["generate", "SCALES", "KNOBS", "SCHEMAS", "EXTRACTS"]
