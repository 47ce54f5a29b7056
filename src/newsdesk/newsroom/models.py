"""Sections, authors, images, articles with their ordered blocks, and article revisions."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.core.languages import default_language, site_language_choices
from newsdesk.newsroom.inline_html import clean_inline_html, validate_inline_html
from newsdesk.newsroom.plain_text import several_lines, single_line

# First path segments the site uses itself under a language prefix (/de/community/ …); a
# section with such a slug would shadow those pages or be shadowed by them.
RESERVED_SECTION_SLUGS = frozenset(
    {
        "feed",
        "admin",
        "static",
        "media",
        "api",
        "accounts",
        "community",
        "legal",
        "editions",
        "moderation",
        "search",
    }
)


def validate_section_slug(value: str) -> None:
    if value in RESERVED_SECTION_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for the site's own pages.") % {"slug": value},
            code="reserved",
        )


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, validators=[single_line])
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, validators=[validate_section_slug]
    )
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[single_line]
    )
    # Names in other site languages, e.g. {"en": "Politics"}; the reader's language picks one.
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:section", kwargs={"section": self.slug})

    def clean(self) -> None:
        if not isinstance(self.names, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.names.items()
        ):
            raise ValidationError(
                {"names": _('Give names as {"language code": "name"}, e.g. {"en": "Politics"}.')}
            )
        for name in self.names.values():
            try:
                single_line(name)  # shown in feeds' titles
            except ValidationError as exc:
                raise ValidationError({"names": exc.messages}) from exc
        unknown = set(self.names) - {code for code, _name in settings.LANGUAGES}
        if unknown:
            raise ValidationError(
                {
                    "names": _("Unknown language code(s): %(codes)s")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


class Author(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=[single_line])
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    bio = models.CharField(
        _("short biography"), max_length=500, blank=True, validators=[single_line]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        verbose_name=_("user account"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class Image(models.Model):
    file = models.ImageField(_("file"), upload_to="images/%Y/%m/")
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the picture shows, for readers who cannot see it."),
        validators=[single_line],
    )
    credit = models.CharField(_("credit"), max_length=200, blank=True, validators=[single_line])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text[:60]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished")

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=site_language_choices,
        default=default_language,
        help_text=_("The language the article is written in."),
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    kicker = models.CharField(
        _("kicker"),
        max_length=120,
        blank=True,
        help_text=_('The short line above the headline, e.g. "Meeting with Kim".'),
        validators=[single_line],
    )
    headline = models.CharField(_("headline"), max_length=200, validators=[single_line])
    lead = models.TextField(_("lead"), max_length=1200, blank=True, validators=[several_lines])
    authors = models.ManyToManyField(
        Author, blank=True, related_name="articles", verbose_name=_("authors")
    )
    # Free text shown instead of the author names when set, e.g. "Von Anna Berger aus Wien".
    byline = models.CharField(_("byline"), max_length=200, blank=True, validators=[single_line])
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("For scheduled publishing.")
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    # Set when a published article is changed; readers see "updated" with this time.
    last_updated_at = models.DateTimeField(_("last updated"), null=True, blank=True)
    canonical_url = models.URLField(
        _("canonical URL"),
        blank=True,
        help_text=_("Only when the article's original lives at another address."),
    )
    # Identifier from the system an article was imported from (feed GUID, JSON "id").
    external_id = models.CharField(
        _("external ID"), max_length=500, blank=True, validators=[single_line]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-first_published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-first_published_at"], name="article_status_pub"),
            models.Index(
                fields=["section", "status", "-first_published_at"], name="article_section_pub"
            ),
            models.Index(fields=["status", "publish_at"], name="article_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="article_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("newsroom:article", kwargs={"section": self.section.slug, "slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def byline_text(self) -> str:
        if self.byline:
            return self.byline
        return ", ".join(author.name for author in self.authors.all())

    @property
    def was_updated(self) -> bool:
        return bool(
            self.last_updated_at
            and self.first_published_at
            and self.last_updated_at > self.first_published_at
        )


def published_articles() -> models.QuerySet[Article]:
    """Articles readers may see, newest first, with their section (what teasers show)."""
    return (
        Article.objects.filter(
            status=Article.Status.PUBLISHED, first_published_at__lte=timezone.now()
        )
        .select_related("section")
        .order_by("-first_published_at", "-id")
    )


class Block(models.Model):
    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("paragraph")
        SUBHEADING = "subheading", _("subheading")
        QUOTE = "quote", _("quote")
        IMAGE = "image", _("image")
        FACTBOX = "factbox", _("fact box")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(_("position"), default=0)
    # Stable identity across edits: translations and revisions align blocks by it.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Paragraphs and fact boxes may use <a href>, <strong>, <em> and <br>."),
        validators=[several_lines],
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Fact box title."),
        validators=[single_line],
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=200,
        blank=True,
        help_text=_("Who said the quote."),
        validators=[single_line],
    )
    image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True, validators=[single_line])
    credit = models.CharField(_("credit"), max_length=200, blank=True, validators=[single_line])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind in (self.Kind.PARAGRAPH, self.Kind.FACTBOX):
            self.text = clean_inline_html(self.text)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        text = self.text.strip()
        if self.kind in (self.Kind.PARAGRAPH, self.Kind.SUBHEADING, self.Kind.QUOTE) and not text:
            errors["text"] = _("A %(kind)s needs text.") % {"kind": self.get_kind_display()}
        if self.kind in (self.Kind.PARAGRAPH, self.Kind.FACTBOX) and text:
            try:
                validate_inline_html(text)
            except ValidationError as exc:
                errors["text"] = exc.messages
        if self.kind == self.Kind.IMAGE and self.image_id is None:
            errors["image"] = _("Choose an image for an image block.")
        if self.kind == self.Kind.FACTBOX and not (text or self.title.strip()):
            errors["text"] = _("A fact box needs a title or text.")
        if errors:
            raise ValidationError(errors)


class Revision(models.Model):
    """One saved state of an article: who saved it, when, and which parts changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    changed = models.JSONField(_("changed parts"), default=list)
    snapshot = models.JSONField(_("content"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ContentVersion(models.Model):
    """A counter bumped by every change to reader-visible content. Page caches key on it, so
    a change made in one process (the worker publishing on schedule) empties them in all."""

    counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return str(self.counter)
