"""Demo content of the legal channels: a few handled cases on one demo article, so that every
screen of the legal team shows something at once (idempotent, all through the actions).

On the article about the car-free Karmeliterviertel, in the site's time zone:

- a notice from an anonymous reader about an insult; a moderator removed the comment, the
  statement of reasons went out, and its author's complaint waits for a second moderator;
- a comment a moderator removed on the team's own initiative; its author complained and
  another moderator upheld the complaint, so the comment is back;
- a notice decided "no action" (the comment stays), and a manifestly unfounded one about the
  same comment whose sender was warned (Art. 23);
- an open notice from a trusted flagger's member, with a case for the authorities;
- version 1 of the terms of use, the netiquette and the privacy notice in German and English.

Everything happens in the last hours before the demo is loaded, so the transparency report of
the current half-year has figures (the report page opens on the last full half-year; its
form takes any period).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, User

from newsdesk.community import actions as community
from newsdesk.community.models import Comment, Conversation
from newsdesk.core import clock
from newsdesk.core.hooks import provides_demo_content
from newsdesk.core.roles import ADMIN, MODERATOR
from newsdesk.legal.actions.authorities import do_open_authority_case
from newsdesk.legal.actions.complaints import do_decide_complaint, do_file_complaint
from newsdesk.legal.actions.misuse import do_take_misuse_step
from newsdesk.legal.actions.notices import do_decide_notice, do_save_flagger, do_submit_notice
from newsdesk.legal.actions.statements import do_issue_statement
from newsdesk.legal.actions.terms import do_publish_terms
from newsdesk.legal.misuse import Policy
from newsdesk.legal.models import (
    AuthorityCase,
    Complaint,
    MisuseMeasure,
    Notice,
    Statement,
    TermsVersion,
    TrustedFlagger,
)
from newsdesk.legal.notices import comment_address
from newsdesk.legal.statements import send_statement
from newsdesk.legal.tdb import Category
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Case, Reason
from newsdesk.newsroom.models import Article

SLUG = "gemeinderat-autofreie-zone-karmeliterviertel"

# username -> display name
READERS = {
    "radlerin-7": "Radlerin7",
    "anrainer-karmeliter": "Anrainer im Karmeliterviertel",
    "pendlerin-21": "Pendlerin aus Floridsdorf",
}
MODERATOR_NAME = "community-team"  # moderation's demo moderator: the first decisions
SECOND_MODERATOR = "community-review"  # decides complaints about the first one's decisions
LEGAL_TEAM = "legal-team"  # an administrator: trusted flaggers, terms
FLAGGER_MEMBER = "meldestelle-demo"
FLAGGER_NAME = "Meldestelle gegen Hass im Netz (Demo)"

INSULT_TEXT = "Wer gegen die autofreie Zone ist, hat einfach kein Hirn im Kopf."
CRITICISM_TEXT = (
    "Die Gemeinderäte, die das beschlossen haben, sollten einmal selbst mit dem Wocheneinkauf "
    "für fünf Personen durch das Viertel gehen."
)
OPINION_TEXT = (
    "Ich pendle jeden Tag ins Viertel. Ohne Parkplätze wird das für mich deutlich schwieriger."
)
THREAT_TEXT = (
    "Die Poller sind bald wieder weg, dafür sorgen wir schon. Dann brennt es halt einmal im "
    "Viertel."
)

ANONYMOUS_NOTICE = (
    "Der Kommentar beleidigt alle, die gegen die autofreie Zone sind, als hirnlos. Das ist "
    "keine Meinung zum Artikel, sondern eine persönliche Herabwürdigung."
)
NO_ACTION_NOTICE = (
    "Dieser Kommentar ist Stimmungsmache gegen die autofreie Zone und sollte gelöscht werden."
)
UNFOUNDED_NOTICE = "Löschen Sie diesen Kommentar sofort, er ist Lüge und Propaganda!!!"
TRUSTED_NOTICE = (
    "Der Kommentar kündigt Sachbeschädigung an und droht mit Brandstiftung im Viertel "
    "(§ 107 StGB gefährliche Drohung, § 282 StGB Aufforderung zu strafbaren Handlungen)."
)
NOTIFIER_EMAIL = "leserin-ohne-konto@example.org"
UNFOUNDED_EMAIL = "dauermelder@example.org"

OPEN_COMPLAINT = (
    "Das war zugespitzt, aber ich habe keine bestimmte Person beleidigt. Bitte prüfen Sie die "
    "Entscheidung noch einmal."
)
UPHELD_COMPLAINT = "Ich habe niemanden beleidigt, sondern eine politische Entscheidung kritisiert."
UPHELD_ANSWER = (
    "Sie haben recht: Der Beitrag ist zugespitzte, aber zulässige Kritik an einer politischen "
    "Entscheidung. Wir haben ihn wieder veröffentlicht."
)
NO_ACTION_ANSWER = (
    "Der Kommentar ist eine sachliche Meinungsäußerung zum Artikel. Er verstößt weder gegen "
    "Gesetze noch gegen unsere Netiquette und bleibt online."
)
UNFOUNDED_ANSWER = (
    "Die Meldung nennt keinen Rechtsverstoß und keine Regel der Netiquette; der Kommentar ist "
    "eine sachliche Meinungsäußerung."
)
CASE_DESCRIPTION = (
    "Ankündigung von Sachbeschädigung und Brandstiftung im Karmeliterviertel; Verdacht der "
    "gefährlichen Drohung (§ 107 StGB). Anzeige bei der Polizei vorbereitet."
)


def _account(username: str, *, role: str | None = None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "is_staff": role is not None},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def _start() -> dt.datetime:
    """Noon in the site's time zone at least six hours ago: the comment function is open,
    and every later step of the demo (a few hours) is still in the past."""
    now = clock.now().astimezone(ZoneInfo(settings.TIME_ZONE))
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    while noon > now - dt.timedelta(hours=6):
        noon -= dt.timedelta(days=1)
    return noon


def _comment(conversation: Conversation, author: User, text: str, at: dt.datetime) -> Comment:
    """The demo comment ``text`` by ``author``, posted at ``at`` (once); published by the
    moderator when screening held it (a first comment)."""
    comment = Comment.objects.filter(conversation=conversation, text=text).first()
    if comment is None:
        with clock.frozen(at):
            comment = community.do_post_comment(
                conversation, text_value=text, acting_user=author, language="de"
            )
    if (
        comment.status == Comment.Status.PENDING
        and not Case.objects.filter(
            comment=comment, queue__in=[Case.Queue.APPROVED, Case.Queue.REJECTED]
        ).exists()
    ):
        with clock.frozen(at + dt.timedelta(minutes=2)):
            moderation.do_approve_comment(comment, acting_user=_account(MODERATOR_NAME))
        comment.refresh_from_db()
    return comment


def _notice(
    comment: Comment,
    *,
    explanation: str,
    category: str,
    at: dt.datetime,
    email: str = "",
    name: str = "",
    acting_user: User | None = None,
) -> Notice:
    notice = Notice.objects.filter(explanation=explanation).first()
    if notice is None:
        with clock.frozen(at):
            notice = do_submit_notice(
                category=category,
                explanation=explanation,
                location=comment_address(comment),
                notifier_name=name,
                notifier_email=email,
                good_faith=True,
                language="de",
                acting_user=acting_user,
            )
    return notice


def _removed(comment: Comment, *, reason: str, note: str, at: dt.datetime) -> Statement:
    """The comment removed by the demo's moderator; its statement of reasons sent."""
    done = Statement.objects.filter(comment=comment).exists()  # perhaps reversed since
    if not done and comment.status != Comment.Status.REJECTED:
        with clock.frozen(at):
            moderation.do_reject_comment(
                comment,
                reason=Reason.objects.get(code=reason),
                note=note,
                acting_user=_account(MODERATOR_NAME),
            )
    statement = Statement.objects.filter(comment=comment).order_by("pk").first()
    if statement is None:
        # Issued by the receiver of moderation's decision once the decision is committed;
        # inside a transaction (the tests) that comes later: issue it now (idempotent).
        case = Case.objects.get(comment=comment)
        with clock.frozen(at):
            statement = do_issue_statement(case, acting_user=case.decided_by)
    if statement.sent_at is None:
        with clock.frozen(at + dt.timedelta(minutes=1)):
            send_statement.call(statement.pk)  # as the worker would (console e-mail backend)
        statement.refresh_from_db()
    return statement


def _complaint(statement: Statement, *, text: str, at: dt.datetime) -> Complaint:
    complaint = Complaint.objects.filter(statement=statement).first()
    if complaint is None:
        with clock.frozen(at):
            complaint = do_file_complaint(statement, text=text, acting_user=statement.user)
    return complaint


TERMS = {
    ("terms", "de"): (
        "Nutzungsbedingungen",
        "<h2>1. Geltungsbereich</h2><p>Diese Bedingungen gelten für das Forum und alle "
        "Kommentare auf dieser Website. Mit Ihrem Benutzerkonto stimmen Sie ihnen zu.</p>"
        "<h2>2. Ihre Beiträge</h2><p>Beiträge geben die Meinung ihrer Verfasserinnen und "
        "Verfasser wieder, nicht die der Redaktion. Sie sind für Ihre Beiträge selbst "
        "verantwortlich. Es gilt unsere Netiquette.</p>"
        "<h2>3. Moderation</h2><p>Wir entfernen rechtswidrige Beiträge und Beiträge, die gegen "
        "die Netiquette verstoßen, und begründen jede Entscheidung (Art. 17 DSA). Gegen jede "
        "Entscheidung können Sie sechs Monate lang kostenlos Beschwerde einlegen (internes "
        "Beschwerdemanagementsystem, Art. 20 DSA), eine zertifizierte Stelle zur "
        "außergerichtlichen Streitbeilegung anrufen oder sich an ein Gericht wenden.</p>"
        "<h2>4. Missbrauch</h2><p>Wer wiederholt offensichtlich rechtswidrige Inhalte "
        "veröffentlicht, wird zuerst verwarnt und dann für 30 Tage gesperrt; wer wiederholt "
        "offensichtlich unbegründete Meldungen schickt, dessen Meldungen bearbeiten wir für "
        "30 Tage nicht (Art. 23 DSA).</p>"
        "<h2>5. Meldungen</h2><p>Rechtswidrige Inhalte können Sie jederzeit über unsere "
        "Melde- und Abhilfestelle melden, auch ohne Benutzerkonto.</p>",
    ),
    ("terms", "en"): (
        "Terms of use",
        "<h2>1. Scope</h2><p>These terms apply to the forum and all comments on this website. "
        "By creating an account you agree to them.</p>"
        "<h2>2. Your posts</h2><p>Posts express the opinion of their authors, not of the "
        "newsroom. You are responsible for what you post. Our netiquette applies.</p>"
        "<h2>3. Moderation</h2><p>We remove unlawful posts and posts that break the netiquette, "
        "and we give reasons for every decision (Art. 17 DSA). You can appeal any decision free "
        "of charge for six months (internal complaint handling, Art. 20 DSA), turn to a "
        "certified out-of-court dispute settlement body or go to court.</p>"
        "<h2>4. Misuse</h2><p>Whoever repeatedly posts manifestly illegal content is first "
        "warned, then suspended for 30 days; whoever repeatedly sends manifestly unfounded "
        "notices has their notices left unprocessed for 30 days (Art. 23 DSA).</p>"
        "<h2>5. Notices</h2><p>You can report illegal content at any time through our notice "
        "and action channel, with or without an account.</p>",
    ),
    ("netiquette", "de"): (
        "Netiquette",
        "<p>Das Forum lebt von Ihren Beiträgen. Damit die Diskussion für alle lesenswert "
        "bleibt, bitten wir Sie:</p><ol>"
        "<li>Bleiben Sie respektvoll: Kritisieren Sie Argumente, nicht Menschen. Beleidigungen "
        "und persönliche Angriffe entfernen wir.</li>"
        "<li>Keine Hetze: Beiträge, die Menschen wegen ihrer Herkunft, Religion, ihres "
        "Geschlechts oder ihrer sexuellen Orientierung herabwürdigen, haben hier keinen "
        "Platz.</li>"
        "<li>Keine Drohungen und keine Aufrufe zu Gewalt oder zu Straftaten.</li>"
        "<li>Bleiben Sie beim Thema des Artikels.</li>"
        "<li>Keine Werbung und keine Kettenbriefe.</li>"
        "<li>Veröffentlichen Sie keine persönlichen Daten anderer.</li></ol>"
        "<p>Die Beiträge geben nicht die Meinung der Redaktion wieder. Wir löschen Beiträge, "
        "die gegen diese Regeln oder gegen Gesetze verstoßen, und bringen strafbare Inhalte "
        "zur Anzeige. Hier können Sie das Community-Team über unsere Melde- und Abhilfestelle "
        "kontaktieren.</p>",
    ),
    ("netiquette", "en"): (
        "Netiquette",
        "<p>The forum lives from your contributions. To keep the discussion worth reading for "
        "everyone, we ask you:</p><ol>"
        "<li>Be respectful: criticise arguments, not people. We remove insults and personal "
        "attacks.</li>"
        "<li>No hate: posts that demean people for their origin, religion, gender or sexual "
        "orientation have no place here.</li>"
        "<li>No threats and no calls to violence or to crimes.</li>"
        "<li>Keep to the topic of the article.</li>"
        "<li>No advertising and no chain letters.</li>"
        "<li>Do not publish other people's personal data.</li></ol>"
        "<p>Posts do not express the newsroom's opinion. We delete posts that break these rules "
        "or the law, and report criminal content to the authorities. You can contact the "
        "community team through our notice and action channel.</p>",
    ),
    ("privacy", "de"): (
        "Datenschutzerklärung",
        "<h2>Welche Daten wir verarbeiten</h2><p>Für Ihr Benutzerkonto speichern wir Ihre "
        "E-Mail-Adresse, Ihren Anzeigenamen und Ihre Beiträge. Von Ihrer IP-Adresse speichern "
        "wir nur einen verschlüsselten Prüfwert, um Missbrauch zu verhindern.</p>"
        "<h2>Wozu</h2><p>Wir verwenden die Daten, um das Forum zu betreiben und zu moderieren, "
        "und – wenn ein Beitrag strafbar sein könnte – zur Rechtsverfolgung.</p>"
        "<h2>Wie lange</h2><p>Gelöschte Konten anonymisieren wir sofort, außer Daten, die wegen "
        "eines laufenden Verfahrens aufbewahrt werden müssen; diese löschen wir, sobald das "
        "Verfahren endet.</p>"
        "<h2>Ihre Rechte</h2><p>In Ihren Einstellungen können Sie alle Ihre Daten herunterladen "
        "und Ihr Konto löschen. Sie können sich außerdem bei der Datenschutzbehörde "
        "beschweren.</p>",
    ),
    ("privacy", "en"): (
        "Privacy notice",
        "<h2>What we process</h2><p>For your account we store your e-mail address, your display "
        "name and your posts. Of your IP address we keep only a keyed hash, to prevent "
        "misuse.</p>"
        "<h2>What for</h2><p>We use the data to run and moderate the forum and, where a post may "
        "be a criminal offence, for legal prosecution.</p>"
        "<h2>How long</h2><p>We anonymise deleted accounts at once, except data that must be "
        "kept for an ongoing procedure; we delete it as soon as the procedure ends.</p>"
        "<h2>Your rights</h2><p>In your settings you can download all your data and delete "
        "your account. You can also complain to the data protection authority.</p>",
    ),
}


def _terms(admin: User, at: dt.datetime) -> None:
    for (document, language), (title, text) in TERMS.items():
        version, _created = TermsVersion.objects.get_or_create(
            document=document,
            version=1,
            language=language,
            defaults={"title": title, "text": text},
        )
        if version.published_at is None:
            with clock.frozen(at):
                do_publish_terms(version, acting_user=admin)


def _flagger(admin: User, member: User, at: dt.datetime) -> None:
    flagger = TrustedFlagger.objects.filter(name=FLAGGER_NAME).first()
    if flagger is None:
        with clock.frozen(at):
            do_save_flagger(
                TrustedFlagger(
                    name=FLAGGER_NAME,
                    areas=[Category.ILLEGAL_OR_HARMFUL_SPEECH, Category.VIOLENCE],
                    contact_email="kontakt@meldestelle.example.org",
                    website="https://meldestelle.example.org/",
                ),
                members=[member],
                acting_user=admin,
            )


@provides_demo_content
def demo_legal() -> None:
    article = Article.objects.filter(slug=SLUG, status=Article.Status.PUBLISHED).first()
    if article is None:
        return
    start = _start()

    def minutes(count: int) -> dt.datetime:
        return start + dt.timedelta(minutes=count)

    moderator = _account(MODERATOR_NAME, role=MODERATOR)
    reviewer = _account(SECOND_MODERATOR, role=MODERATOR)
    admin = _account(LEGAL_TEAM, role=ADMIN)
    member = _account(FLAGGER_MEMBER)
    readers = {}
    for username, display_name in READERS.items():
        readers[username] = _account(username)
        profile = community.profile_for(readers[username])
        if profile.display_name != display_name:
            profile.display_name = display_name
            profile.save(update_fields=["display_name"])
    _terms(admin, minutes(-60))
    _flagger(admin, member, minutes(-30))
    conversation = community.conversation_for_article(article)
    insult = _comment(conversation, readers["radlerin-7"], INSULT_TEXT, minutes(0))
    criticism = _comment(conversation, readers["anrainer-karmeliter"], CRITICISM_TEXT, minutes(5))
    opinion = _comment(conversation, readers["pendlerin-21"], OPINION_TEXT, minutes(10))
    threat = _comment(conversation, readers["anrainer-karmeliter"], THREAT_TEXT, minutes(15))

    # 1. An anonymous reader's notice; the comment removed; its author's complaint waits.
    _notice(
        insult,
        explanation=ANONYMOUS_NOTICE,
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        email=NOTIFIER_EMAIL,
        at=minutes(30),
    )
    statement = _removed(
        insult, reason="insult", note="Bitte kritisieren Sie Argumente.", at=minutes(60)
    )
    _complaint(statement, text=OPEN_COMPLAINT, at=minutes(120))

    # 2. Removed on the team's own initiative; the complaint upheld by another moderator.
    statement = _removed(criticism, reason="insult", note="", at=minutes(65))
    complaint = _complaint(statement, text=UPHELD_COMPLAINT, at=minutes(130))
    if complaint.status == Complaint.Status.OPEN:
        with clock.frozen(minutes(180)):
            do_decide_complaint(complaint, upheld=True, answer=UPHELD_ANSWER, acting_user=reviewer)

    # 3. A notice decided "no action"; a manifestly unfounded one, its sender warned.
    no_action = _notice(
        opinion,
        explanation=NO_ACTION_NOTICE,
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        at=minutes(35),
    )
    unfounded = _notice(
        opinion,
        explanation=UNFOUNDED_NOTICE,
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        email=UNFOUNDED_EMAIL,
        at=minutes(40),
    )
    for notice, outcome, answer, at in (
        (no_action, Notice.Outcome.NO_ACTION, NO_ACTION_ANSWER, minutes(70)),
        (unfounded, Notice.Outcome.UNFOUNDED, UNFOUNDED_ANSWER, minutes(75)),
    ):
        notice.refresh_from_db()
        if notice.status == Notice.Status.OPEN:
            with clock.frozen(at):
                do_decide_notice(notice, outcome=outcome, explanation=answer, acting_user=moderator)
    if not MisuseMeasure.objects.filter(email=UNFOUNDED_EMAIL).exists():
        with clock.frozen(minutes(80)):
            do_take_misuse_step(
                kind=MisuseMeasure.Kind.NOTIFIER,
                step=MisuseMeasure.Step.WARNING,
                email=UNFOUNDED_EMAIL,
                items={"notices": [unfounded.reference]},
                policy=Policy.current().as_dict(),
                note="Ihre Meldung war offensichtlich unbegründet (Art. 23 Abs. 2 DSA).",
                acting_user=moderator,
            )

    # 4. A trusted flagger's notice, still open; a case for the authorities.
    _notice(
        threat,
        explanation=TRUSTED_NOTICE,
        category=Category.VIOLENCE,
        name=FLAGGER_NAME,
        email=member.email,
        acting_user=member,
        at=minutes(45),
    )
    if not AuthorityCase.objects.filter(comment=threat).exists():
        with clock.frozen(minutes(90)):
            do_open_authority_case(
                kind=AuthorityCase.Kind.CRIMINAL_OFFENCE,
                description=CASE_DESCRIPTION,
                comment=threat,
                acting_user=admin,
            )
