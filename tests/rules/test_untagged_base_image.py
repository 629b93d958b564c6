"""DF406 untagged-base-image."""

from __future__ import annotations

import pytest

from tests.rules.harness import fix, lint


def df406(source: str):
    return [f for f in lint(source) if f.code == "DF406"]


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("FROM python\n", "has no tag"),
        ("FROM ubuntu:latest\n", "'latest'"),
        ("ARG BASE=node\nFROM ${BASE}\n", "'node' has no tag"),
        ("FROM localhost:5000/team/app\n", "has no tag"),
    ],
)
def test_untagged_or_latest_fires(source, text):
    (finding,) = df406(source)
    assert text in finding.message and finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "FROM python:3.12-slim\n",
        "FROM scratch\n",
        "FROM alpine:3.20 AS base\nFROM base\n",
        "FROM alpine@sha256:" + "0" * 64 + "\n",
        "ARG TAG\nFROM node:${TAG}\n",
        "FROM localhost:5000/team/app:1.2\n",
    ],
)
def test_pinned_images_and_stages_are_quiet(source):
    assert df406(source) == []


def test_never_changes_the_base_image():
    assert fix("FROM python\n", unsafe=True).output == "FROM python\n"
