"""Demo content: German articles written for newsdesk (the places and people are invented)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from newsdesk.core.hooks import provides_demo_content
from newsdesk.newsroom import actions
from newsdesk.newsroom.models import Article, Author, Block, Image, Section

SECTIONS = [
    ("politik", "Politik", {"en": "Politics"}),
    ("wien", "Wien", {"en": "Vienna"}),
    ("sport", "Sport", {"en": "Sport"}),
]

AUTHORS = [
    ("anna-berger", "Anna Berger", "Innenpolitik-Redakteurin."),
    ("david-novak", "David Novak", "Berichtet aus dem Wiener Rathaus."),
    ("lena-huber", "Lena Huber", "Sportredakteurin."),
]

P, H, Q, F, IMG = "paragraph", "subheading", "quote", "factbox", "image"

ARTICLES: list[dict] = [
    {
        "slug": "staatsbesuch-praesidentin-virtanen-wien",
        "section": "politik",
        "authors": ["anna-berger"],
        "hours_ago": 2,
        "kicker": "Treffen mit Virtanen",
        "headline": "Staatsbesuch aus Finnland: Gespräche über Energie und Sicherheit",
        "lead": "Die finnische Präsidentin Aino Virtanen ist zu einem zweitägigen Staatsbesuch "
        "in Wien eingetroffen. Im Mittelpunkt stehen Energiepartnerschaften und die "
        "Zusammenarbeit in der Katastrophenhilfe.",
        "image": ("Die Hofburg am Morgen des Staatsbesuchs", "newsdesk Demo"),
        "blocks": [
            (
                P,
                "Mit militärischen Ehren ist Präsidentin Aino Virtanen am Montagvormittag auf "
                "dem Heldenplatz empfangen worden. Bundespräsident Georg Lindner begrüßte seinen "
                "Gast vor der Hofburg, anschließend zogen sich beide zu einem Vier-Augen-Gespräch "
                "zurück.",
            ),
            (H, "Energie aus dem Norden"),
            (
                P,
                "Beide Seiten wollen bis 2030 eine gemeinsame Forschungsplattform für "
                "Wasserstoffspeicher aufbauen. Das <strong>Abkommen</strong> soll am Dienstag im "
                "Wirtschaftsministerium unterzeichnet werden; der Text liegt laut Regierung "
                '<a href="https://www.parlament.gv.at/">dem Parlament</a> zur Information vor.',
            ),
            (
                Q,
                "Wir teilen mehr als die Liebe zum Winter: Wir teilen die Verantwortung für "
                "eine sichere Energieversorgung.",
                "Aino Virtanen",
            ),
            (H, "Katastrophenhilfe und Bildung"),
            (
                P,
                "Am Nachmittag besucht die Präsidentin ein Ausbildungszentrum der "
                "Feuerwehr in Tulln, wo finnische und österreichische Einsatzkräfte seit zwei "
                "Jahren gemeinsam Waldbrandeinsätze üben. Am Dienstag folgt ein Besuch an der "
                "Universität Wien, z. B. beim Institut für Skandinavistik.",
            ),
            (
                F,
                "Zahlen zum Besuch",
                "Dauer: 2 Tage<br>Delegation: 48 Personen<br>Geplante Abkommen: 3",
            ),
        ],
    },
    {
        "slug": "gemeinderat-autofreie-zone-karmeliterviertel",
        "section": "wien",
        "authors": ["david-novak"],
        "hours_ago": 5,
        "kicker": "Gemeinderat",
        "headline": "Karmeliterviertel wird ab Juni weitgehend autofrei",
        "lead": "Der Wiener Gemeinderat hat am Donnerstag mit den Stimmen von drei Fraktionen "
        "beschlossen, das Viertel rund um den Karmelitermarkt ab 19. Juni für den "
        "Durchzugsverkehr zu sperren.",
        "blocks": [
            (
                P,
                "Nach einer mehr als sechsstündigen Debatte fiel die Entscheidung knapp aus: "
                "54 Mandatarinnen und Mandatare stimmten dafür, 46 dagegen. Zufahrt bleibt für "
                "Anrainer, Lieferverkehr bis 10 Uhr, Einsatzfahrzeuge und Taxis erlaubt.",
            ),
            (H, "Was sich für Anrainer ändert"),
            (
                P,
                "Rund 180 Parkplätze fallen weg. Dafür entstehen laut Stadtplanung 60 neue "
                "Bäume, Sitzbänke und ein Wasserspiel am Marktplatz. Die Details stehen im "
                '<a href="https://www.wien.gv.at/">Amtsblatt der Stadt</a>.',
            ),
            (
                P,
                "Die Bezirksvorstehung verspricht eine <em>Evaluierung nach einem Jahr</em>. "
                "Geschäftsleute am Markt sind gespalten: Manche fürchten weniger Kundschaft, "
                "andere erwarten mehr Laufpublikum.",
            ),
            (H, "Kritik der Opposition"),
            (
                Q,
                "Man verlagert den Verkehr nur in die Nachbarstraßen.",
                "Opposition im Gemeinderat",
            ),
            (
                P,
                "Die Stadt hält dagegen, dass Zählungen in vergleichbaren Vierteln keinen "
                "dauerhaften Anstieg gezeigt hätten. Dr. Petra Wallner vom Institut für "
                "Verkehrsplanung sieht das ähnlich, mahnt aber begleitende Messungen ein.",
            ),
        ],
    },
    {
        "slug": "donaustadt-gewinnt-derby-nachspielzeit",
        "section": "sport",
        "authors": ["lena-huber"],
        "hours_ago": 20,
        "kicker": "Fußball",
        "headline": "SC Donaustadt dreht das Derby in der Nachspielzeit",
        "lead": "Nach einem 0:1-Rückstand zur Pause hat der SC Donaustadt das Stadtderby gegen "
        "den FC Simmering mit 2:1 gewonnen. Das Siegtor fiel in der 93. Minute.",
        "blocks": [
            (
                P,
                "Vor 11.400 Zuschauerinnen und Zuschauern gingen die Gäste aus Simmering in der "
                "27. Minute durch einen Kopfball von Marko Petrović in Führung. Donaustadt "
                "fand vor der Pause kaum Mittel gegen die kompakte Abwehr.",
            ),
            (H, "Wechsel bringt die Wende"),
            (
                P,
                "Trainerin Sabine Moser brachte nach dem Seitenwechsel zwei frische Stürmer. "
                "In der 71. Minute traf Jonas Eder zum Ausgleich, in der Nachspielzeit "
                "verwertete Kapitän Ali Demir einen Abpraller zum 2:1.",
            ),
            (Q, "Die Mannschaft hat nie aufgehört, an sich zu glauben.", "Sabine Moser"),
            (H, "Tabelle"),
            (
                F,
                "Nach dem 14. Spieltag",
                "1. SC Donaustadt – 31 Punkte<br>"
                "2. FC Simmering – 29 Punkte<br>3. ASK Floridsdorf – 25 Punkte",
            ),
        ],
    },
    {
        "slug": "laender-fordern-mehr-geld-fuer-pflege",
        "section": "politik",
        "authors": ["anna-berger"],
        "hours_ago": 30,
        "kicker": "Budget 2027",
        "headline": "Länder fordern mehr Geld für die Pflege",
        "lead": "Vor den Verhandlungen zum Finanzausgleich verlangen die Bundesländer eine "
        "Aufstockung des Pflegefonds um 600 Millionen Euro pro Jahr.",
        "blocks": [
            (
                P,
                "Die Landeshauptleute einigten sich bei ihrer Konferenz in Bregenz auf eine "
                "gemeinsame Position. Der Bedarf an Pflegekräften steige bis 2030 um etwa "
                "ein Viertel, heißt es in dem Papier.",
            ),
            (H, "Finanzministerium bremst"),
            (
                P,
                "Das Finanzministerium verweist auf die angespannte Budgetlage und will "
                "zunächst die Wirkung der bisherigen Pflegereform prüfen. Die Gespräche "
                "beginnen am 3. März.",
            ),
        ],
    },
    {
        "slug": "u-bahn-probebetrieb-fruehjahr",
        "section": "wien",
        "authors": ["david-novak"],
        "hours_ago": 50,
        "kicker": "Verkehr",
        "headline": "Neue U-Bahn-Strecke: Probebetrieb beginnt im Frühjahr",
        "lead": "Die Verlängerung der Linie U5 geht in die letzte Bauphase. Ab April fahren "
        "die ersten Züge ohne Fahrgäste.",
        "blocks": [
            (
                P,
                "Die Wiener Linien rechnen mit einer Eröffnung im Herbst. Bis dahin werden "
                "Signaltechnik und Bahnsteigtüren im Probebetrieb getestet.",
            ),
            (H, "Fahrerlos durch die Stadt"),
            (
                P,
                "Die U5 wird die erste vollautomatische Linie Wiens. Mehr dazu im "
                '<a href="https://www.wienerlinien.at/">Projektüberblick</a>.',
            ),
        ],
    },
]

SCHEDULED: dict[str, Any] = {
    "slug": "budgetrede-vorschau",
    "section": "politik",
    "authors": ["anna-berger"],
    "kicker": "Vorschau",
    "headline": "Was in der Budgetrede zu erwarten ist",
    "lead": "Morgen hält der Finanzminister seine Budgetrede. Ein Überblick über die "
    "wichtigsten Posten.",
    "blocks": [(P, "Dieser Artikel ist geplant und erscheint automatisch zur angegebenen Zeit.")],
}


def _demo_image(caption: str) -> ContentFile:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (1200, 675), (40, 60, 90))
    draw = ImageDraw.Draw(picture)
    for y in range(675):
        shade = int(40 + 120 * y / 675)
        draw.line([(0, y), (1200, y)], fill=(shade, shade + 20, min(255, shade + 60)))
    for x, height in ((80, 260), (300, 380), (520, 300), (760, 420), (980, 280)):
        draw.rectangle([x, 675 - height, x + 160, 675], fill=(30, 30, 40))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="demo.png")


def _add_blocks(article: Article, blocks: list[tuple], image: Image | None) -> None:
    position = 10
    if image is not None:
        Block.objects.create(
            article=article, position=position, kind=IMG, image=image, caption=image.alt_text
        )
        position += 10
    for spec in blocks:
        kind = spec[0]
        fields: dict = {"text": spec[1]}
        if kind == Q and len(spec) > 2:
            fields["attribution"] = spec[2]
        if kind == F:
            fields = {"title": spec[1], "text": spec[2]}
        Block.objects.create(article=article, position=position, kind=kind, **fields)
        position += 10


@provides_demo_content
@transaction.atomic
def load_newsroom_demo() -> None:
    sections = {}
    for position, (slug, name, names) in enumerate(SECTIONS):
        sections[slug], _ = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "names": names, "position": position}
        )
    authors = {}
    for slug, name, bio in AUTHORS:
        authors[slug], _ = Author.objects.get_or_create(
            slug=slug, defaults={"name": name, "bio": bio}
        )
    now = timezone.now()
    for spec in ARTICLES:
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        article = Article.objects.create(
            slug=spec["slug"],
            section=sections[spec["section"]],
            language="de",
            kicker=spec["kicker"],
            headline=spec["headline"],
            lead=spec["lead"],
        )
        article.authors.set([authors[a] for a in spec["authors"]])
        image = None
        if "image" in spec:
            alt, credit = spec["image"]
            image = Image.objects.create(file=_demo_image(alt), alt_text=alt, credit=credit)
        _add_blocks(article, spec["blocks"], image)
        actions.do_publish_article(article, acting_user=None)
        Article.objects.filter(pk=article.pk).update(
            first_published_at=now - dt.timedelta(hours=spec["hours_ago"])
        )
    if not Article.objects.filter(slug=SCHEDULED["slug"]).exists():
        article = Article.objects.create(
            slug=SCHEDULED["slug"],
            section=sections[SCHEDULED["section"]],
            language="de",
            kicker=SCHEDULED["kicker"],
            headline=SCHEDULED["headline"],
            lead=SCHEDULED["lead"],
        )
        article.authors.set([authors[a] for a in SCHEDULED["authors"]])
        _add_blocks(article, SCHEDULED["blocks"], None)
        actions.do_schedule_article(article, when=now + dt.timedelta(minutes=10), acting_user=None)
