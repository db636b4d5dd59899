"""penalty-rules: 免罚轻罚清单规则引擎.

Flow: lists/ (YAML) → load (safe YAML, schema, lint) → model (pydantic) → engine
(reference evaluator + durable-rules matcher) → explain (trace, questions) → service (FastAPI).
"""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
