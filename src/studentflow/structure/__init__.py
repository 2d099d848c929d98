"""Project structure rules (CONTRIBUTING.md "Layers, folders and names") checked over
dbt's manifest and the file tree: one function per rule in `rules`, the manifest
from a fresh `dbt parse` in `manifest`."""
