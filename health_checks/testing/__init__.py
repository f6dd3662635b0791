"""Real stream servers and clips for tests, benchmarks and the demo (all on 127.0.0.1)."""
