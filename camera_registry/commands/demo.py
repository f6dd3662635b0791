"""camreg demo (filled in by the demo work)."""
