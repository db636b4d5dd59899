"""Every feature under features/ runs as part of the test suite."""

from pytest_bdd import scenarios

scenarios("../../features")
