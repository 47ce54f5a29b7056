"""Moderation: screening of comments, the moderators' workspace, sanctions and the classifier."""
