"""Deciding for a patient: the patient's description and facts, eligibility, the strength of the evidence, the
label rules, and how the knowledge is said in words. Pure: no I/O, no Typer, no Rich."""
