"""Hostile list folders: a reviewer's machine or CI must survive a bad file.

Alias bombs, recursive aliases, huge files, absurd thresholds, broken lock / registry files,
symlinks out of the folder and Rich markup in list values all end in a located error (or literal
output), never in a traceback, a hang or gigabytes of memory. The attacks that could hang or
exhaust memory if the fix regressed run in a subprocess with a timeout and an address-space limit.
"""

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from penalty_rules.cli.app import app
from penalty_rules.errors import CorpusInvalid
from penalty_rules.load import loader as loader_mod
from penalty_rules.load.loader import load_corpus, load_corpus_strict
from penalty_rules.load.lockfile import LOCK_NAME
from tests.lists_fixtures import BUNDLED, empty_lists, lock_lists, tax_lists

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent

# A valid list version; line numbers below refer to this text.
LIST = """\
id: test-hostile
version: v1
title: 测试清单
issuer: 测试机关
jurisdiction: "371500"
locality: 聊城市
level: city
effective_from: 2022-01-01
status: in_force
url: null
items:
- id: test/01
  domain: tax
  outcome: no_penalty
  violation: 纳税人未按规定期限办理纳税申报和报送纳税资料
  conditions:
    all:
    - first_offense
    - {quantity: illegal_gains_yuan, max: 1000}
  provenance:
    source_item_no: 1
    confidence: high
"""
THRESHOLD_LINE = 19


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return empty_lists(tmp_path)


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.setenv("PENALTY_RULES_STATUTES", "")  # citation check off: not under test here
    # the lists commands read publication records from the audit database (DATABASE_URL, else
    # var/audit.db when it exists): not the developer's own (`make run` creates var/audit.db)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PENALTY_RULES_VAR", str(tmp_path / "var"))
    return CliRunner()


def cli(runner: CliRunner, *args: str):
    return runner.invoke(app, ["lists", *args])


def codes(problems) -> list[str]:
    return [p.code for p in problems]


# -- bounded subprocess -----------------------------------------------------------------------
LOAD_IN_CHILD = """
import json, sys
from penalty_rules.errors import CorpusInvalid
from penalty_rules.load.loader import load_corpus
try:
    problems = load_corpus(sys.argv[1]).problems
except CorpusInvalid as exc:
    problems = exc.problems
print(json.dumps([[p.code, p.file, p.line, p.severity, p.message] for p in problems], ensure_ascii=False))
"""
CHILD_SECONDS = 20
CHILD_MEMORY = 1536 * 2**20  # address space: the interpreter and pydantic need a few hundred MiB


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def load_bounded(root: Path) -> list[list]:
    """load_corpus(root) in a child process limited in time and memory: a regression fails the
    test quickly instead of taking the machine down."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", LOAD_IN_CHILD, str(root)], capture_output=True, text=True,
            timeout=CHILD_SECONDS, preexec_fn=_limit_memory, env=env, cwd=PROJECT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading took more than {CHILD_SECONDS} s")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*lol{n - 1}"] * 10)
        lines.append(f"lol{n}: &lol{n} [{refs}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 9) -> str:
    """Merge keys (<<) over ten-key mappings, each key an alias of the level below."""
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: lol" for i in range(10)) + "}"]
    for n in range(1, levels + 1):
        body = ", ".join(f"k{i}: *m{n - 1}" for i in range(10))
        lines.append(f"m{n}: &m{n} {{<<: *m{n - 1}, {body}}}")
    return "\n".join(lines) + "\n"


# -- YAML aliases -----------------------------------------------------------------------------

def test_billion_laughs_is_refused_quickly_with_its_line(root: Path):
    (root / "bomb.yaml").write_text(LIST + "notes:\n" + textwrap.indent(billion_laughs(), "  "), "utf-8")
    found = load_bounded(root)
    alias = [p for p in found if p[0] == "yaml_alias"]
    assert alias, found
    code, file, line, severity, message = alias[0]
    first_alias = len(LIST.splitlines()) + 3  # "notes:", lol0, then lol1 holds the first alias
    assert (file, line, severity) == ("lists/bomb.yaml", first_alias, "error")
    assert "*lol0" in message or "lol0" in message


def test_merge_key_bomb_is_refused_quickly(root: Path):
    (root / "merge.yaml").write_text(LIST + "notes:\n" + textwrap.indent(merge_bomb(), "  "), "utf-8")
    found = load_bounded(root)
    assert [p[:4] for p in found if p[0] == "yaml_alias"][:1] == [
        ["yaml_alias", "lists/merge.yaml", len(LIST.splitlines()) + 3, "error"]
    ], found


def test_recursive_alias_is_a_located_error_not_a_recursion_error(root: Path):
    (root / "loop.yaml").write_text(LIST + "notes: &n [*n]\n", "utf-8")
    result = load_corpus(root)
    assert codes(result.errors) == ["yaml_alias"]
    problem = result.errors[0]
    assert (problem.file, problem.line) == ("lists/loop.yaml", len(LIST.splitlines()) + 1)
    assert result.corpus.documents == []


def test_a_benign_merge_key_is_refused_too(root: Path):
    """Anchors and aliases are not part of the list format: one list file, one plain tree."""
    text = LIST.replace("  provenance:\n", "  provenance: &prov\n") + textwrap.dedent("""\
        - id: test/02
          domain: tax
          outcome: no_penalty
          violation: 纳税人未按规定将其全部银行账号报送税务机关
          provenance: {<<: *prov, source_item_no: 2}
        """)
    (root / "merge.yaml").write_text(text, "utf-8")
    result = load_corpus(root)
    assert codes(result.errors) == ["yaml_alias"]
    assert result.errors[0].line == len(LIST.splitlines()) + 5


@pytest.mark.parametrize("target", ["domains.yaml", LOCK_NAME])
def test_aliases_are_refused_in_the_registry_and_the_lock(root: Path, target: str):
    lock_lists(root)
    path = root / target
    path.write_text(path.read_text("utf-8") + "x: &x [*x]\n", "utf-8")
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus_strict(root)
    assert "yaml_alias" in codes(exc.value.problems)
    assert any(p.file == f"lists/{target}" for p in exc.value.problems)


# -- sizes ------------------------------------------------------------------------------------

def test_bundled_files_are_far_below_the_limits():
    sizes = [p.stat().st_size for p in BUNDLED.rglob("*") if p.is_file()]
    assert max(sizes) * 20 < loader_mod.MAX_FILE_BYTES
    assert sum(sizes) * 20 < loader_mod.MAX_TOTAL_BYTES


def test_a_file_over_the_size_limit_is_refused_unread(root: Path):
    limit = loader_mod.MAX_FILE_BYTES
    assert limit == 1024 * 1024
    padding = ("# " + "填充" * 40 + "\n") * (limit // 80 + 10)
    (root / "huge.yaml").write_text(LIST + padding, "utf-8")
    assert (root / "huge.yaml").stat().st_size > limit
    result = load_corpus(root)
    assert codes(result.errors) == ["file_too_large"]
    problem = result.errors[0]
    assert problem.file == "lists/huge.yaml" and "1 MiB" in problem.message
    assert result.corpus.documents == []


def test_the_folder_total_is_bounded(root: Path, monkeypatch):
    monkeypatch.setattr(loader_mod, "MAX_TOTAL_BYTES", 200_000)  # the statutory files alone are ~40 KB
    for n in range(10):
        (root / f"copy{n}.yaml").write_text(LIST.replace("test-hostile", f"test-hostile-{n}")
                                            .replace("test/01", f"test{n}/01") + "#" * 20_000 + "\n", "utf-8")
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus(root)
    assert codes(exc.value.problems) == ["lists_too_large"]
    assert "lists" in exc.value.problems[0].message


def test_validate_reports_the_size_limit_cleanly(root: Path, runner, monkeypatch):
    monkeypatch.setattr(loader_mod, "MAX_TOTAL_BYTES", 1000)
    result = cli(runner, "validate", "--lists", str(root))
    assert result.exit_code == 1
    assert "lists_too_large" in result.output and result.exception is None or isinstance(result.exception, SystemExit)


# -- thresholds -------------------------------------------------------------------------------

@pytest.mark.parametrize("bound", [".nan", ".inf", "-.inf", "-5", "1e15", "1.0e+20", "0.0001", "1e400"])
def test_an_unrepresentable_threshold_is_a_located_error(root: Path, bound: str):
    text = LIST.replace("max: 1000", f"max: {bound}")
    (root / "bad.yaml").write_text(text, "utf-8")
    result = load_corpus(root)
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    problem = result.errors[0]
    assert (problem.file, problem.line) == ("lists/bad.yaml", THRESHOLD_LINE)
    assert "阈值" in problem.message
    assert result.corpus.documents == []


@pytest.mark.parametrize("bound", ["0", "0.001", "0.5", "50000000", "999999999999999"])
def test_every_threshold_that_loads_compiles_in_durable_rules(root: Path, bound: str):
    from penalty_rules.engine.durable_adapter import compile_groups

    (root / "ok.yaml").write_text(LIST.replace("max: 1000", f"max: {bound}"), "utf-8")
    result = load_corpus(root)
    assert not result.errors, [str(p) for p in result.errors]
    assert compile_groups(result.corpus)


def test_escalation_items_are_checked_too(root: Path):
    text = LIST.replace("max: 1000", "max: .nan").replace(
        "  provenance:\n",
        "  escalation:\n  - {prior_count: 0, outcome: lighter_penalty}\n  - {prior_count: 1, outcome: normal}\n"
        "  provenance:\n",
    )
    (root / "esc.yaml").write_text(text, "utf-8")
    result = load_corpus(root)
    assert len(result.errors) == 1 and result.errors[0].line == THRESHOLD_LINE


def test_escalation_prior_count_is_bounded(root: Path):
    text = LIST.replace(
        "  provenance:\n",
        "  escalation:\n  - {prior_count: 0, outcome: lighter_penalty}\n  - {prior_count: 100000000000, outcome: normal}\n"
        "  provenance:\n",
    )
    (root / "esc.yaml").write_text(text, "utf-8")
    result = load_corpus(root)
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    assert result.errors[0].line == THRESHOLD_LINE + 3


# -- the lock ---------------------------------------------------------------------------------

def test_a_published_version_without_its_lock_entry_is_an_error(root: Path):
    (root / "list.yaml").write_text(LIST, "utf-8")
    lock_lists(root)
    assert load_corpus_strict(root)
    lock = root / LOCK_NAME
    lock.write_text("".join(l for l in lock.read_text("utf-8").splitlines(True) if "test-hostile@v1" not in l), "utf-8")
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus_strict(root)
    unlocked = [p for p in exc.value.problems if p.code == "unlocked_version"]
    assert [(p.severity, p.file) for p in unlocked] == [("error", "lists/list.yaml")]


def test_deleting_the_lock_refuses_every_published_version(root: Path):
    (root / "list.yaml").write_text(LIST, "utf-8")
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus_strict(root)
    unlocked = sorted(p.message.split()[1] for p in exc.value.problems if p.code == "unlocked_version")
    assert unlocked == ["special-laws@5", "test-hostile@v1", "xzcf@2017", "xzcf@2021"]
    assert all(p.severity == "error" for p in exc.value.problems if p.code == "unlocked_version")


def test_a_draft_may_stay_unlocked(root: Path):
    lock_lists(root)
    (root / "draft.yaml").write_text(LIST.replace("status: in_force", "status: draft"), "utf-8")
    corpus = load_corpus_strict(root)
    assert "test-hostile@v1" in corpus.hashes


def test_lists_lock_records_unlocked_published_versions(root: Path, runner):
    (root / "list.yaml").write_text(LIST, "utf-8")
    result = cli(runner, "lock", "--lists", str(root))
    assert result.exit_code == 0, result.output
    recorded = yaml.safe_load((root / LOCK_NAME).read_text("utf-8"))["versions"]
    assert sorted(recorded) == ["special-laws@5", "test-hostile@v1", "xzcf@2017", "xzcf@2021"]
    assert cli(runner, "validate", "--lists", str(root), "--strict").exit_code == 0


# -- broken lock and registry files -----------------------------------------------------------

BROKEN = {
    "invalid-yaml": "versions: {unclosed: [\n",
    "top-level-list": "- a\n- b\n",
    "versions-list": "versions: [a, b]\n",
    "hash-not-string": "versions:\n  xzcf@2017: 12\n",
    "bad-hash": "versions:\n  xzcf@2017: md5:abc\n",
    "unknown-key": "versions: {}\nextra: 1\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_lock_is_a_clean_error(root: Path, runner, text: str):
    (root / LOCK_NAME).write_text(text, "utf-8")
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus_strict(root)
    problems = [p for p in exc.value.problems if p.file == f"lists/{LOCK_NAME}"]
    assert [p.code for p in problems] == ["yaml_syntax" if "unclosed" in text else "bad_lock"]
    assert problems[0].message.startswith(f"{LOCK_NAME} 无效")

    for command in ("validate", "lock"):
        result = cli(runner, command, "--lists", str(root))
        assert result.exit_code == 1, (command, result.output)
        assert isinstance(result.exception, SystemExit), result.exception
        assert f"lists/{LOCK_NAME}" in result.output and f"{LOCK_NAME} 无效" in result.output
    assert (root / LOCK_NAME).read_text("utf-8") == text  # lock refused to overwrite it


@pytest.mark.parametrize("text", ["domains: [unclosed\n", "- a\n", "domains: 3\n", ""], ids=["yaml", "list", "shape", "empty"])
def test_a_broken_registry_is_a_clean_error(root: Path, runner, text: str):
    (root / "domains.yaml").write_text(text, "utf-8")
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus_strict(root)
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert errors and all(p.file == "lists/domains.yaml" for p in errors)
    for command in (["validate"], ["lock"], ["show"], ["coverage"]):
        result = cli(runner, *command, "--lists", str(root))
        assert result.exit_code in (1, 2), (command, result.output)
        assert isinstance(result.exception, SystemExit), (command, result.exception)
        assert "domains.yaml" in result.output, (command, result.output)


def test_a_missing_registry_is_a_clean_error(root: Path, runner):
    (root / "domains.yaml").unlink()
    result = cli(runner, "validate", "--lists", str(root))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "missing_registry" in result.output


# -- file names and symlinks ------------------------------------------------------------------

def test_yml_files_are_loaded_like_yaml(root: Path):
    (root / "list.yml").write_text(LIST, "utf-8")
    result = load_corpus(root)
    assert not result.errors
    assert [d.key for d in result.corpus.documents] == ["test-hostile@v1"]
    assert result.corpus.files["test-hostile@v1"] == "lists/list.yml"


def test_yml_manifests_are_loaded_too(tmp_path: Path):
    root = tmp_path / "lists"
    import shutil

    shutil.copytree(BUNDLED, root)
    manifest = root / "manifests" / "liaocheng-city.yaml"
    manifest.rename(manifest.with_suffix(".yml"))
    assert len(load_corpus(root).corpus.manifests) == 1


def test_a_symlink_out_of_the_folder_is_refused(root: Path, tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(LIST, "utf-8")
    (root / "national").mkdir()
    (root / "national" / "link.yaml").symlink_to(outside)
    result = load_corpus(root)
    assert codes(result.errors) == ["symlink_outside"]
    assert result.errors[0].file == "lists/national/link.yaml"
    assert result.corpus.documents == []


def test_a_symlinked_registry_or_lock_out_of_the_folder_is_refused(root: Path, tmp_path: Path):
    lock_lists(root)
    for name in ("domains.yaml", LOCK_NAME):
        outside = tmp_path / name
        (root / name).rename(outside)
        (root / name).symlink_to(outside)
    with pytest.raises(CorpusInvalid) as exc:
        load_corpus_strict(root)
    assert "symlink_outside" in codes(exc.value.problems)


def test_a_symlink_inside_the_folder_is_fine(root: Path):
    (root / "real.yaml.txt").write_text(LIST, "utf-8")
    (root / "list.yaml").symlink_to(root / "real.yaml.txt")
    result = load_corpus(root)
    assert not result.errors and [d.key for d in result.corpus.documents] == ["test-hostile@v1"]


def test_a_symlinked_statutory_folder_out_of_the_lists_is_refused(root: Path, tmp_path: Path):
    (root / "statutory").rename(tmp_path / "statutory")
    (root / "statutory").symlink_to(tmp_path / "statutory")
    result = load_corpus(root)
    assert "symlink_outside" in codes(result.errors)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_special_file_is_refused(root: Path):
    (root / "zero.yaml").symlink_to("/dev/zero")  # outside, and endless
    found = load_bounded(root)
    assert [p[0] for p in found if p[3] == "error"] == ["symlink_outside"]


def test_a_fifo_is_refused_without_blocking(root: Path):
    os.mkfifo(root / "fifo.yaml")
    found = load_bounded(root)
    assert [p[:2] for p in found if p[3] == "error"] == [["not_a_file", "lists/fifo.yaml"]]


# -- Rich markup in list values ---------------------------------------------------------------

MARKUP_TITLE = "标题[/red][link=http://x]y[/link]"
MARKUP_VIOLATION = "违法行为[/red][link=http://x]y[/link][bold]"
MARKUP_VERSION = "v2[/red]"
MARKUP_DOMAIN = "税务[/red][link=http://x]y[/link]"
MARKUP_MANIFEST = "城市清单[/red][link=http://x]y[/link]"


def markup_lists(tmp_path: Path) -> Path:
    root = tax_lists(tmp_path)
    text = (LIST.replace("title: 测试清单", f"title: '{MARKUP_TITLE}'")
            .replace("violation: 纳税人未按规定期限办理纳税申报和报送纳税资料", f"violation: '{MARKUP_VIOLATION}'"))
    (root / "markup.yaml").write_text(text, "utf-8")
    # a second version with the markup in its label and in a field that differs, for diff
    (root / "markup2.yaml").write_text(
        text.replace("version: v1", f"version: '{MARKUP_VERSION}'").replace("effective_from: 2022-01-01", "effective_from: 2023-01-01")
        .replace("outcome: no_penalty", "outcome: lighter_penalty").replace(MARKUP_TITLE, MARKUP_TITLE + "[/]"),
        "utf-8",
    )
    registry = root / "domains.yaml"  # the registry and the manifest are printed too
    registry.write_text(registry.read_text("utf-8").replace(
        "  - code: tax\n    zh: 税务\n", f"  - code: tax\n    zh: '{MARKUP_DOMAIN}'\n"), "utf-8")
    assert MARKUP_DOMAIN in registry.read_text("utf-8")
    (root / "manifests").mkdir()
    manifest = (BUNDLED / "manifests" / "liaocheng-city.yaml").read_text("utf-8")
    (root / "manifests" / "city.yaml").write_text(
        manifest.replace('title: 聊城市轻微违法行为"免罚轻罚"清单', f"title: '{MARKUP_MANIFEST}'"), "utf-8")
    lock_lists(root)
    return root


def flat(text: str) -> str:
    return text.replace("\n", "").replace("│", "").replace(" ", "")


def test_markup_in_list_values_is_printed_literally(tmp_path: Path, runner):
    root = markup_lists(tmp_path)
    for args in (
        ["validate"],
        ["show"],
        ["show", "--domain", "tax"],
        ["diff", "test-hostile@v1", f"test-hostile@{MARKUP_VERSION}"],
        ["coverage"],
    ):
        result = cli(runner, *args, "--lists", str(root))
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    shown = flat(cli(runner, "show", "--lists", str(root)).stdout)
    assert "[/red][link=http://x]y[/link][bold]" in shown and f"test-hostile@{MARKUP_VERSION}" in shown
    diffed = flat(cli(runner, "diff", "test-hostile@v1", f"test-hostile@{MARKUP_VERSION}", "--lists", str(root)).stdout)
    assert MARKUP_TITLE + "[/]" in diffed and f"test-hostile@{MARKUP_VERSION}" in diffed
    covered = flat(cli(runner, "coverage", "--lists", str(root)).stdout)
    assert MARKUP_DOMAIN[:20] in covered and MARKUP_MANIFEST in covered  # the domain column may truncate


def test_markup_in_problem_messages_is_printed_literally(root: Path, runner):
    (root / "bad.yaml").write_text(LIST.replace("domain: tax", "domain: '[/red][link=http://x]y[/link]'"), "utf-8")
    result = cli(runner, "validate", "--lists", str(root))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "'[/red][link=http://x]y[/link]'" in result.output


def test_markup_in_a_diff_key_and_a_date_is_printed_literally(root: Path, runner):
    result = cli(runner, "diff", "[/red]@1", "[link=http://x]y[/link]@2", "--lists", str(root))
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
    assert "[/red]@1" in result.stderr
    result = cli(runner, "show", "--as-of", "[/red]", "--lists", str(root))
    assert result.exit_code == 2 and "'[/red]'" in result.stderr


def test_scenarios_new_on_invalid_lists_is_a_clean_error(root: Path, monkeypatch):
    monkeypatch.setenv("PENALTY_RULES_LISTS", str(root))
    (root / "domains.yaml").write_text("domains: [unclosed\n", "utf-8")
    result = CliRunner().invoke(app, ["scenarios", "new", "--item", "cn-tax-2021-6/03"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "lists/domains.yaml" in result.output and "yaml_syntax" in result.output


def test_scenario_progress_prints_names_literally():
    """The progress bar of `scenarios run` shows the last scenario's name: as text, not markup."""
    from penalty_rules.cli import scenarios

    columns = [c for c in _progress_columns(scenarios) if "task.fields[last]" in str(getattr(c, "text_format", ""))]
    assert len(columns) == 1 and columns[0].markup is False


def _progress_columns(module):
    """The columns `scenarios run` builds its progress bar with (read from its source)."""
    import ast
    import inspect

    from rich import progress as rp

    tree = ast.parse(inspect.getsource(module.run))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Progress":
            return [eval(compile(ast.Expression(arg), "<col>", "eval"), vars(rp)) for arg in node.args]
    return []
