"""bench/run.py: discovers scenarios, works with none, keeps the hand-written parts of the doc."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_runner_under_test", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, sub in (("SCENARIOS", "scenarios"), ("RESULTS", "results")):
        (tmp_path / sub).mkdir()
        monkeypatch.setattr(module, name, tmp_path / sub)
    monkeypatch.setattr(module, "DOC", tmp_path / "benchmarks.md")
    return module


def test_no_scenarios_still_succeeds_and_writes_the_table(runner, monkeypatch, capsys):
    runner.DOC.write_text("# Benchmarks\n\nHand-written intro.\n\n<!-- bench:summary:begin -->\nold\n"
                          "<!-- bench:summary:end -->\n\n## Notes\nKept.\n")
    monkeypatch.setattr(sys, "argv", ["run.py"])
    assert runner.main() == 0
    text = runner.DOC.read_text()
    assert "Hand-written intro." in text and "## Notes\nKept." in text
    assert "old" not in text and "No results yet" in text
    assert "No benchmark scenarios" in capsys.readouterr().out


def test_unknown_scenario_is_refused(runner, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["run.py", "nope"])
    assert runner.main() == 2


def test_the_summary_lists_runner_results_only(runner):
    record = {"scenario": "demo_data", "ok": True, "started_at": "2026-01-02T03:04:05+00:00",
              "duration_s": 12.5, "peak_rss_mib": 90.0, "engines": {"sqlite": "3.40.1"},
              "machine": {"cores": 2, "ram_gib": 23.5, "cpu": "AMD EPYC"},
              "result": {"summary": "5,000 leads in 4.2 s", "databases": ["sqlite"]}}
    (runner.RESULTS / "demo_data.json").write_text(json.dumps(record))
    (runner.RESULTS / "other.json").write_text(json.dumps({"precision": 0.99}))
    (runner.RESULTS / "broken.json").write_text("{")
    table = runner.summary_table()
    assert "5,000 leads in 4.2 s" in table and "sqlite 3.40.1" in table and "2026-01-02" in table
    assert "other" not in table and table.count("\n") == 2
