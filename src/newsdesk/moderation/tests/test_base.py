"""The classifier interface: the dummy, and building classifiers from a config."""

from __future__ import annotations

import pytest

from newsdesk.moderation.classifiers import (
    Classifier,
    ClassifierError,
    DummyClassifier,
    classifier_from_config,
)


def test_dummy_scores_trigger_words_only_as_whole_words() -> None:
    dummy = DummyClassifier(triggers=["Trottel"])
    assert dummy.score(["So ein TROTTEL!", "Trottelei", "Guten Morgen"]) == [0.9, 0.1, 0.1]
    assert dummy.is_offensive(["du trottel", "hallo"]) == [True, False]
    assert dummy.is_offensive(["hallo"], threshold=0.05) == [True]


def test_language_matching_uses_the_primary_subtag() -> None:
    dummy = DummyClassifier(languages=["de"])
    assert dummy.can_classify("de-AT")
    assert not dummy.can_classify("en")


def test_config_builds_the_class_with_its_options() -> None:
    classifier = classifier_from_config(
        {
            "CLASS": "newsdesk.moderation.classifiers.DummyClassifier",
            "OPTIONS": {"triggers": ["depp"], "threshold": 0.7},
        }
    )
    assert isinstance(classifier, DummyClassifier)
    assert classifier.threshold == 0.7
    assert classifier.model_version() == "dummy@1"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "CLASS"),
        ({"CLASS": "newsdesk.nowhere.Thing"}, "cannot import"),
        ({"CLASS": "collections.OrderedDict"}, "not a Classifier"),
        ({"CLASS": "newsdesk.moderation.classifiers.DummyClassifier", "OPTIONS": {"x": 1}}, "bad"),
    ],
)
def test_bad_configs_are_refused_and_not_retryable(config: dict, message: str) -> None:
    with pytest.raises(ClassifierError, match=message) as caught:
        classifier_from_config(config)
    assert caught.value.retryable is False


def test_base_class_cannot_score() -> None:
    with pytest.raises(NotImplementedError):
        Classifier().score(["x"])
