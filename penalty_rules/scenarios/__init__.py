"""Scenario features (pytest-bdd, zh-CN): shared step library, runner, scaffolder and lint."""
