"""The knowledge base: its schema (records by kind), strict YAML, validation, loading (the built-in artefact or the
YAML), and search over it. Pure: no Typer, no Rich."""
