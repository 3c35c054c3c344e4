"""The configuration stage: `sources.yaml` read with line numbers and validated into a `Config`."""

from aggregator.config.model import DEFAULT_CONFIG, ConferenceConfig, Config, load_config

__all__ = ["DEFAULT_CONFIG", "ConferenceConfig", "Config", "load_config"]
