"""The two sides of a replay: two list snapshots (corpora).

- `--from LIST@V1 --to LIST@V2`: the corpus of the lists folder in which LIST stands as V1, and
  the same corpus in which V2 takes V1's place (V2's content with V1's dates of force, so every
  case is judged by the same dates and only the list content differs; a draft V2 is treated as
  published for the comparison). Other versions of LIST are left out of both sides.
- `--from-rev A --to-rev B`: the whole lists/ folder at two git revisions (`git archive`).
- `--from-lock F1 --to-lock F2`: the versions recorded in two versions.lock states: only list
  versions whose current content has the recorded hash (drafts and unrecorded versions left out).
"""

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import Status


class SnapshotProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Snapshot:
    label: str  # shown in reports
    corpus: Corpus
    describe: str  # one sentence, Chinese


def _rebuild(corpus: Corpus, documents) -> Corpus:
    return Corpus(registry=corpus.registry, documents=list(documents), hashes=dict(corpus.hashes),
                  manifests=list(corpus.manifests), files=dict(corpus.files), statutory=corpus.statutory)


def list_versions(base: Corpus, key_from: str, key_to: str) -> tuple[Snapshot, Snapshot]:
    docs = {d.key: d for d in base.documents}
    for key in (key_from, key_to):
        if "@" not in key:
            raise SnapshotProblem("bad_list_version", f"清单版本须写作 清单编号@版本, 如 cn-tax-first-offense@2021-6: {key}")
        if key not in docs:
            import difflib

            close = difflib.get_close_matches(key, sorted(docs), n=3, cutoff=0.5)
            hint = f"(相近: {', '.join(close)})" if close else ""
            raise SnapshotProblem("unknown_list_version", f"未找到清单版本 {key}{hint}")
    a, b = docs[key_from], docs[key_to]
    if a.id != b.id:
        raise SnapshotProblem("different_lists", f"--from 与 --to 须为同一清单的两个版本: {a.id} ≠ {b.id}")
    others = [d for d in base.documents if d.id != a.id]
    status = a.status if a.status is not Status.draft else Status.in_force
    a2 = a.model_copy(update={"status": status})
    b2 = b.model_copy(update={
        "effective_from": a.effective_from, "effective_to": a.effective_to, "published_on": a.published_on,
        "effective_year": a.effective_year, "status": status,
    })
    start = a.start.isoformat() if a.start else "未载明"
    return (
        Snapshot(key_from, _rebuild(base, others + [a2]), f"{a.id} 按版本 {a.version}(施行日 {start})"),
        Snapshot(key_to, _rebuild(base, others + [b2]),
                 f"{a.id} 按版本 {b.version}(内容), 沿用版本 {a.version} 的施行期({start} 起)"),
    )


def git_revision(rev: str, repo: Path, workdir: Path) -> Snapshot:
    """lists/ at a git revision, extracted into `workdir` (kept by the caller while the replay runs)."""
    try:
        top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
        sha = subprocess.run(["git", "-C", top, "rev-parse", "--verify", f"{rev}^{{commit}}"], check=True,
                             capture_output=True, text=True).stdout.strip()
        rel = Path(repo).resolve().relative_to(Path(top).resolve()) / "lists"
        data = subprocess.run(["git", "-C", top, "archive", "--format=tar", sha, str(rel)], check=True,
                              capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        if isinstance(detail, bytes):
            detail = detail.decode(errors="replace")
        raise SnapshotProblem("bad_git_revision", f"无法读取 git 版本 {rev} 的 lists/: {detail.strip()}") from None
    target = workdir / sha[:12]
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    corpus = _load(target / rel, f"git {rev}")
    return Snapshot(f"git:{rev}", corpus, f"lists/ 于 git 版本 {rev}({sha[:12]})")


def _load(path: Path, what: str) -> Corpus:
    from penalty_rules.errors import CorpusInvalid

    try:
        return load_corpus_strict(path)
    except CorpusInvalid as exc:
        first = "; ".join(str(getattr(p, "message", p)) for p in exc.problems[:3])
        raise SnapshotProblem("invalid_snapshot", f"{what} 的清单无法加载: {first}") from None


def lock_state(base: Corpus, lock_path: Path) -> Snapshot:
    from penalty_rules.errors import CorpusInvalid
    from penalty_rules.load.lockfile import load_lock

    lock_path = Path(lock_path)
    if not lock_path.is_file():
        raise SnapshotProblem("lock_not_found", f"versions.lock 文件不存在: {lock_path}")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "versions.lock").write_bytes(lock_path.read_bytes())
        try:
            recorded, problems = load_lock(Path(tmp))
        except CorpusInvalid as exc:  # pragma: no cover - load_lock reports, does not raise
            problems = exc.problems
            recorded = {}
    if problems:
        raise SnapshotProblem("bad_lock", "; ".join(p.message for p in problems))
    docs = [d for d in base.documents if recorded.get(d.key) == base.hashes.get(d.key)]
    missing = sorted(k for k in recorded if k not in base.hashes and "@" in k)
    note = f"; 其中 {len(missing)} 个版本的内容已不在清单目录中" if missing else ""
    return Snapshot(f"lock:{lock_path.name}", _rebuild(base, docs),
                    f"{lock_path} 记录的 {len(docs)} 个清单版本(内容哈希一致者){note}")


def lists_dir(path: Path | None = None) -> Path:
    if path is not None:
        return Path(path)
    from penalty_rules.config import Settings

    return Settings.from_env().lists_dir


def resolve(base_dir: Path | None, list_from=None, list_to=None, rev_from=None, rev_to=None,
            lock_from=None, lock_to=None, workdir: Path | None = None) -> tuple[Snapshot, Snapshot]:
    chosen = [bool(list_from or list_to), bool(rev_from or rev_to), bool(lock_from or lock_to)]
    if sum(chosen) != 1:
        raise SnapshotProblem("bad_sides", "须且只能给出一对: --from/--to、--from-rev/--to-rev 或 --from-lock/--to-lock")
    root = lists_dir(base_dir)
    if chosen[1]:
        if not (rev_from and rev_to):
            raise SnapshotProblem("bad_sides", "--from-rev 与 --to-rev 须同时给出")
        repo = root.parent
        return git_revision(rev_from, repo, workdir), git_revision(rev_to, repo, workdir)
    base = _load(root, str(root))
    if chosen[0]:
        if not (list_from and list_to):
            raise SnapshotProblem("bad_sides", "--from 与 --to 须同时给出")
        return list_versions(base, list_from, list_to)
    if not (lock_from and lock_to):
        raise SnapshotProblem("bad_sides", "--from-lock 与 --to-lock 须同时给出")
    return lock_state(base, lock_from), lock_state(base, lock_to)
