"""Bluesky: search, feeds, lists and accounts over XRPC (or saved answers), with the publication rules of the network.

Importing the package declares the source type (:mod:`aggregator.collectors.bluesky.options`); the
collector and the atproto SDK are imported when a Bluesky source is first collected.
"""

from aggregator.collectors.bluesky.options import BlueskyOptions, BlueskyProgress

__all__ = ["BlueskyOptions", "BlueskyProgress"]
