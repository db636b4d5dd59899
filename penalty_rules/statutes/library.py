"""StatuteLibrary: the statute texts folder, indexed by law and version, parsed on demand.

The catalogue (file names and each file's `# title` line) is built once, on first use; a
version's articles are parsed only when a citation asks for them, then kept.
"""

import difflib
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from penalty_rules.errors import StatutesUnavailable
from penalty_rules.model.citation import Citation
from penalty_rules.model.numerals import zh_number
from penalty_rules.statutes.articles import Article, parse_statute
from penalty_rules.statutes.names import normalise_law_name, parse_file_name
from penalty_rules.statutes.numbering import article_label, parse_article_key
from penalty_rules.statutes.resolution import Resolution, ResolutionStatus as S

_NOT_STATUTES = {"_index.md", "README.md"}
# File names carry the date a version was adopted or amended, not the date it took effect (the
# 2021 revision of 行政处罚法 is dated 2021-01-22 and took effect 2021-07-15): a version dated
# less than this many days before the date asked for is used with a note.
RECENT_VERSION_DAYS = 366


@dataclass(frozen=True)
class StatuteFile:
    path: Path
    rel: str  # relative to the statutes root, '/'-separated
    short_name: str
    version_date: date | None
    title: str


@dataclass
class LawVersion:
    """One version of a law: usually one file; a code split into parts (民法典) has several."""

    title: str
    version_date: date | None
    files: list[StatuteFile]
    _articles: dict[str, Article] | None = field(default=None, repr=False)
    duplicates: list[str] = field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        return f"{self.version_date.isoformat()} 版" if self.version_date else "未注明日期的版本"

    @property
    def parsed(self) -> bool:
        """Whether the articles have been read (they are read on the first look-up only)."""
        return self._articles is not None

    def articles(self) -> dict[str, Article]:
        if self._articles is None:
            merged: dict[str, Article] = {}
            for f in self.files:  # duplicates of one version in two folders: first file wins
                parsed = parse_statute(f.path.read_text(encoding="utf-8"), f.rel)
                self.duplicates += parsed.duplicates
                for key, art in parsed.articles.items():
                    merged.setdefault(key, art)
            self._articles = merged
        return self._articles


@dataclass
class Law:
    title: str  # from the `# ` line, e.g. 中华人民共和国行政处罚法
    key: str  # normalised title, e.g. 行政处罚法
    short_names: set[str] = field(default_factory=set)
    dated: list[LawVersion] = field(default_factory=list)  # ascending by date
    undated: LawVersion | None = None

    def version_dates(self) -> list[date]:
        return [v.version_date for v in self.dated if v.version_date]


@dataclass
class LibraryStats:
    files: int = 0
    laws: int = 0
    versions: int = 0
    skipped: list[str] = field(default_factory=list)  # files without a `# title` line
    ambiguous_short_names: list[str] = field(default_factory=list)
    catalogue_seconds: float = 0.0


class StatuteLibrary:
    def __init__(self, path: Path | str):
        self.root = Path(path)
        if not self.root.is_dir():
            raise StatutesUnavailable(str(self.root))
        self._lock = threading.Lock()
        self._laws: dict[str, Law] | None = None
        self._aliases: dict[str, Law] = {}
        self._similar: dict[tuple[str, int], list[str]] = {}  # similar_laws per name: the catalogue never changes
        self.stats = LibraryStats()

    # -- catalogue -------------------------------------------------------------------------
    def _catalogue(self) -> dict[str, Law]:
        if self._laws is None:
            with self._lock:
                if self._laws is None:
                    self._build()
        assert self._laws is not None
        return self._laws

    def _build(self) -> None:
        started = time.perf_counter()
        stats = LibraryStats()
        groups: dict[tuple[str, date | None], list[StatuteFile]] = {}
        for path in sorted(self.root.rglob("*.md")):
            if path.name in _NOT_STATUTES:
                continue
            rel = path.relative_to(self.root).as_posix()
            parsed = parse_file_name(path.name)
            with path.open(encoding="utf-8") as fh:
                first = fh.readline().strip()
            if parsed is None or not first.startswith("# "):
                stats.skipped.append(rel)
                continue
            stats.files += 1
            title = first[2:].strip()
            f = StatuteFile(path, rel, parsed.short_name, parsed.version_date, title)
            groups.setdefault((normalise_law_name(title), parsed.version_date), []).append(f)

        laws: dict[str, Law] = {}
        for (key, when), files in groups.items():
            law = laws.setdefault(key, Law(files[0].title, key))
            version = LawVersion(files[0].title, when, files)
            stats.versions += 1
            if when is None:
                law.undated = version
            else:
                law.dated.append(version)
            # Parts of one code (民法典/总则.md, 物权编.md …) share a title: their file names
            # are part names, not names of the law.
            if len({f.short_name for f in files}) == 1:
                law.short_names.add(files[0].short_name)
        for law in laws.values():
            law.dated.sort(key=lambda v: v.version_date)

        aliases: dict[str, Law] = {}
        ambiguous: set[str] = set()
        for law in laws.values():
            for short in law.short_names:
                alias = normalise_law_name(short)
                if alias in laws:
                    continue
                if alias in aliases and aliases[alias] is not law:
                    ambiguous.add(alias)
                aliases[alias] = law
        for alias in ambiguous:
            del aliases[alias]
        stats.ambiguous_short_names = sorted(ambiguous)
        stats.laws = len(laws)
        stats.catalogue_seconds = time.perf_counter() - started
        self.stats = stats
        self._aliases = aliases
        self._laws = laws

    # -- look-ups --------------------------------------------------------------------------
    def laws(self) -> list[Law]:
        return sorted(self._catalogue().values(), key=lambda law: law.key)

    def find_law(self, name: str) -> Law | None:
        """By full title, short name or file name, with or without 《》 and 中华人民共和国."""
        laws = self._catalogue()
        key = normalise_law_name(name)
        return laws.get(key) or self._aliases.get(key)

    def similar_laws(self, name: str, n: int = 3) -> list[str]:
        """Titles close to `name` (difflib over every law of the catalogue: milliseconds, so each
        name's answer is kept; a law missing from the collection is cited case after case)."""
        laws = self._catalogue()
        key = (normalise_law_name(name), n)
        hit = self._similar.get(key)
        if hit is None:
            keys = difflib.get_close_matches(key[0], list(laws), n=n, cutoff=0.75)
            hit = [laws[k].title for k in keys]
            if len(self._similar) >= 4096:  # names come from list data and requests: bounded
                self._similar.clear()
            self._similar[key] = hit
        return list(hit)

    def _choose(self, law: Law, on: date | None) -> tuple[LawVersion | None, str | None]:
        if law.dated:
            if on is None:
                return law.dated[-1], None
            earlier = [v for v in law.dated if v.version_date and v.version_date <= on]
            if not earlier:
                return None, None
            chosen = earlier[-1]
            if (on - chosen.version_date).days < RECENT_VERSION_DAYS:
                return chosen, (
                    f"所用版本的日期 {chosen.version_date} 是通过或修订日期, 距 {on} 不足一年; "
                    "请核对该版本当日是否已经施行"
                )
            return chosen, None
        if law.undated is not None:
            return law.undated, "法规文本库中该法规只有未注明日期的版本, 无法按日期核对版本"
        return None, None

    def version_on(self, law: str | Law, on: date | None) -> LawVersion | None:
        """The latest version dated on or before `on` (the latest of all if `on` is None);
        a law with only undated files gives its undated version."""
        found = self.find_law(law) if isinstance(law, str) else law
        return self._choose(found, on)[0] if found else None

    def article(self, law: str, article: str | int, on: date | None = None) -> Article | None:
        """An article by key ("33", "33-1", "第三十三条之一") in the version in force on `on`."""
        version = self.version_on(law, on)
        if version is None:
            return None
        return version.articles().get(parse_article_key(str(article)))

    def article_text(self, citation: Citation, on: date | None = None) -> str | None:
        """The whole cited article as printed (for officers); None if it cannot be found."""
        return self.resolve(citation, on).article_text

    # -- resolve ---------------------------------------------------------------------------
    def resolve(self, citation: Citation, on: date | None = None) -> Resolution:
        base = {"citation": citation, "on": on}
        law = self.find_law(citation.law)
        if law is None:
            similar = self.similar_laws(citation.law)
            hint = f"; 相近的法规: {'、'.join(f'《{t}》' for t in similar)}" if similar else ""
            return Resolution(
                **base, status=S.law_not_found,
                message=f"法规文本库中未找到《{citation.law}》{hint}",
            )
        version, note = self._choose(law, on)
        if version is None:
            dates = "、".join(d.isoformat() for d in law.version_dates())
            return Resolution(
                **base, status=S.version_not_found, law_title=law.title,
                message=f"《{law.title}》在法规文本库中没有 {on} 当日或之前的版本(现有版本: {dates})",
            )
        where = f"《{law.title}》({version.label})"
        found = {
            **base, "law_title": law.title, "version_date": version.version_date,
            "file": version.files[0].rel, "note": note,
            "recent_version": bool(on and version.version_date and (on - version.version_date).days < RECENT_VERSION_DAYS),
        }
        if citation.article is None:
            return Resolution(
                **found, status=S.article_unspecified, message=f"引用未指明条文, 仅核对法名: {where}"
            )
        key = str(citation.article)
        articles = version.articles()
        art = articles.get(key)
        if art is None:
            size = f"该版本共 {len(articles)} 条" if articles else "该文本未按条编排, 无法核对条文"
            return Resolution(
                **found, status=S.article_not_found,
                message=f"{where}中没有{article_label(key)}({size})",
            )
        found.update(file=art.file, article_key=key, article_text=art.text)
        where += art.label
        if citation.paragraph is None and citation.item is None:
            return Resolution(**found, status=S.resolved, text=art.text, message=f"已核对: {where}")

        paragraph_no, inferred = citation.paragraph, None
        if paragraph_no is None:  # 第九条第（一）项: the item belongs to the paragraph that has items
            with_items = [i for i, p in enumerate(art.paragraphs, 1) if p.items]
            if not with_items:
                return Resolution(
                    **found, status=S.item_not_found, message=f"{where}没有分项, 无第（{zh_number(citation.item)}）项"
                )
            paragraph_no = with_items[0]
            if len(with_items) > 1:
                inferred = f"引用未指明款, 按含分项的第{zh_number(paragraph_no)}款核对"
        if paragraph_no > len(art.paragraphs):
            return Resolution(
                **found, status=S.paragraph_not_found,
                message=f"{where}共 {len(art.paragraphs)} 款, 没有第{zh_number(paragraph_no)}款",
            )
        paragraph = art.paragraphs[paragraph_no - 1]
        if citation.paragraph is not None:
            where += f"第{zh_number(paragraph_no)}款"
        notes = "; ".join(n for n in (note, inferred) if n) or None
        found["note"] = notes
        if citation.item is None:
            return Resolution(**found, status=S.resolved, text=paragraph.full_text, message=f"已核对: {where}")
        if citation.item > len(paragraph.items):
            count = f"共 {len(paragraph.items)} 项" if paragraph.items else "没有分项"
            return Resolution(
                **found, status=S.item_not_found,
                message=f"{where}{count}, 没有第（{zh_number(citation.item)}）项",
            )
        where += f"第（{zh_number(citation.item)}）项"
        return Resolution(
            **found, status=S.resolved, text=paragraph.items[citation.item - 1], message=f"已核对: {where}"
        )
