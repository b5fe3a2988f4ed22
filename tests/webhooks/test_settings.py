"""The webhook settings are read from the environment and checked at start like every other."""
from __future__ import annotations

import pytest

from advocacy.core.config import ConfigError, check, from_environment


def test_defaults(monkeypatch, tmp_path):
    for name in ("WEBHOOK_TIMEOUT_SECONDS", "WEBHOOK_ALLOW_PRIVATE", "WEBHOOK_DISABLE_AFTER_DAYS"):
        monkeypatch.delenv(name, raising=False)
    config = from_environment(str(tmp_path))
    assert (config["WEBHOOK_TIMEOUT_SECONDS"], config["WEBHOOK_ALLOW_PRIVATE"], config["WEBHOOK_DISABLE_AFTER_DAYS"]) \
        == (5, False, 5)


def test_values_and_bad_values(monkeypatch, tmp_path):
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "10")
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "yes")
    config = from_environment(str(tmp_path))
    assert config["WEBHOOK_TIMEOUT_SECONDS"] == 10 and config["WEBHOOK_ALLOW_PRIVATE"] is True
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "600")
    monkeypatch.setenv("WEBHOOK_DISABLE_AFTER_DAYS", "soon")
    config = from_environment(str(tmp_path)) | {"TESTING": True}
    with pytest.raises(ConfigError) as refused:
        check(config)
    assert "WEBHOOK_TIMEOUT_SECONDS=600 is out of range" in str(refused.value)
    assert "WEBHOOK_DISABLE_AFTER_DAYS='soon' is not a whole number" in str(refused.value)
