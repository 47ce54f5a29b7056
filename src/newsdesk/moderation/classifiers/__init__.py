"""Offensive-language classifiers: the plug-in interface, a dummy for tests and the built-in model.

A classifier is configured like a translation engine, ``{"CLASS": "dotted.path", "OPTIONS":
{...}}``; :func:`classifier_from_config` builds one. The built-in one is
:class:`~newsdesk.moderation.classifiers.linear.LinearClassifier`, which loads
``data/germeval2018-de.npz`` unless given another model file.
"""

from newsdesk.moderation.classifiers.base import (
    Classifier,
    ClassifierError,
    DummyClassifier,
    classifier_from_config,
)

__all__ = ["Classifier", "ClassifierError", "DummyClassifier", "classifier_from_config"]
