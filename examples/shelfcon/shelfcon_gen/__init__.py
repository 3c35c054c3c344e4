"""Deterministic generator for the fictional ShelfCon 2026 example conference.

Everything here is invented: people, handles (all under `.example`), talks and posts.
"""
