"""Metrics only for the operator's scraper: a bearer token compared in constant time, or a separate
address; the counters other parts increment."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from advocacy.core import metrics
from advocacy.core.config import ConfigError

TOKEN = "s3cret-scraper-token-0123456789"


def sample(text: str, name: str, **labels) -> float:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def scrape(client, token=TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def test_requests_are_counted_by_endpoint_and_status_for_the_scraper_with_the_token(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    before = scrape(client).get_data(as_text=True)
    client.get("/login")
    client.get("/nothing-here")
    after = scrape(client)
    assert after.status_code == 200 and after.content_type.startswith("text/plain")
    text = after.get_data(as_text=True)
    login = dict(endpoint="auth.login", method="GET", status="200")
    requests = "advocacy_http_requests_total"
    assert sample(text, requests, **login) == sample(before, requests, **login) + 1
    unknown = dict(endpoint="none", method="GET", status="404")
    assert sample(text, "advocacy_http_requests_total", **unknown) >= 1, "unknown paths share one label"
    assert "/nothing-here" not in text
    assert sample(text, "advocacy_http_request_duration_seconds_count", endpoint="auth.login") >= 1


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token-of-some-length"}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Bearer {TOKEN[:-1]}"},
])
def test_without_the_right_token_nothing_is_shown(make_app, headers):
    response = make_app(METRICS_TOKEN=TOKEN).test_client().get("/metrics", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"advocacy_http" not in response.data


def test_without_a_token_there_are_no_metrics_on_the_site(client):
    assert client.get("/metrics").status_code == 404


def test_with_a_separate_address_the_site_has_no_metrics_even_with_the_token(make_app):
    client = make_app(METRICS_TOKEN=TOKEN, METRICS_ADDRESS="127.0.0.1:9100").test_client()
    assert scrape(client).status_code == 404


@pytest.mark.parametrize("setting, value", [
    ("METRICS_TOKEN", "short"), ("METRICS_ADDRESS", "9100"), ("METRICS_ADDRESS", "host:port"),
    ("METRICS_ADDRESS", "127.0.0.1:99999"),
])
def test_a_weak_token_or_a_bad_address_stops_the_start(make_app, setting, value):
    with pytest.raises(ConfigError, match=setting):
        make_app(**{setting: value})


def test_the_helpers_other_parts_call_count(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    before = scrape(client).get_data(as_text=True)
    metrics.job_queued("apply_import")
    metrics.job_queued("apply_import")
    metrics.job_failed("apply_import")
    metrics.mails_sent(3)
    metrics.mails_failed()
    text = scrape(client).get_data(as_text=True)

    def grew(name, **labels):
        return sample(text, name, **labels) - sample(before, name, **labels)

    assert grew("advocacy_jobs_queued_total", job="apply_import") == 2
    assert grew("advocacy_jobs_failed_total", job="apply_import") == 1
    assert grew("advocacy_mails_sent_total") == 3
    assert grew("advocacy_mails_failed_total") == 1
