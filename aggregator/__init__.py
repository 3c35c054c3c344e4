"""Conference backchannel aggregator: live posts from Bluesky, Mastodon and blogs, filed by session.

The library's front door::

    import aggregator
    report = aggregator.run("sources.yaml")   # collect every source, then build the site
    aggregator.collect(config, only=["mastodon:glammr.us"])
    aggregator.build(config)
    print(aggregator.describe(config).sessions)
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/conference-backchannel/conference-backchannel"
USER_AGENT = f"conference-backchannel/{__version__} (+{PROJECT_URL})"

# The front door is imported after the constants above, which the stages read while loading.
from aggregator.config import Config, load_config  # noqa: E402
from aggregator.errors import (  # noqa: E402
    AggregatorError,
    BuildError,
    ConfigError,
    LockedError,
    ProgrammeError,
    SourceError,
    StoreError,
)
from aggregator.runs import Description, RunReport, build, collect, describe, run  # noqa: E402

__all__ = [
    "AggregatorError",
    "BuildError",
    "Config",
    "ConfigError",
    "Description",
    "LockedError",
    "ProgrammeError",
    "RunReport",
    "SourceError",
    "StoreError",
    "__version__",
    "build",
    "collect",
    "describe",
    "load_config",
    "run",
]
