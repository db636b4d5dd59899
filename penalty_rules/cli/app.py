"""penalty-rules command line (Typer + Rich)."""

import sys

import typer
from rich.console import Console

from penalty_rules.cli import check as check_cli
from penalty_rules.cli import lists as lists_cli

app = typer.Typer(help="免罚轻罚清单规则引擎", no_args_is_help=True, add_completion=False)
app.add_typer(lists_cli.app, name="lists")
app.add_typer(__import__("penalty_rules.cli.scenarios", fromlist=["app"]).app, name="scenarios")
app.command("serve")(__import__("penalty_rules.cli.serve", fromlist=["serve"]).serve)
app.command(name="check")(check_cli.check)
app.command(name="search")(__import__("penalty_rules.cli.search", fromlist=["search"]).search)
app.command(name="document")(__import__("penalty_rules.cli.document", fromlist=["document"]).document)
__import__("penalty_rules.cli.replay", fromlist=["register"]).register(app)  # replay, caseload
console = Console()


def main() -> int:
    from penalty_rules.cli.usage_zh import run  # usage errors (missing/unknown option …) in Chinese

    return run(app)


if __name__ == "__main__":
    sys.exit(main())
