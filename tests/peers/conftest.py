"""The peers' smoke tests start each peer through the same fixtures the app's tests will use."""
from peers.fixtures import start_peer, start_session_peer  # noqa: F401
