"""Rule functions carry example matches in their docstrings; run them as tests."""

import doctest
import importlib

import pytest

MODULES = ["extractors.numbers", "extractors.dates", "extractors.models", "extractors.groups", "extractors.rules",
           "extractors.claims", "extractors.retrie"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
