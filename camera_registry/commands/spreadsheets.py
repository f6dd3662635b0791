"""camreg import / export (filled in by the spreadsheet work)."""
