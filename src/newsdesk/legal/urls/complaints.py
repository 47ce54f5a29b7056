"""URLs of the legal channels' complaints part."""

from django.urls import URLPattern, path

from newsdesk.legal.views import complaints as views

urlpatterns: list[URLPattern] = [
    # Internal complaints (Art. 20): against a statement, against a notice's decision.
    path(
        "statements/<int:statement_id>/complaint/",
        views.complain_statement,
        name="complain_statement",
    ),
    path("notices/<str:reference>/complaint/", views.complain_notice, name="complain_notice"),
    # The moderators' side.
    path("complaints/", views.complaints_queue, name="complaints"),
    path("complaints/<int:complaint_id>/", views.complaint_page, name="complaint"),
    path("complaints/<int:complaint_id>/decide/", views.decide_complaint, name="decide_complaint"),
]
