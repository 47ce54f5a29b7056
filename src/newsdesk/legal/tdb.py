"""The vocabulary of the EU DSA Transparency Database (API v2, statements of reasons):
enumeration keys exactly as its API documentation spells them, labels for our screens.

Source: https://transparency.dsa.ec.europa.eu/page/api-documentation (and the enumerations
of its public repository digital-services-act/transparency-database). Checked against that
repository's ``app/Models/Statement.php``, ``app/Http/Requests/StatementStoreRequest.php``
and ``app/Services/EuropeanCountriesService.php`` (API v1 endpoints, schema of 1 July 2025):
every key below is spelled as there.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """``category``: what kind of illegal or incompatible content (also the notice form's
    categories, so a notice maps onto a statement unchanged)."""

    ANIMAL_WELFARE = "STATEMENT_CATEGORY_ANIMAL_WELFARE", _("Animal welfare")
    CONSUMER_INFORMATION = (
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        _("Consumer information infringements"),
    )
    CYBER_VIOLENCE = "STATEMENT_CATEGORY_CYBER_VIOLENCE", _("Cyber violence")
    CYBER_VIOLENCE_AGAINST_WOMEN = (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        _("Cyber violence against women"),
    )
    DATA_PROTECTION = (
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        _("Data protection and privacy violations"),
    )
    ILLEGAL_OR_HARMFUL_SPEECH = (
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        _("Illegal or harmful speech"),
    )
    INTELLECTUAL_PROPERTY = (
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        _("Intellectual property infringements"),
    )
    CIVIC_DISCOURSE = (
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        _("Negative effects on civic discourse or elections"),
    )
    NOT_SPECIFIED_NOTICE = (
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        _("Type of alleged illegal content not specified by the notifier"),
    )
    OTHER_VIOLATION_TC = (
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        _("Other violation of the terms and conditions (netiquette)"),
    )
    PROTECTION_OF_MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", _("Protection of minors")
    PUBLIC_SECURITY = (
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        _("Risk for public security"),
    )
    SCAMS_AND_FRAUD = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", _("Scams and/or fraud")
    SELF_HARM = "STATEMENT_CATEGORY_SELF_HARM", _("Self-harm")
    UNSAFE_PRODUCTS = (
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        _("Unsafe, non-compliant or prohibited products"),
    )
    VIOLENCE = "STATEMENT_CATEGORY_VIOLENCE", _("Violence")


class DecisionGround(models.TextChoices):
    """``decision_ground``: the law, or the terms (the netiquette)."""

    ILLEGAL_CONTENT = "DECISION_GROUND_ILLEGAL_CONTENT", _("Illegal content")
    INCOMPATIBLE_CONTENT = (
        "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        _("Content incompatible with the terms and conditions"),
    )


class SourceType(models.TextChoices):
    """``source_type``: what the decision followed."""

    ARTICLE_16 = "SOURCE_ARTICLE_16", _("Notice submitted in accordance with Article 16 DSA")
    TRUSTED_FLAGGER = "SOURCE_TRUSTED_FLAGGER", _("Notice submitted by a trusted flagger")
    OTHER_NOTIFICATION = "SOURCE_TYPE_OTHER_NOTIFICATION", _("Other type of notification")
    VOLUNTARY = "SOURCE_VOLUNTARY", _("Own voluntary initiative")


class AutomatedDecision(models.TextChoices):
    """``automated_decision``."""

    FULLY = "AUTOMATED_DECISION_FULLY", _("Fully automated")
    PARTIALLY = "AUTOMATED_DECISION_PARTIALLY", _("Partially automated")
    NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED", _("Not automated")


class DecisionVisibility(models.TextChoices):
    """``decision_visibility`` (a list in the API)."""

    REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED", _("Removal of content")
    DISABLED = "DECISION_VISIBILITY_CONTENT_DISABLED", _("Disabling access to content")
    DEMOTED = "DECISION_VISIBILITY_CONTENT_DEMOTED", _("Demotion of content")
    AGE_RESTRICTED = "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", _("Age-restricted content")
    INTERACTION_RESTRICTED = (
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        _("Restricting interaction with content"),
    )
    LABELLED = "DECISION_VISIBILITY_CONTENT_LABELLED", _("Labelled content")
    OTHER = "DECISION_VISIBILITY_OTHER", _("Other restriction")


class DecisionAccount(models.TextChoices):
    """``decision_account``."""

    SUSPENDED = "DECISION_ACCOUNT_SUSPENDED", _("Suspension of the account")
    TERMINATED = "DECISION_ACCOUNT_TERMINATED", _("Termination of the account")


class DecisionProvision(models.TextChoices):
    """``decision_provision``: partial or total suspension/termination of the service."""

    PARTIAL_SUSPENSION = (
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        _("Partial suspension of the provision of the service"),
    )
    TOTAL_SUSPENSION = (
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        _("Total suspension of the provision of the service"),
    )
    PARTIAL_TERMINATION = (
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        _("Partial termination of the provision of the service"),
    )
    TOTAL_TERMINATION = (
        "DECISION_PROVISION_TOTAL_TERMINATION",
        _("Total termination of the provision of the service"),
    )


class ContentType(models.TextChoices):
    """``content_type`` (a list in the API; required)."""

    APP = "CONTENT_TYPE_APP", _("App")
    AUDIO = "CONTENT_TYPE_AUDIO", _("Audio")
    IMAGE = "CONTENT_TYPE_IMAGE", _("Image")
    PRODUCT = "CONTENT_TYPE_PRODUCT", _("Product")
    SYNTHETIC_MEDIA = "CONTENT_TYPE_SYNTHETIC_MEDIA", _("Synthetic media")
    TEXT = "CONTENT_TYPE_TEXT", _("Text")
    VIDEO = "CONTENT_TYPE_VIDEO", _("Video")
    OTHER = "CONTENT_TYPE_OTHER", _("Other")


# ``automated_detection`` and ``incompatible_content_illegal`` are the strings "Yes" / "No".
YES = "Yes"
NO = "No"

# ``territorial_scope``: the EU/EEA countries the API accepts (ISO 3166-1 alpha-2; Greece is
# "GR" there, not "EL").
EEA_COUNTRIES: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip

# The field limits (characters) of the API.
MAX_SHORT_TEXT = 500  # puid, *_ground, *_other, decision_ground_reference_url
MAX_EXPLANATION = 2000  # illegal_content_explanation, incompatible_content_explanation
MAX_FACTS = 5000  # decision_facts
# How many statements one call of the multiple-statements endpoint takes.
MAX_BATCH = 100
