"""Translated editions: every published article in every site language, labelled and linked."""
