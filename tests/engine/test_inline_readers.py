"""Guard (issue 12): the statutory rules' inputs function reads plain tags inline
(conditions.raw_expression); each inline expression gives exactly raw_reader's value, and the
generated inputs function gives the same tuples as calling every reader."""

from fast_cases import varied_cases
from penalty_rules.config import Settings
from penalty_rules.engine.conditions import raw_expression, raw_reader
from penalty_rules.engine.engine import Engine
from penalty_rules.load.loader import load_corpus_strict
from penalty_rules.model.vocabulary import VOCABULARY

CORPUS = load_corpus_strict(Settings.from_env().lists_dir)
CASES = varied_cases(CORPUS, 600, seed=12)


def test_inline_expression_equals_reader():
    inlined = 0
    for tag in sorted(VOCABULARY.conditions):
        expr = raw_expression(tag)
        if expr is None:
            continue
        inlined += 1
        read = raw_reader(tag)
        fn = eval(f"lambda f, first: {expr}")  # noqa: S307 - our own expression
        for facts in CASES:
            for first in (True, False, None):
                assert fn(facts, first) == read(facts, first), (tag, expr)
    assert inlined >= 10  # the plain tags the statutory rules read


def test_inputs_function_equals_the_readers():
    engine = Engine(CORPUS)
    statutory = engine.statutory
    for version in statutory.corpus.versions:
        inputs = statutory.version_inputs(version.rules)
        for facts in CASES:
            dec = facts.decision_date
            first = engine.case_first_offense(facts)
            questions = tuple(first.questions.items())
            got = inputs(facts, first.value, questions, dec, facts.domain, None)
            want = tuple(
                tuple(reader(facts, first.value) if kind == "c" else reader(facts, first.value, questions, dec,
                                                                              facts.domain, None)
                      for _identity, kind, reader in statutory._readers(spec))
                for spec in version.rules
            )
            assert got == want


def test_inputs_function_equals_the_readers_with_laws():
    """The same with the case's violated laws given (the no-fault rows and the limitation rule read
    them) and the facts' own domain."""
    engine = Engine(CORPUS)
    statutory = engine.statutory
    laws = ("中华人民共和国食品安全法",)
    for version in statutory.corpus.versions:
        inputs = statutory.version_inputs(version.rules)
        for facts in CASES[:200]:
            dec = facts.decision_date
            first = engine.case_first_offense(facts)
            questions = tuple(first.questions.items())
            got = inputs(facts, first.value, questions, dec, facts.domain, laws)
            want = tuple(
                tuple(reader(facts, first.value) if kind == "c" else reader(facts, first.value, questions, dec,
                                                                              facts.domain, laws)
                      for _identity, kind, reader in statutory._readers(spec))
                for spec in version.rules
            )
            assert got == want


def test_inputs_function_calls_no_reader_without_age():
    """The tests' inputs (mental state, fault, no-fault rows, limitation, the questions on priors) are
    read inline; the age's only where an age or a birth date is given (its span needs the dates):
    a case with neither runs no Python function besides the inputs function itself (special-law
    facts sorted into the key: a built-in sort, no Python call; the special-law rows' scopes for the
    limitation rule read from what StatutoryRules.limitation_scopes keeps, once computed)."""
    import sys

    engine = Engine(CORPUS)
    statutory = engine.statutory
    calls = []

    def profile(frame, event, arg):
        if event == "call":
            calls.append(frame.f_code.co_name)

    plain = [f.model_copy(update={"age": None, "birth_date": None}) for f in CASES[:100]]
    for version in statutory.corpus.versions:
        inputs = statutory.version_inputs(version.rules)
        for facts in plain:
            first = engine.case_first_offense(facts)
            questions = tuple(first.questions.items())
            inputs(facts, first.value, questions, facts.decision_date, facts.domain, None)  # scopes kept
            calls.clear()
            sys.setprofile(profile)
            try:
                inputs(facts, first.value, questions, facts.decision_date, facts.domain, None)
            finally:
                sys.setprofile(None)
            assert [c for c in calls if c != "inputs"] == [], calls


def test_inputs_function_reads_fields_from_the_facts_dict():
    """The inputs function reads every CaseFacts field from the facts' __dict__ (a dict read; an
    attribute read of a pydantic model goes through its __getattr__ hook): no field name is read
    as an attribute in its code. The values are the same (the equality tests above)."""
    from penalty_rules.model.facts import CaseFacts

    statutory = Engine(CORPUS).statutory
    for version in statutory.corpus.versions:
        inputs = statutory.version_inputs(version.rules)
        read_as_attribute = set(inputs.__code__.co_names) & set(CaseFacts.model_fields)
        assert not read_as_attribute, read_as_attribute


def test_durable_fact_writers_read_fields_from_the_facts_dict():
    """durable-rules' fact writers (one per ruleset) read the facts' fields from their __dict__ too;
    tests/engine/test_durable_per_item.py compares what they write with the fact built field by field."""
    from penalty_rules.engine.durable_adapter import compile_rulesets
    from penalty_rules.model.facts import CaseFacts

    groups = compile_rulesets(CORPUS)
    assert groups
    for group in groups:
        read_as_attribute = set(group._writer.__code__.co_names) & set(CaseFacts.model_fields)
        assert not read_as_attribute, (group.name, read_as_attribute)
