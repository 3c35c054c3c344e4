"""Conference backchannel aggregator: live posts from Bluesky, Mastodon and blogs, filed by session."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/conference-backchannel/conference-backchannel"
USER_AGENT = f"conference-backchannel/{__version__} (+{PROJECT_URL})"
