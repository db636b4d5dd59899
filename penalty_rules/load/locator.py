"""file:line:column of a field of a loaded list version, read back from its file on demand."""

from pathlib import Path

from penalty_rules.load.yaml_source import Marks, YamlProblem, mark_for, read_yaml
from penalty_rules.model.corpus import Corpus
from penalty_rules.model.listdoc import ListDocument


class Locator:
    def __init__(self, corpus: Corpus, root: Path | None):
        self.corpus = corpus
        self.root = Path(root) if root is not None else None
        self.marks: dict[str, Marks] = {}

    def locate(self, doc: ListDocument, loc: tuple) -> tuple[str | None, int | None, int | None]:
        rel = self.corpus.files.get(doc.key)
        if rel is None or self.root is None:
            return rel, None, None
        if rel not in self.marks:
            try:
                _, self.marks[rel] = read_yaml(self.root.parent / rel)
            except (OSError, YamlProblem):
                self.marks[rel] = {}
        line, col = mark_for(self.marks[rel], loc)
        return rel, line, col
