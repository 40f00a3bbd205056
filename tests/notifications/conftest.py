import pytest

from tests.notifications.servers import Receiver


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def outbound_private(app, monkeypatch):
    """The test servers live on 127.0.0.1, which production refuses: allow it here, explicitly."""
    monkeypatch.setitem(app.config, "OUTBOUND_ALLOW_PRIVATE", True)
