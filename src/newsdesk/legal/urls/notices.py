"""URLs of the legal channels' notices part."""

from django.urls import URLPattern, path

from newsdesk.legal.views import notices

urlpatterns: list[URLPattern] = [
    # The notice form, "Melde- und Abhilfestelle" (?comment=<pk> fills in the location).
    path("report/", notices.report, name="report"),
    # A notice's status for its notifier (?token= for notifiers without an account).
    path("notices/<str:reference>/", notices.notice, name="notice"),
    # For moderators: the open notices, one notice, its decision.
    path("team/notices/", notices.notices, name="notices"),
    path("team/notices/<str:reference>/", notices.review, name="notice_review"),
    path("team/notices/<str:reference>/decide/", notices.decide, name="decide_notice"),
]
