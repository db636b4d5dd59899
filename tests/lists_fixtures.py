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


ATTESTED_LIST = "test-attested"


def attested_lists(tmp_path: Path, tags=("prior_violations_handled", "fines_paid")) -> Path:
    """domains.yaml, the statutory rules and one national list `test-attested` (locked) of two copies
    of a tax item with officer-attested tags added (vocabulary kind: attested): item 01 with tags[0],
    item 02 with all of `tags`. The bundled lists have no such tag; this folder exercises them."""
    import json

    root = empty_lists(tmp_path)
    doc = yaml.safe_load((TAX / "2021-6.yaml").read_text("utf-8"))
    base = next(i for i in doc["items"] if i["id"] == "cn-tax-2021-6/03")
    items = []
    for n, added in ((1, list(tags[:1])), (2, list(tags))):
        items.append(dict(base, id=f"{ATTESTED_LIST}/0{n}", violation=base["violation"] + ("" if n == 1 else "(二)"),
                          conditions=dict(base["conditions"], all=base["conditions"]["all"] + added)))
    doc.update(id=ATTESTED_LIST, version="1", title="认定事项测试清单",
               items=json.loads(json.dumps(items, default=str)))  # no shared objects: no YAML aliases
    folder = root / "national" / ATTESTED_LIST
    folder.mkdir(parents=True)
    (folder / "1.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    lock_lists(root)
    return root
