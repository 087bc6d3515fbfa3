"""A whole cycle's order: read and validated (file:line), then verified. Pure."""
