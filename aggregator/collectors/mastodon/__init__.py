"""Mastodon: hashtag timelines of several servers (or saved statuses), with reply threads and opt-outs."""

from aggregator.collectors.mastodon.collector import MastodonCollector, MastodonOptions

__all__ = ["MastodonCollector", "MastodonOptions"]
