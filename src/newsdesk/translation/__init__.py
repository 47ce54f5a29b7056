"""Machine translation: engines, the document pipeline, glossary, memory, checks and the API."""
