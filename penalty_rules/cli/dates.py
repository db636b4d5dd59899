"""The CLI's date options (--today, --list-date, --as-of, --effective-from, --effective-to): one reading,
the facts' rule (penalty_rules.model.facts.iso_day: YYYY-MM-DD only, as the HTTP service reads dates).
date.fromisoformat alone also took 20230301 and 2023-W09-3."""

from datetime import date

import typer
from rich.console import Console

from penalty_rules.model.facts import iso_day

_err = Console(stderr=True)


def option_day(value: str | None, option: str) -> date | None:
    """The date given to `option`, or None when not given; anything but YYYY-MM-DD is refused: a Chinese
    message naming the option and the code bad_date on stderr, exit code 2 (a usage error)."""
    if value is None:
        return None
    try:
        return iso_day(value)
    except ValueError as exc:
        _err.print(f"错误: {option} 日期无效 {value!r}: {exc} [bad_date]", style="red", markup=False,
                   soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
