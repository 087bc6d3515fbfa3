"""Dose checks: the patient's body, the doses on record, written limits, infusion rates, cumulative exposure and the
label rules, each giving check rows. Pure: no I/O, no Typer, no Rich."""
