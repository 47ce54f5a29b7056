"""The importer itself: reading a source's records, then validating and writing each one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from newsdesk.core import clock
from newsdesk.core.actors import Actor
from newsdesk.newsroom import actions
from newsdesk.newsroom.importer.feeds import feed_records
from newsdesk.newsroom.importer.images import PendingImage, load_image, same_picture
from newsdesk.newsroom.importer.json_records import (
    ARTICLE_INPUT_FIELDS,
    json_records,
    jsonl_records,
)
from newsdesk.newsroom.importer.records import (
    ArticleData,
    BlockData,
    ImportInputError,
    Record,
    Source,
)
from newsdesk.newsroom.models import Article, Author, Block, Image, Section
from newsdesk.newsroom.plain_text import strip_control_characters
from newsdesk.newsroom.slugs import slugify, unique_slug

LEAD_MAX_LENGTH = 1200


def read_records(source: Source, fmt: str) -> list[Record]:
    """The records of `source` read as `fmt` ("json", "jsonl" or "feed", as `detect_format`
    tells); ImportInputError when the input as a whole cannot be read that way."""
    if fmt == "json":
        records = json_records(source)
    elif fmt == "jsonl":
        records = jsonl_records(source)
    else:
        records = feed_records(source)
    for record in records:
        if record.data is not None:
            _strip_control_characters(record.data)
    return records


def _strip_control_characters(data: ArticleData) -> None:
    """Control characters of the input go (feeds and sitemaps could not carry them); line
    breaks stay only in the lead and in block text (not a subheading's), elsewhere every
    break becomes a space."""
    blocks = ((block, () if block.kind == "subheading" else ("text",)) for block in data.blocks)
    for item, several_lines in ((data, ("lead",)), *blocks):
        for name, value in vars(item).items():
            if isinstance(value, str):
                lines = name in several_lines
                setattr(item, name, strip_control_characters(value, lines=lines))
    data.authors = [strip_control_characters(name) for name in data.authors]
    data.sections = [
        (strip_control_characters(slug), strip_control_characters(name))
        for slug, name in data.sections
    ]


@dataclass
class Outcome:
    """What importing one record did: its status, the article (None when it failed), and the
    messages for the report (the errors of a failed record, why one was skipped)."""

    status: str  # "imported", "updated", "skipped" or "failed"
    article: Article | None = None
    messages: list[str] = field(default_factory=list)


class _Invalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _block(number: int, spec: BlockData) -> Block:
    """The unsaved Block of the record's `number`-th block (without its picture)."""
    return Block(
        position=number * 10,
        kind=spec.kind,
        text=spec.text,
        title=spec.title,
        attribution=spec.attribution,
        caption=spec.caption,
    )


def _validation_messages(exc: ValidationError, prefix: str = "") -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{prefix}{name}: {message}" if name != "__all__" else f"{prefix}{message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [f"{prefix}{message}" for message in exc.messages]


class Importer:
    """Imports records one by one; a bad record is reported and changes nothing.

    Options as the command's: ``default_section`` (a slug) for records without one,
    ``create_sections``, ``draft`` (do not publish), ``update`` (overwrite articles imported
    before), ``dry_run`` (check and roll back, store no files), ``acting_user`` for the
    revisions, ``timeout`` in seconds for fetching pictures. ImportInputError when
    ``default_section`` does not exist and may not be created.
    """

    def __init__(
        self,
        *,
        default_section: str | None = None,
        create_sections: bool = False,
        draft: bool = False,
        update: bool = False,
        dry_run: bool = False,
        acting_user: Actor = None,
        timeout: float = 30.0,
    ) -> None:
        self.default_section = default_section
        self.timeout = timeout
        self._stored_files: list[str] = []
        self.create_sections = create_sections
        self.draft = draft
        self.update = update
        self.dry_run = dry_run
        self.acting_user = acting_user
        if default_section and not create_sections:
            if not Section.objects.filter(slug=default_section).exists():
                raise ImportInputError(
                    _("There is no section %(slug)s; create it first or add --create-sections.")
                    % {"slug": default_section}
                )

    def import_record(self, record: Record) -> Outcome:
        """Validate `record` completely, then write it in one transaction; never raises for a
        bad record (its Outcome is "failed" with every problem found)."""
        if record.data is None:
            return Outcome("failed", messages=list(record.errors))
        data = record.data
        existing = (
            Article.objects.filter(external_id=data.external_id).first()
            if data.external_id
            else None
        )
        if existing is not None and not self.update and not record.errors:
            return Outcome(
                "skipped",
                existing,
                [
                    _("already imported as %(slug)s (use --update to overwrite it).")
                    % {"slug": existing.slug}
                ],
            )
        self._stored_files = []
        try:
            # Problems found while reading are reported together with the others.
            article, section, blocks, images = self._validated(data, existing, list(record.errors))
            with transaction.atomic():
                outcome = self._write(data, article, section, blocks, images, existing)
                if self.dry_run or outcome.status == "skipped":
                    transaction.set_rollback(True)
        except _Invalid as exc:
            return Outcome("failed", messages=exc.messages)
        except ValidationError as exc:
            self._discard_stored_files()
            return Outcome("failed", messages=_validation_messages(exc))
        except DatabaseError as exc:
            self._discard_stored_files()
            return Outcome(
                "failed", messages=[_("the database refused it: %(error)s") % {"error": exc}]
            )
        if outcome.status == "skipped":
            self._discard_stored_files()
        return outcome

    # Validation: builds unsaved objects and checks every part; writes nothing.

    def _section(self, data: ArticleData, errors: list[str]) -> Section | None:
        candidates = data.sections
        if candidates and not data.sections_are_hints:
            slug, name = candidates[0]
            section = Section.objects.filter(slug=slug).first()
            if section is None and self.create_sections:
                return self._new_section(slug, name, errors)
            if section is None:
                errors.append(
                    _(
                        "section: there is no section %(slug)s (create it first or add "
                        "--create-sections)."
                    )
                    % {"slug": slug}
                )
            return section
        for slug, _name in candidates:
            section = Section.objects.filter(slug=slug).first()
            if section is not None:
                return section
        if candidates and self.create_sections:
            return self._new_section(*candidates[0], errors)
        if self.default_section:
            section = Section.objects.filter(slug=self.default_section).first()
            return section or self._new_section(
                self.default_section, self.default_section.replace("-", " ").title(), errors
            )
        if candidates:
            errors.append(
                _(
                    "section: none of the categories (%(names)s) is a section; give "
                    "--section SLUG or --create-sections."
                )
                % {"names": ", ".join(name for _slug, name in candidates)}
            )
        else:
            errors.append(
                _("section: none given; add a section to the record or give --section SLUG.")
            )
        return None

    def _new_section(self, slug: str, name: str, errors: list[str]) -> Section | None:
        section = Section(slug=slug, name=name[:80])
        try:
            section.full_clean()
        except ValidationError as exc:
            errors.extend(_validation_messages(exc, prefix=_("section") + " "))
            return None
        return section

    def _validated(
        self, data: ArticleData, existing: Article | None, errors: list[str]
    ) -> tuple[Article, Section | None, list[Block], list[PendingImage | None]]:
        """The unsaved article, its section, blocks and pictures; _Invalid with every problem
        (those found while reading first) when anything is wrong."""
        section = self._section(data, errors)
        language = self._language(data, errors)
        self._check_lead_and_body(data, errors)
        self._check_dates_and_authors(data, errors)
        article = self._article(data, existing, language)
        self._clean_article(article, section, errors)
        blocks, images = self._blocks(data, errors)
        if errors:
            raise _Invalid(errors)
        return article, section, blocks, images

    def _language(self, data: ArticleData, errors: list[str]) -> str:
        language = data.language or settings.LANGUAGE_CODE
        site_languages = [code for code, _name in settings.LANGUAGES]
        if language in site_languages:
            return language
        if data.sections_are_hints:  # a feed's language is a hint too
            return settings.LANGUAGE_CODE
        errors.append(
            _("language: %(code)s is not one of the site's languages (%(codes)s).")
            % {"code": language, "codes": ", ".join(site_languages)}
        )
        return language

    def _check_lead_and_body(self, data: ArticleData, errors: list[str]) -> None:
        if len(data.lead) > LEAD_MAX_LENGTH:
            errors.append(
                _("lead: at most %(max)d characters, this one has %(length)d.")
                % {"max": LEAD_MAX_LENGTH, "length": len(data.lead)}
            )
        if not data.lead and not data.blocks:
            errors.append(_("the article has neither a lead nor a body."))

    def _check_dates_and_authors(self, data: ArticleData, errors: list[str]) -> None:
        for name in data.authors:
            if len(name) > 120:
                errors.append(
                    _("authors: %(name)s is longer than 120 characters.")
                    % {"name": name[:40] + "…"}
                )

    def _article(self, data: ArticleData, existing: Article | None, language: str) -> Article:
        """The existing article, or a new one, with the record's fields set (unsaved)."""
        article = existing if existing is not None else Article(created_by=self._user())
        article.external_id = data.external_id
        article.headline = data.headline
        article.kicker = data.kicker
        article.lead = data.lead
        article.byline = data.byline
        article.language = language
        article.canonical_url = data.canonical_url
        if data.slug:
            article.slug = data.slug
        elif existing is None:
            article.slug = unique_slug(Article, slugify(data.headline), 200)
        return article

    def _clean_article(self, article: Article, section: Section | None, errors: list[str]) -> None:
        # Fields the reading already found wrong are not reported a second time.
        reported = {message.split(":", 1)[0] for message in errors}
        exclude = [name for name in ARTICLE_INPUT_FIELDS if name in reported]
        if "id" in reported:
            exclude.append("external_id")
        if section is not None and section.pk is not None:
            article.section = section
        else:
            exclude.append("section")
        try:
            article.full_clean(exclude=exclude)
        except ValidationError as exc:
            errors.extend(_validation_messages(exc))

    def _blocks(
        self, data: ArticleData, errors: list[str]
    ) -> tuple[list[Block], list[PendingImage | None]]:
        """One unsaved Block per block of the record, and the picture of each (None for those
        that have none)."""
        blocks, images = [], []
        for number, spec in enumerate(data.blocks, start=1):
            prefix = _("body block %(number)d") % {"number": number} + f" ({spec.kind}) "
            blocks.append(_block(number, spec))
            images.append(self._pending_image(spec, prefix, errors) if spec.src else None)
            self._clean_block(blocks[-1], prefix, errors)
        return blocks, images

    def _clean_block(self, block: Block, prefix: str, errors: list[str]) -> None:
        try:
            if block.kind == Block.Kind.IMAGE:
                # The picture is checked apart; clean() would only miss the saved Image.
                block.clean_fields(exclude=["article", "key", "image"])
            else:
                block.full_clean(exclude=["article", "key"])
        except ValidationError as exc:
            errors.extend(_validation_messages(exc, prefix=prefix))

    def _pending_image(
        self, spec: BlockData, prefix: str, errors: list[str]
    ) -> PendingImage | None:
        if spec.alt:
            try:
                Image(alt_text=spec.alt, credit=spec.credit).full_clean(exclude=["file"])
            except ValidationError as exc:
                errors.extend(_validation_messages(exc, prefix=prefix))
        try:
            data, name = load_image(spec.src, self.timeout)
        except ValueError as exc:
            errors.append(f"{prefix}src: {exc}")
            return None
        return PendingImage(data=data, name=name, alt=spec.alt, credit=spec.credit)

    def _user(self) -> Any:
        return self.acting_user if getattr(self.acting_user, "is_authenticated", False) else None

    # Writing: runs inside one transaction per record.

    def _write(
        self,
        data: ArticleData,
        article: Article,
        section: Section | None,
        blocks: list[Block],
        images: list[PendingImage | None],
        existing: Article | None,
    ) -> Outcome:
        if section is not None and section.pk is None:
            section.save()
        if section is not None:
            article.section = section
        authors = [self._author(name) for name in data.authors]
        if existing is not None:
            return self._write_update(article, blocks, images, authors, data.published_at)
        article.save()
        for block, pending in zip(blocks, images, strict=True):
            if pending is not None:
                block.image = self._store_image(pending)
            block.article = article
            block.save()
        article.authors.set(authors)
        actions.do_save_article(article, acting_user=self.acting_user, note=_("imported"))
        if not self.draft and self._schedule(article, data.published_at):
            return Outcome("imported", article)
        if not self.draft:
            actions.do_publish_article(article, acting_user=self.acting_user)
            published_at = data.published_at or article.first_published_at
            updated_at = (
                data.updated_at
                if data.updated_at and published_at and data.updated_at > published_at
                else None
            )
            Article.objects.filter(pk=article.pk).update(
                first_published_at=published_at, last_updated_at=updated_at
            )
            article.first_published_at, article.last_updated_at = published_at, updated_at
        return Outcome("imported", article)

    def _write_update(
        self,
        article: Article,
        blocks: list[Block],
        images: list[PendingImage | None],
        authors: list[Author],
        published_at: dt.datetime | None,
    ) -> Outcome:
        before = _comparable(actions.snapshot(Article.objects.get(pk=article.pk)))
        article.save()
        # Existing blocks keep their keys (translations and revisions align blocks by them).
        old_blocks = list(article.blocks.select_related("image"))
        for index, (new, pending) in enumerate(zip(blocks, images, strict=True)):
            if pending is None:
                continue
            old_image = old_blocks[index].image if index < len(old_blocks) else None
            if old_image is not None and same_picture(old_image, pending):
                new.image = old_image
            else:
                new.image = self._store_image(pending)
        for old, new in zip(old_blocks, blocks, strict=False):
            for name in ("position", "kind", "text", "title", "attribution", "caption", "credit"):
                setattr(old, name, getattr(new, name))
            old.image = new.image
            old.save()
        for new in blocks[len(old_blocks) :]:
            new.article = article
            new.save()
        for old in old_blocks[len(blocks) :]:
            old.delete()
        article.authors.set(authors)
        rescheduled = (
            not self.draft
            and not article.is_published
            and published_at != article.publish_at
            and self._schedule(article, published_at)
        )
        if _comparable(actions.snapshot(article)) == before and not rescheduled:
            return Outcome("skipped", article, [_("unchanged since the last import.")])
        actions.do_save_article(article, acting_user=self.acting_user, note=_("imported"))
        return Outcome("updated", article)

    def _schedule(self, article: Article, when: dt.datetime | None) -> bool:
        """A publication time still to come schedules the article for it (the worker
        publishes it then); returns whether it did."""
        if when is None or when <= clock.now():
            return False
        actions.do_schedule_article(article, when=when, acting_user=self.acting_user)
        return True

    def _store_image(self, pending: PendingImage) -> Image | None:
        if self.dry_run:
            return None  # a dry run writes no files (its database changes are rolled back)
        image = Image(alt_text=pending.alt, credit=pending.credit)
        image.file.save(pending.name, ContentFile(pending.data), save=False)
        self._stored_files.append(str(image.file.name))
        image.save()
        return image

    def _discard_stored_files(self) -> None:
        for name in self._stored_files:
            default_storage.delete(name)
        self._stored_files = []

    def _author(self, name: str) -> Author:
        author = Author.objects.filter(name__iexact=name).order_by("pk").first()
        if author is None:
            author = Author.objects.create(
                name=name, slug=unique_slug(Author, slugify(name) or "autor", 120)
            )
        return author


def _comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    snapshot = dict(snapshot)
    snapshot["blocks"] = [
        {k: v for k, v in block.items() if k != "key"} for block in snapshot["blocks"]
    ]
    return snapshot
