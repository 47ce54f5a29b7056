"""The OpenAPI 3.1 description of the community API (served at /api/community/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "Bad request (the message says what is wrong)"),
    "401": _json(_ref("Error"), "Not logged in"),
    "403": _json(_ref("Error"), "Not allowed (closed, not yours, CSRF check failed)"),
    "404": _json(_ref("Error"), "No such article, page or comment"),
    "405": _json(_ref("Error"), "Method not allowed (see Allow)"),
    "409": _json(_ref("Error"), "Duplicate or flood"),
    "413": _json(_ref("Error"), "The body is larger than 32 KiB"),
    "415": _json(_ref("Error"), "The body is not JSON"),
    "429": _json(_ref("Error"), "Rate limit; see Retry-After"),
    "500": _json(_ref("Error"), "Server error"),
}

# Writing needs both: the session cookie of a logged-in reader and the CSRF token.
_SESSION_AND_CSRF: list[dict[str, list[str]]] = [{"session": [], "csrf": []}]


def _security_schemes() -> dict[str, Any]:
    return {
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The session cookie of a reader logged in on this site.",
        },
        "csrf": {
            "type": "apiKey",
            "in": "header",
            "name": "X-CSRFToken",
            "description": f"The value of this site's CSRF cookie ({settings.CSRF_COOKIE_NAME}).",
        },
    }


_TARGET = [
    {
        "name": "article",
        "in": "query",
        "schema": {"type": "integer"},
        "description": "An article of this site (its editions share one discussion).",
    },
    {
        "name": "url",
        "in": "query",
        "schema": {"type": "string", "format": "uri"},
        "description": "A page on an allowed site (the embeddable widget).",
    },
]


def schema(server: str) -> dict[str, Any]:
    comment_props = {
        "id": {"type": "integer"},
        "parent": {"type": ["integer", "null"]},
        "depth": {"type": "integer"},
        "author": {"type": ["string", "null"], "description": "Display name"},
        "author_profile": {
            "type": ["integer", "null"],
            "description": "The author's public profile (/readers/ID/); never the account id",
        },
        "language": {"type": "string"},
        "html": {"type": "string", "description": "Escaped text, links clickable"},
        "text": {
            "type": "string",
            "description": "The text as written: only for its author (reading or editing it)",
        },
        "created_at": {"type": "string", "format": "date-time"},
        "edited_at": {"type": ["string", "null"], "format": "date-time"},
        "deleted": {"type": "boolean", "description": "Withdrawn by its author"},
        "removed": {"type": "boolean", "description": "Removed by the moderators"},
        "status": {
            "type": "string",
            "enum": ["visible", "pending", "rejected"],
            "description": "pending: held for review, shown only to its author",
        },
        "upvotes": {"type": "integer"},
        "downvotes": {"type": "integer"},
        "score": {"type": "number", "description": "Wilson lower bound of the up-vote share"},
        "url": {"type": "string", "description": "Permalink"},
        "replies": {"type": "array", "items": _ref("Comment")},
    }
    write_note = (
        "Needs this site's session cookie and its CSRF token in X-CSRFToken; "
        "never available to other origins."
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "newsdesk community API", "version": "1"},
        "servers": [{"url": server}],
        "paths": {
            "/api/community/threads": {
                "get": {
                    "summary": "One page of a discussion: top-level comments with their replies",
                    "parameters": [
                        *_TARGET,
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"enum": ["best", "newest", "oldest"]},
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                    ],
                    "responses": {"200": _json(_ref("Thread"), "The page"), **_ERRORS},
                }
            },
            "/api/community/counts": {
                "get": {
                    "summary": "Comment counts for many articles and pages at once (100 at most)",
                    "parameters": [
                        {
                            "name": "article",
                            "in": "query",
                            "explode": True,
                            "schema": {"type": "array", "items": {"type": "integer"}},
                        },
                        {
                            "name": "url",
                            "in": "query",
                            "explode": True,
                            "schema": {"type": "array", "items": {"type": "string"}},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "articles": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                    "urls": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                },
                            },
                            "Counts",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/api/community/opening": {
                "get": {
                    "summary": "Whether posting is possible now, and when it will be again",
                    "parameters": _TARGET,
                    "responses": {"200": _json(_ref("Opening"), "The state"), **_ERRORS},
                }
            },
            "/api/community/comments": {
                "post": {
                    "summary": "Post a comment or a reply",
                    "description": write_note,
                    "security": _SESSION_AND_CSRF,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {
                                        "article": {"type": "integer"},
                                        "url": {"type": "string"},
                                        "title": {"type": "string"},
                                        "text": {"type": "string"},
                                        "parent": {"type": ["integer", "null"]},
                                        "language": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"201": _json(_ref("Comment"), "Posted"), **_ERRORS},
                }
            },
            "/api/community/comments/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "get": {
                    "summary": "One comment",
                    "responses": {"200": _json(_ref("Comment"), "The comment"), **_ERRORS},
                },
                "patch": {
                    "summary": "Edit your comment (within the edit window)",
                    "description": write_note,
                    "security": _SESSION_AND_CSRF,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "responses": {"200": _json(_ref("Comment"), "Edited"), **_ERRORS},
                },
                "delete": {
                    "summary": "Delete your comment",
                    "description": write_note,
                    "security": _SESSION_AND_CSRF,
                    "responses": {"204": {"description": "Deleted"}, **_ERRORS},
                },
            },
            "/api/community/reader": {
                "get": {
                    "summary": "Who is reading (this site's pages and the widget's frame only)",
                    "description": (
                        "Not readable by other origins. For a logged-in reader: the public "
                        "profile id, the ids of their comments in the conversation still "
                        "inside the edit window, and the CSRF token for writing."
                    ),
                    "parameters": [
                        {"name": "conversation", "in": "query", "schema": {"type": "integer"}}
                    ],
                    "responses": {"200": _json(_ref("Reader"), "The reader"), **_ERRORS},
                }
            },
            "/api/community/comments/{id}/vote": {
                "post": {
                    "summary": "Vote +1 or -1, change the vote, or take it back with 0",
                    "description": write_note,
                    "security": _SESSION_AND_CSRF,
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["value"],
                                    "properties": {"value": {"enum": [1, -1, 0]}},
                                }
                            }
                        },
                    },
                    "responses": {"200": _json({"type": "object"}, "The new tally"), **_ERRORS},
                }
            },
        },
        # Reading needs nothing; each write says what it needs.
        "security": [{}],
        "components": {
            "securitySchemes": _security_schemes(),
            "schemas": {
                "Comment": {"type": "object", "properties": comment_props},
                "Thread": {
                    "type": "object",
                    "properties": {
                        "conversation": {"type": ["integer", "null"]},
                        "count": {"type": "integer"},
                        "sort": {"type": "string"},
                        "page": {"type": "integer"},
                        "has_more": {"type": "boolean"},
                        "comments": {"type": "array", "items": _ref("Comment")},
                    },
                },
                "Opening": {
                    "type": "object",
                    "properties": {
                        "open": {"type": "boolean"},
                        "can_vote": {"type": "boolean"},
                        "reason": {"enum": ["open", "schedule", "closed", "expired", "archive"]},
                        "next_open": {"type": ["string", "null"], "format": "date-time"},
                        "message": {"type": "string"},
                    },
                },
                "Reader": {
                    "type": "object",
                    "required": ["profile", "editable", "csrf_token"],
                    "properties": {
                        "profile": {"type": ["integer", "null"]},
                        "editable": {"type": "array", "items": {"type": "integer"}},
                        "csrf_token": {"type": ["string", "null"]},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string", "description": "Stable code"},
                        "message": {"type": "string", "description": "For people"},
                    },
                },
            },
        },
    }
