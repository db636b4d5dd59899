"""Small list folders built in tmp_path from the bundled files, shared by the corpus tests."""

import shutil
from pathlib import Path

import yaml

BUNDLED = Path(__file__).resolve().parent.parent / "lists"
TAX = BUNDLED / "national" / "cn-tax-first-offense"


def base_files(root: Path) -> Path:
    """What every lists folder needs: domains.yaml and the statutory rules (lists/statutory)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED / "domains.yaml", root / "domains.yaml")
    shutil.copytree(BUNDLED / "statutory", root / "statutory")
    return root


def empty_lists(tmp_path: Path) -> Path:
    """A lists folder holding only domains.yaml and the statutory rules."""
    return base_files(tmp_path / "lists")


def tax_lists(tmp_path: Path) -> Path:
    """domains.yaml, the two tax versions and an analogue list (a copy of one tax item)."""
    root = empty_lists(tmp_path)
    shutil.copytree(TAX, root / "national" / "cn-tax-first-offense")
    analogue = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    analogue.update(id="test-analogue", version="1", jurisdiction=None, level="analogue",
                    locality="外地", title="测试类比清单", doc_no=None)
    analogue["items"] = [dict(analogue["items"][0], id="test-analogue/01", outcome="lighter_penalty")]
    (root / "analogue.yaml").write_text(yaml.safe_dump(analogue, allow_unicode=True, sort_keys=False), "utf-8")
    return root


def lock_lists(root: Path) -> Path:
    """Record every version of `root` in its versions.lock (as `penalty-rules lists lock` does), so
    a strict load accepts the folder's published versions."""
    from penalty_rules.load.loader import load_corpus
    from penalty_rules.load.lockfile import write_lock

    return write_lock(root, load_corpus(root).corpus.hashes)
