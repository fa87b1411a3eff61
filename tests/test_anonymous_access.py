"""Every URL the app serves refuses anonymous users, except login, health and static files.

The URL list is found by walking the resolver, so a URL added later is covered without editing
this file.
"""

import itertools
import uuid
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.exceptions import NoReverseMatch

OPEN_TO_ANONYMOUS = {"login", "healthz", "admin:login"}
SAMPLE_VALUES = ["1", "x", "auth", str(uuid.UUID(int=1))]


def named_patterns(patterns=None, namespace=""):
    """Yield (name, pattern) for every named URL pattern, namespaces included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def sample_urls(name, pattern):
    """Return one URL for the pattern, filling its parameters with plausible values."""
    params = list(pattern.pattern.regex.groupindex)
    converters = getattr(pattern.pattern, "converters", {})
    candidates = []
    for param in params:
        converter = converters.get(param)
        if isinstance(converter, UUIDConverter):
            candidates.append([uuid.uuid4()])
        elif isinstance(converter, IntConverter):
            candidates.append([1])
        else:
            candidates.append(SAMPLE_VALUES)
    for values in itertools.product(*candidates):
        try:
            return reverse(name, kwargs=dict(zip(params, values, strict=True)))
        except NoReverseMatch:
            continue
    return None


def all_protected_urls():
    urls = []
    for name, pattern in named_patterns():
        if name in OPEN_TO_ANONYMOUS:
            continue
        url = sample_urls(name, pattern)
        if url is not None:
            urls.append(pytest.param(url, id=name))
    return urls


def test_the_walk_finds_the_apps_urls():
    names = {name for name, _ in named_patterns()}
    assert {"dashboard", "logout", "admin:index"} <= names


def test_every_project_url_pattern_has_a_name_so_the_walk_covers_it():
    def unnamed(patterns, inside_admin=False):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from unnamed(entry.url_patterns, inside_admin or entry.app_name == "admin")
            elif not entry.name and not inside_admin:
                yield str(entry.pattern)

    assert list(unnamed(get_resolver().url_patterns)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", all_protected_urls())
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_a_login_page(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code in {302, 403, 405}, f"{method.upper()} {url} answered {response.status_code}"
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path in {reverse("login"), reverse("admin:login")}


@pytest.mark.django_db
def test_the_login_page_and_health_check_are_open(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
