"""The command line: a thin click layer over the library (`aggregator.run`, `collect`, `build`, `describe`)."""

from aggregator.cli.app import cli, main

__all__ = ["cli", "main"]
