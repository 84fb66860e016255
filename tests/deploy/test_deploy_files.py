"""The deployment files are checked for real: Dockerfile, compose.yaml, alert rules, Grafana dashboard.

scripts/check-deploy (hadolint, Docker Compose's loader) passes on the files in
the repository and fails on broken copies; the alert rules have the shape
Prometheus loads; every metric the rules and the dashboard name exists in the
API's or the worker's registry.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import promql_parser
import pytest
import yaml

import backend.worker  # noqa: F401 - registers the worker's metrics (job durations, limiter waits, browser)
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "sellpilot.json"
# Series Prometheus makes itself, not the app.
PROMETHEUS_OWN = {"up"}
DURATION = re.compile(r"^\d+[smhd]$")
# The text format names a counter family with its `_total` already (older clients did not).
SUFFIXES = {"counter": ("", "_total"), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def _check(tmp_path: Path, **files: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("CHECK_", "COMPOSE_"))}
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        env["CHECK_DOCKERFILE" if name == "Dockerfile" else "CHECK_COMPOSE_FILE"] = str(path)
    return subprocess.run(
        ["bash", "scripts/check-deploy"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(BACKEND != "postgres", reason="files, not the database: checked once, in the PostgreSQL pass")
def test_check_deploy_passes_on_the_repository_files_and_fails_on_broken_copies(tmp_path: Path) -> None:
    passed = _check(tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "deployment files OK" in passed.stdout

    compose = (ROOT / "compose.yaml").read_text()
    misspelt = _check(tmp_path, **{"compose.yaml": compose.replace("    healthcheck:\n", "    healthchek:\n", 1)})
    assert misspelt.returncode != 0
    assert "healthchek" in misspelt.stderr
    dangling = _check(tmp_path, **{"compose.yaml": compose.replace("migrate: {condition", "migrations: {condition", 1)})
    assert dangling.returncode != 0
    assert "migrations" in dangling.stderr

    dockerfile = (ROOT / "Dockerfile").read_text()
    unpinned = _check(tmp_path, Dockerfile=dockerfile.replace("FROM python:3.11-slim-bookworm", "FROM python"))
    assert unpinned.returncode != 0
    assert "DL3006" in unpinned.stdout  # always tag the version of an image
    recommends = _check(tmp_path, Dockerfile=dockerfile.replace("install -y --no-install-recommends", "install -y"))
    assert recommends.returncode != 0
    assert "DL3015" in recommends.stdout  # avoid additional packages


def test_the_image_runs_as_a_user_not_root() -> None:
    users = re.findall(r"^USER (\S+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert users, "no USER: the processes would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text())
    assert set(document) == {"groups"}
    rules = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"}, group.get("name")
        assert group["rules"], f"group {group['name']} has no rules"
        rules += group["rules"]
    return rules


def test_alert_rules_have_the_shape_prometheus_loads() -> None:
    rules = _rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names repeat"
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule.get("alert")
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rule["alert"])
        assert DURATION.match(rule["for"]), f"{rule['alert']}: for={rule['for']!r}"
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"]
        assert promql_parser.parse(rule["expr"]), rule["alert"]  # PromQL that parses
        for text in rule["annotations"].values():
            assert text.count("{{") == text.count("}}"), f"{rule['alert']}: unbalanced template"
    covered = " ".join(rule["expr"] for rule in rules)
    for wanted in (
        "sellpilot_requests_total",  # API error rate
        "sellpilot_request_duration_seconds_bucket",  # latency
        "sellpilot_queue_depth",
        "sellpilot_queue_oldest_age_seconds",
        "sellpilot_job_duration_seconds_count",  # failure rate by kind
        "sellpilot_limiter_wait_seconds_bucket",
        "sellpilot_accounts_needing_attention",
        "sellpilot_billing_events_oldest_unhandled_age_seconds",  # webhook backlog
    ):
        assert wanted in covered, wanted


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"]
    assert dashboard["title"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    exprs = []
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}"
            exprs.append(target["expr"])
    return exprs


async def _known_metrics(client: httpx.AsyncClient) -> set[str]:
    """Every sample name the API's /metrics can show, with the worker's metrics registered too."""
    assert (await client.get("/health")).status_code == 200  # Litestar makes its request metrics on first use
    exposed = (await client.get("/metrics")).text
    names = set()
    for family, kind in re.findall(r"^# TYPE (\S+) (\S+)$", exposed, re.MULTILINE):
        names |= {family + suffix for suffix in SUFFIXES.get(kind, ("",))}
    return names


def _series(expr: str) -> set[str]:
    """The metric names an expression selects, from PromQL's own grammar (a syntax error raises)."""
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            assert node.name, f"a selector without a metric name in {expr!r}"
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def _unknown(exprs: list[str], known: set[str]) -> set[str]:
    return {name for expr in exprs for name in _series(expr)} - known - PROMETHEUS_OWN


async def test_every_metric_the_rules_and_dashboard_use_exists(client: httpx.AsyncClient) -> None:
    known = await _known_metrics(client)
    rule_exprs = [rule["expr"] for rule in _rules()]
    assert _unknown(rule_exprs, known) == set()
    assert _unknown(_dashboard_exprs(), known) == set()
    # The check itself catches a name nothing exports, and a broken expression.
    assert _unknown(["rate(sellpilot_jobs_exploded_total[5m])"], known) == {"sellpilot_jobs_exploded_total"}
    with pytest.raises(ValueError, match="parenthesis"):
        _unknown(["sum(rate(sellpilot_requests_total[5m])"], known)


@pytest.mark.parametrize(
    "path", ["deploy/prometheus/prometheus.yml", "deploy/grafana/provisioning/dashboards/sellpilot.yml"]
)
def test_monitoring_configs_name_the_files_compose_mounts(path: str) -> None:
    text = (ROOT / path).read_text()
    compose = (ROOT / "compose.yaml").read_text()
    config = yaml.safe_load(text)
    if path.endswith("prometheus.yml"):
        assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
        assert "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in compose
    else:
        assert config["providers"][0]["options"]["path"] == "/etc/grafana/dashboards"
        assert "./deploy/grafana/sellpilot.json:/etc/grafana/dashboards/sellpilot.json:ro" in compose
