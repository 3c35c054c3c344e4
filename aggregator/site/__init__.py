"""The site stage: pages, feeds and exports rendered from a `Digest`, published atomically."""

from aggregator.site.pages import SiteReport, render_site

__all__ = ["SiteReport", "render_site"]
