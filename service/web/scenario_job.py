"""Runs scenarios for the web workbench in its own process: `python -m service.web.scenario_job PATH
[--tag TAG] --reports DIR` prints one JSON line (summary, counts, report path, failure reasons).

The runner writes into a private temporary folder under DIR; the HTML report is then moved to
DIR/scenarios-<YYYYmmdd-HHMMSS>-<8 random hex digits>.html, so two runs in the same second never
share a name, and the rest (cucumber JSON) is removed."""

import argparse
import json
import secrets
import shutil
import sys
import tempfile
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--tag")
    parser.add_argument("--reports", required=True)
    args = parser.parse_args(argv)
    from penalty_rules.scenarios.runner import failure_reasons_zh, run, summary_zh

    reports = Path(args.reports)
    reports.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".run-", dir=reports))
    try:
        try:
            result = run(Path(args.path), tag=args.tag, reports=work)
        except FileNotFoundError as exc:
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
            return 1
        html = Path(result.html_report)
        final = reports / f"{html.stem}-{secrets.token_hex(4)}.html"
        html.replace(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({
        "ok": result.ok, "summary": summary_zh(result), "counts": result.counts,
        "html_report": str(final), "failures": failure_reasons_zh(result),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
