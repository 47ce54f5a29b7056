"""The translation app's signals (declarations only; receivers live in the apps that listen)."""

from django.dispatch import Signal

# Sent by `newsdesk models install` once a model is in place, with ``pair`` ("de-en"). A
# receiver may return a line for the operator (the command prints every string returned).
model_installed = Signal()
