"""The hostile-input corpus (issue 14): strings and raw bodies written for newsdesk's forms
and endpoints, by kind. Every script-bearing entry, if it ever ran, would set
``window.__pwned`` (directly, or through ``alert``/``confirm``/``prompt``, which the browser
test replaces with functions that set it), so the browser test needs one check for them all.

Shapes: ``TEXTS`` is ``{kind: [str, ...]}``; ``RAW_BODIES`` is ``{name: bytes}`` (bodies that
are no valid UTF-8 or no valid JSON); ``huge_text(megabytes)`` and ``nested_json(depth)``
build the large ones on demand so that importing this module stays cheap.
"""

from __future__ import annotations

import json

# The trap every payload springs: a global the page never sets itself.
TRAP = "__pwned"

SCRIPT = [
    f"<script>{TRAP}=1</script>",
    f"<SCRIPT>{TRAP}=2</SCRIPT>",
    f"<script src=data:text/javascript,{TRAP}=3></script>",
    f"<scr<script>ipt>{TRAP}=4</scr</script>ipt>",
    f"<script>/*</script><script>*/{TRAP}=5</script>",
    f'"><script>{TRAP}=6</script>',
    f"</textarea><script>{TRAP}=7</script>",
    f"</title><script>{TRAP}=8</script>",
    f"<!--<script>{TRAP}=9</script>-->",
    f"<script type=module>{TRAP}=10</script>",
    f"</script><script>{TRAP}=11</script>",
    f'<noscript><p title="</noscript><script>{TRAP}=12</script>">',
    f"<math><mtext><table><mglyph><style><img src=x onerror={TRAP}=13>",
]

EVENT_HANDLERS = [
    f"<img src=x onerror={TRAP}=20>",
    "<img src=x onerror=alert(21)>",
    f"<svg onload={TRAP}=22>",
    f"<body onload={TRAP}=23>",
    f"<div onmouseover={TRAP}=24 style=position:fixed;inset:0>cover</div>",
    f"<input autofocus onfocus={TRAP}=25>",
    f"<details open ontoggle={TRAP}=26>",
    f"<video><source onerror={TRAP}=27></video>",
    "<audio src=x onerror=confirm(28)>",
    f"<marquee onstart={TRAP}=29>m</marquee>",
    "<select autofocus onfocus=prompt(30)>",
    f'<img src="x"/onerror="{TRAP}=31">',
    f"<img\nsrc=x\nonerror={TRAP}=32>",
    "<img src=x onerror=&#x5f;&#x5f;pwned=33>",
]

JAVASCRIPT_URLS = [
    f"javascript:{TRAP}=40",
    f"JaVaScRiPt:{TRAP}=41",
    f"java\tscript:{TRAP}=42",
    " javascript:alert(43)",
    f'<a href="javascript:{TRAP}=44">klick</a>',
    f'<a href="jav&#x61;script:{TRAP}=45">klick</a>',
    f"[klick](javascript:{TRAP}=46)",
    f"data:text/html,<script>{TRAP}=47</script>",
    "<a href=data:text/html;base64,PHNjcmlwdD5hbGVydCg0OCk8L3NjcmlwdD4=>b64</a>",
    "vbscript:msgbox(49)",
    f'https://example.org/"onmouseover="{TRAP}=50',
    f"https://example.org/<script>{TRAP}=51</script>",
    f'http://example.org/?q="><img src=x onerror={TRAP}=52>',
]

SVG_IFRAME = [
    f"<svg><script>{TRAP}=60</script></svg>",
    f"<svg><animate onbegin={TRAP}=61 attributeName=x dur=1s>",
    f'<svg><a xlink:href="javascript:{TRAP}=62"><text y=20>x</text></a></svg>',
    f'<svg><foreignObject><iframe srcdoc="<script>parent.{TRAP}=63</script>">',
    f'<iframe src="javascript:parent.{TRAP}=64"></iframe>',
    f'<iframe srcdoc="<img src=x onerror=parent.{TRAP}=65>"></iframe>',
    f'<object data="javascript:{TRAP}=66"></object>',
    f'<embed src="javascript:{TRAP}=67">',
    f'<form action="javascript:{TRAP}=68"><button>go</button></form>',
    f'<base href="javascript:{TRAP}=69//">',
    f'<meta http-equiv=refresh content="0;url=javascript:{TRAP}=70">',
    f"<link rel=import href=data:text/html,<script>{TRAP}=71</script>>",
    f"<style>@import 'javascript:{TRAP}=72';</style>",
    f'<div style="background:url(javascript:{TRAP}=73)">',
]

TEMPLATE_INJECTION = [
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{{7*7}}",
    "${7*7}",
    "#{7*7}",
    f"{{{{constructor.constructor('{TRAP}=80')()}}}}",
    f'<div x-data x-init="{TRAP}=81"></div>',
    f"<div v-html=\"'<img src=x onerror={TRAP}=82>'\"></div>",
    f"<div ng-app>{{{{$on.constructor('{TRAP}=83')()}}}}</div>",
    f'<div hx-get="/" hx-trigger=load hx-on::after-request="{TRAP}=84"></div>',
    "%(secret)s %s %d %n",
    "{0.__class__.__mro__}",
]

ATTRIBUTE_BREAKOUTS = [
    f'" onmouseover="{TRAP}=90" x="',
    f"' onfocus='{TRAP}=91' autofocus='",
    f'"><img src=x onerror={TRAP}=92>',
    f"'><svg onload={TRAP}=93>",
    f"` onmouseover=`{TRAP}=94",
    f'" autofocus onfocus="{TRAP}=95',
    f"</a><img src=x onerror={TRAP}=96>",
    f'"/><script>{TRAP}=97</script>',
    f"'; {TRAP}=98; var x='",
    f'"; {TRAP}=99; var x="',
    f'\\"; {TRAP}=100; //',
    f"</script><img src=x onerror={TRAP}=101>",
]

SQL_LOOKING = [
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE community_comment; --",
    "1; DELETE FROM auth_user WHERE 1=1",
    "admin'--",
    "' UNION SELECT username, password FROM auth_user --",
    "1' AND SLEEP(5)#",
    "'; SELECT pg_sleep(5); --",
    "%' AND 1=0 UNION ALL SELECT NULL,NULL --",
    "Robert'); DROP TABLE students;--",
    "\\'; COPY (SELECT '') TO PROGRAM 'id'; --",
    "' || (SELECT version()) || '",
    "$$; DROP TABLE x; $$",
    "0x27 OR 1=1",
    "%00' OR 1=1",
]

CONTROLS = [
    "Hallo\x00Welt",
    "\x00",
    "Text mit NUL am Ende\x00",
    "Glocke\x07 und Rückschritt\x08\x08\x08",
    "Escape \x1b[31mrot\x1b[0m",
    "Form\x0cfeed und vertikal\x0btab",
    "Löschen\x7fzeichen",
    "C1: \x85 next line, \x9b CSI, \x90 DCS",
    "Zeilen\r\ngemischt\rund\nalt",
    "".join(chr(code) for code in range(1, 32)),
    "Nullen " + "\x00" * 20,
    "<scr\x00ipt>__pwned=110</scr\x00ipt>",
]

BIDI = [
    "Rechnung_\u202etxt.exe",
    "\u202eKommentar rückwärts",
    "Name \u2066isoliert\u2069 ende",
    "\u200fRLM \u200eLRM \u061cALM",
    "abc\u202d\u202eoverride",
    "\u2067" * 40,
    "Admin\u200b",  # zero width space: looks like the real name
    "\ufeffBOM am Anfang",
]

# Lone surrogates cannot be encoded as UTF-8: they reach a server only as broken bytes or as
# JSON escapes (which json.loads happily turns into a lone surrogate string).
UNICODE_ODDITIES = [
    "Z̴̡̧̛̮̦̗̜͙͈̩̜̲̖̘͓̞͙̈́̐̂̏̍̎͗̀̌̿̒͘͘͝a̷l̷g̷o̷",
    "\U0001f4a9" * 100,
    "a" * 5000,
    "\u0000\ufffe\uffff",
    "\U0010ffff end of planes",
]

TEXTS: dict[str, list[str]] = {
    "script": SCRIPT,
    "event_handler": EVENT_HANDLERS,
    "javascript_url": JAVASCRIPT_URLS,
    "svg_iframe": SVG_IFRAME,
    "template": TEMPLATE_INJECTION,
    "attribute": ATTRIBUTE_BREAKOUTS,
    "sql": SQL_LOOKING,
    "control": CONTROLS,
    "bidi": BIDI,
    "unicode": UNICODE_ODDITIES,
}

# Kinds whose entries would run script if a page ever let them through.
SCRIPT_KINDS = ("script", "event_handler", "javascript_url", "svg_iframe", "template", "attribute")

ALL_TEXTS: list[str] = [text for texts in TEXTS.values() for text in texts]

# Characters a text field refuses or strips: NUL and the C0 controls but newline and tab.
FORBIDDEN_CONTROLS = frozenset(chr(code) for code in (*range(0, 9), *range(11, 32), 127))
# Characters a one-line field (a name, a title) refuses: every C0 and C1 control and DEL.
ONE_LINE_CONTROLS = frozenset(chr(code) for code in (*range(0, 32), *range(127, 160)))

RAW_BODIES: dict[str, bytes] = {
    "lone_high_surrogate_escape": b'{"text": "Hallo \\ud800 Welt", "q": "Hallo \\ud800"}',
    "lone_low_surrogate_escape": b'{"text": "\\udc00\\udc00", "q": "\\udfff"}',
    "cesu_surrogate_bytes": b'{"text": "\xed\xa0\x80 Welt", "q": "\xed\xa0\x80"}',
    "invalid_continuation": b'{"text": "\xc3\x28 kaputt", "q": "\xc3\x28"}',
    "truncated_sequence": b'{"text": "\xe2\x82", "q": "\xf0\x9f\x92"}',
    "overlong_slash": b'{"text": "\xc0\xaf\xc0\xae", "q": "\xc0\xaf"}',
    "latin1_bytes": '{"text": "Grüße aus Wien", "q": "Grüße"}'.encode("latin-1"),
    "nul_escape": b'{"text": "Hallo\\u0000Welt", "q": "Hallo\\u0000"}',
    "raw_nul_byte": b'{"text": "Hallo\x00Welt"}',
    "not_json": b"<script>__pwned=1</script>",
    "truncated_json": b'{"text": "Hallo',
    "json_array": b'["text", "Hallo"]',
    "json_string": b'"Hallo"',
    "json_number_huge": b'{"text": 1' + b"0" * 5000 + b"}",
    "duplicate_keys": b'{"text": "a", "text": "<script>__pwned=1</script>"}',
    "empty": b"",
    "bom_utf16": '{"text": "Hallo", "q": "Hallo"}'.encode("utf-16"),
    "nan_infinity": b'{"text": NaN, "q": Infinity, "parent": -Infinity}',
}


def huge_text(megabytes: float = 1.5) -> str:
    """A text of about ``megabytes`` MB (ASCII words with markup sprinkled in)."""
    chunk = f"Wort <b>fett</b> {TRAP} ' OR 1=1 -- \n"
    return chunk * int(megabytes * 1024 * 1024 / len(chunk))


def nested_json(depth: int = 5000, *, key: str = "text") -> bytes:
    """A JSON object whose ``key`` holds lists nested ``depth`` deep (bytes)."""
    return b'{"' + key.encode() + b'": ' + b"[" * depth + b"]" * depth + b"}"


def nested_objects(depth: int = 5000) -> bytes:
    """A JSON body of objects nested ``depth`` deep: {"a": {"a": ... {} ...}}."""
    return b'{"a": ' * depth + b"{}" + b"}" * depth


def all_raw_bodies() -> dict[str, bytes]:
    """RAW_BODIES plus the big ones: 5,000-deep lists and objects, and a 2 MB JSON body."""
    return {
        **RAW_BODIES,
        "nested_lists_5000": nested_json(5000),
        "nested_objects_5000": nested_objects(5000),
        "two_megabytes": json.dumps({"text": huge_text(2), "q": huge_text(2)}).encode(),
    }
