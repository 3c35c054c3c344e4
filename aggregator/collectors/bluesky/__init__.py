"""Bluesky: search, feeds, lists and accounts over XRPC (or saved answers), with the publication rules of the network."""

from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions

__all__ = ["BlueskyCollector", "BlueskyOptions"]
