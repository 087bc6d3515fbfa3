"""lmsrx: treatment options and dosing rules for leiomyosarcoma, with their evidence."""

__version__ = "0.1.0"
