"""Stored conversation addresses in the normal form of community.actions.normalise_url
(tracking parameters, trailing slashes and default ports dropped). An address whose normal
form another conversation already has is left as it is: merging two discussions is an
editorial decision. The rule is copied here so that this migration stays as it was."""

from urllib.parse import urlsplit, urlunsplit

from django.db import migrations

TRACKING = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "wt_mc",
}
PORTS = {"http": 80, "https": 443}


def normal(url):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return url
    if scheme not in PORTS or not parts.hostname:
        return url
    netloc = parts.hostname.lower() + (f":{port}" if port and port != PORTS[scheme] else "")
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair
        and not pair.split("=", 1)[0].lower().startswith("utm_")
        and pair.split("=", 1)[0].lower() not in TRACKING
    ]
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))


def forwards(apps, schema_editor):
    Conversation = apps.get_model("community", "Conversation")
    taken = set(Conversation.objects.exclude(url="").values_list("url", flat=True))
    for conversation in Conversation.objects.exclude(url="").only("id", "url").iterator():
        target = normal(conversation.url)
        if target != conversation.url and target not in taken:
            taken.discard(conversation.url)
            taken.add(target)
            Conversation.objects.filter(pk=conversation.pk).update(url=target)


class Migration(migrations.Migration):
    dependencies = [("community", "0009_notice_closed_message")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
