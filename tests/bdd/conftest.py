"""Registers the shared Chinese step library and every feature tag as a pytest marker."""

from pathlib import Path

from penalty_rules.scenarios.lint import collect_tags
from penalty_rules.scenarios.http_steps import *  # noqa: F401,F403  (HTTP steps, live server)
from penalty_rules.scenarios.steps import *  # noqa: F401,F403  (step fixtures, `case`, hooks)

FEATURES = Path(__file__).resolve().parents[2] / "features"


def pytest_configure(config):
    for tag in sorted(collect_tags(FEATURES)):
        config.addinivalue_line("markers", f"{tag}: 场景标签(见 features/)")
