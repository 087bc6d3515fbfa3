"""Every output: the views (what each answer shows), the one render function (table, json, ndjson, csv, tsv,
markdown), the tumour-board page and citations. Rich is imported only by the table."""
