"""A deterministic engine for tests: word-for-word from a small dictionary, with knobs that
make it misbehave the way weak models do (dropping, repeating or garbling placeholders)."""

from __future__ import annotations

import re

from newsdesk.translation.engines import CutOutput, TranslationEngine

_DE_EN = {
    "der": "the",
    "die": "the",
    "das": "the",
    "den": "the",
    "dem": "the",
    "und": "and",
    "ist": "is",
    "sind": "are",
    "ein": "a",
    "eine": "a",
    "in": "in",
    "im": "in the",
    "mit": "with",
    "von": "of",
    "für": "for",
    "auf": "on",
    "nicht": "not",
    "heute": "today",
    "gestern": "yesterday",
    "stadt": "city",
    "bürgermeister": "mayor",
    "sagte": "said",
    "hat": "has",
    "haben": "have",
    "wird": "will",
    "neu": "new",
    "neue": "new",
    "neuen": "new",
    "zeitung": "newspaper",
    "budget": "budget",
    "gemeinderat": "city council",
    "beschlossen": "decided",
    "am": "on",
    "montag": "Monday",
    "juni": "June",
    "januar": "January",
    "euro": "euros",
    "millionen": "million",
    "jahr": "year",
    "schule": "school",
    "kinder": "children",
    "wetter": "weather",
    "regen": "rain",
    "morgen": "tomorrow",
    "es": "it",
    "er": "he",
    "sie": "she",
    "wir": "we",
    "zwei": "two",
    "drei": "three",
    "haus": "house",
    "straße": "street",
    "bahnhof": "station",
}
_EN_DE = {english: german for german, english in _DE_EN.items() if " " not in english}
_DICTIONARIES = {("de", "en"): _DE_EN, ("en", "de"): _EN_DE}
_WORD = re.compile(r"<[^>]*>|\w+|\W", re.UNICODE)
_MARKER = re.compile(r"</?x\d+/?>")


class DummyEngine(TranslationEngine):
    """Deterministic test engine.

    ``placeholders``: "keep" (default), "drop" (removes every placeholder), "duplicate"
    (writes every placeholder twice), "garble" (renumbers them, pads them with spaces),
    "reverse" (reverses the order of the words between them).
    ``fail``: raise this message as an EngineError on every call; ``unavailable``: the same as
    an EngineUnavailable (a service that cannot be reached).
    ``max_words``: the longest segment it translates whole (longer ones are cut by the
    pipeline); a longer one comes back cut after that many words, as a
    :class:`~newsdesk.translation.engines.CutOutput`.
    """

    name = "dummy"

    def __init__(
        self,
        placeholders: str = "keep",
        pairs: list[str] | None = None,
        version: str = "1",
        fail: str = "",
        max_words: int | None = None,
        unavailable: str = "",
    ) -> None:
        self.placeholders = placeholders
        self.version = version
        self.fail = fail
        self.unavailable = unavailable
        self.max_words = max_words
        self.pairs = {tuple(pair.split("-", 1)) for pair in (pairs or ["de-en", "en-de"])}
        self.calls: list[tuple[list[str], str, str]] = []

    def language_pairs(self) -> set[tuple[str, str]]:
        return {(str(a), str(b)) for a, b in self.pairs}

    def model_version(self, source: str, target: str) -> str:
        return f"dummy:{source}-{target}@{self.version}"

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        from newsdesk.translation.engines import EngineError, EngineUnavailable

        self.check_pair(source, target)
        self.calls.append((list(segments), source, target))
        if self.unavailable:
            raise EngineUnavailable(self.unavailable)
        if self.fail:
            raise EngineError(self.fail)
        dictionary = _DICTIONARIES.get((source, target), {})
        outputs: list[str] = []
        for text in segments:
            words = text.split(" ")
            if self.max_words and len(words) > self.max_words:
                outputs.append(
                    CutOutput(self._words(" ".join(words[: self.max_words]), dictionary))
                )
            else:
                outputs.append(self._mangle(self._words(text, dictionary)))
        return outputs

    def segment_limit(self, source: str, target: str) -> int | None:
        return self.max_words

    @staticmethod
    def _words(text: str, dictionary: dict[str, str]) -> str:
        out = []
        for token in _WORD.findall(text):
            translated = dictionary.get(token.lower())
            if translated is None:
                out.append(token)
            elif token[:1].isupper():
                out.append(translated[:1].upper() + translated[1:])
            else:
                out.append(translated)
        return "".join(out)

    def _mangle(self, text: str) -> str:
        mode = self.placeholders
        if mode == "drop":
            return _MARKER.sub("", text)
        if mode == "duplicate":
            return _MARKER.sub(lambda m: m.group(0) * 2, text)
        if mode == "garble":
            return _MARKER.sub(lambda m: " " + m.group(0).replace("x", "x9") + " ", text)
        if mode == "reverse":
            return " ".join(reversed(text.split(" ")))
        return text
