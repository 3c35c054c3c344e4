"""The real local Bluesky network, one per test session, shared by the devnet test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.collectors.bluesky.devnet_network import DevNetwork


@pytest.fixture(scope="session")
def devnet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevNetwork]:
    network = DevNetwork.start(tmp_path_factory.mktemp("devnet") / "network.log")
    try:
        yield network
    finally:
        network.close()
