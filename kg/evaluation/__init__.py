"""Evaluation of extraction quality: the dev gold set scorer (``gold``) and external corpora (``external``)."""
