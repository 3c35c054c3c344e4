"""Blogs: RSS and Atom feeds with conditional GET (or saved files), filtered by tag or category."""

from aggregator.collectors.feed.collector import FeedCollector, FeedOptions

__all__ = ["FeedCollector", "FeedOptions"]
