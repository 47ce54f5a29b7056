"""The OpenAPI 3 description of the LibreTranslate-compatible API (served at /mt/openapi.json)."""

from __future__ import annotations

from typing import Any

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_DETECTED = {
    "type": "object",
    "properties": {
        "confidence": {"type": "number", "minimum": 0, "maximum": 100},
        "language": {"type": "string", "example": "de"},
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    meaning = {
        400: "Invalid request or unsupported language",
        403: "Missing or invalid API key",
        405: "Wrong HTTP method",
        429: "Rate limit reached",
        500: "Translation failed",
        503: "No model is installed for this pair yet (see Retry-After)",
    }
    return {
        str(code): {
            "description": meaning[code],
            "content": {"application/json": {"schema": _ERROR}},
        }
        for code in codes
    }


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": schema},
            "multipart/form-data": {"schema": schema},
        },
    }


def schema(base_url: str) -> dict[str, Any]:
    q = {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "description": "Text to translate, or a list of texts (translated in one batch).",
    }
    api_key = {"type": "string", "description": "API key made in the back office."}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "newsdesk translation API",
            "version": "1",
            "description": "LibreTranslate-compatible machine translation. Every request "
            "but /languages needs an api_key; each key has a rate limit.",
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": {
            "/translate": {
                "post": {
                    "summary": "Translate text or HTML",
                    "requestBody": _body(
                        {
                            "q": q,
                            "source": {
                                "type": "string",
                                "example": "de",
                                "description": "Language code (a region or script, "
                                "de-AT or pt_BR, is read as its language), or auto to detect "
                                "it for each text.",
                            },
                            "target": {"type": "string", "example": "en"},
                            "format": {
                                "type": "string",
                                "enum": ["text", "html"],
                                "default": "text",
                                "description": "html keeps markup; of the attributes, alt "
                                "and title are translated, the others are kept as they are.",
                            },
                            "alternatives": {
                                "type": "integer",
                                "default": 0,
                                "minimum": 0,
                                "maximum": 3,
                                "description": "How many other translations to give (the "
                                "engine's next-best hypotheses; engines without them, such "
                                "as DeepL, give none).",
                            },
                            "api_key": api_key,
                        },
                        ["q", "source", "target"],
                    ),
                    "responses": {
                        "200": {
                            "description": "Translation",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "translatedText": q,
                                            "detectedLanguage": {
                                                "oneOf": [
                                                    _DETECTED,
                                                    {"type": "array", "items": _DETECTED},
                                                ],
                                                "description": "Only with source=auto.",
                                            },
                                            "alternatives": {
                                                "type": "array",
                                                "items": {
                                                    "oneOf": [
                                                        {"type": "string"},
                                                        {
                                                            "type": "array",
                                                            "items": {"type": "string"},
                                                        },
                                                    ]
                                                },
                                                "description": "Only with alternatives > 0: "
                                                "other translations of q (a list per text "
                                                "when q is a list).",
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(400, 403, 405, 429, 500, 503),
                    },
                }
            },
            "/languages": {
                "get": {
                    "summary": "Languages and the targets each can be translated to",
                    "responses": {
                        "200": {
                            "description": "Languages",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "code": {"type": "string"},
                                                "name": {"type": "string"},
                                                "targets": {
                                                    "type": "array",
                                                    "items": {"type": "string"},
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/detect": {
                "post": {
                    "summary": "Detect the language of a text",
                    "requestBody": _body({"q": {"type": "string"}, "api_key": api_key}, ["q"]),
                    "responses": {
                        "200": {
                            "description": "Candidates, most likely first",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": _DETECTED}
                                }
                            },
                        },
                        **_errors(400, 403, 405, 429),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Whether the API answers",
                    "responses": {"200": _json_object({"status": {"type": "string"}})},
                }
            },
            "/frontend/settings": {
                "get": {
                    "summary": "Limits and default languages, as LibreTranslate's clients read "
                    "them",
                    "responses": {
                        "200": _json_object(
                            {
                                "charLimit": {"type": "integer"},
                                "apiKeys": {"type": "boolean"},
                                "keyRequired": {"type": "boolean"},
                                "language": {"type": "object"},
                            }
                        )
                    },
                }
            },
            "/spec": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": _json_object({"openapi": {"type": "string"}})},
                }
            },
        },
    }


def _json_object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": "OK",
        "content": {"application/json": {"schema": {"type": "object", "properties": properties}}},
    }
