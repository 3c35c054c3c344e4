"""What a browser would run or load in a piece of HTML, found with html5lib (the HTML5 parsing
algorithm browsers use): script-capable elements, event-handler and style attributes, and URLs
whose scheme runs code. The site's own furniture (its stylesheet, feed links, search script and
form) is known by exact value and not reported; given the page's path, so is the furniture the
templates put on that page (the header's search form, the site's own scripts: see tests.hostile)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import html5lib

from tests.hostile import is_template_furniture

SCRIPTABLE_ELEMENTS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "style",
        "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript", "portal",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "xlink:href", "ping", "cite"}
)
CODE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# Browsers drop ASCII tab and newlines anywhere in a URL, and C0 controls and spaces at its ends.
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(code) for code in range(0x21))

# The templates' own elements, by (tag, attributes): everything else of these kinds is a leak.
SITE_FURNITURE = frozenset(
    {
        ("meta", (("charset", "utf-8"),)),
        ("meta", (("content", "width=device-width, initial-scale=1"), ("name", "viewport"))),
        ("meta", (("content", "conference-backchannel"), ("name", "generator"))),
        ("form", (("action", "search.html"), ("class", "search-form"), ("id", "search-form"), ("method", "get"),
                  ("role", "search"))),
        ("input", (("id", "search-query"), ("name", "q"), ("type", "search"))),
        ("button", (("type", "submit"),)),
        ("script", (("src", "static/search.js"),)),
    }
)  # fmt: skip
_OWN_LINK_RELS = frozenset({"stylesheet", "alternate", "icon"})


@dataclass(frozen=True)
class LiveConstruct:
    what: str  # "element", "attribute" or "url"
    detail: str


def live_constructs(document: str, *, fragment: bool = False, page: str | None = None) -> list[LiveConstruct]:
    """Every construct of ``document`` (the site's ``page``, if it is one) that could run code or
    load something scriptable."""
    return [found for element in _elements(document, fragment) for found in _element_problems(element, page)]


def elements_in(text: str) -> list[str]:
    """The tags an HTML renderer would find in ``text`` (none, for text that is really plain)."""
    return [element.tag for element in _elements(text, fragment=True)]  # type: ignore[attr-defined]


def _elements(document: str, fragment: bool) -> list[object]:
    parser = html5lib.HTMLParser(tree=html5lib.treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parseFragment(document) if fragment else parser.parse(document)
    # a fragment's root is a container of html5lib's own, not an element of the text
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    return elements[1:] if fragment else elements


def _element_problems(element: object, page: str | None) -> Iterator[LiveConstruct]:
    tag = element.tag.split("}")[-1].lower()  # type: ignore[attr-defined]
    attributes = {name.split("}")[-1].lower(): value for name, value in element.attrib.items()}  # type: ignore[attr-defined]
    if tag in SCRIPTABLE_ELEMENTS and not _is_furniture(tag, attributes, page):
        yield LiveConstruct("element", f"<{tag} {attributes}>")
    for name, value in attributes.items():
        if name.startswith("on") or name == "style":
            yield LiveConstruct("attribute", f"<{tag} {name}={value!r}>")
        elif name in URL_ATTRIBUTES and runs_code(value):
            yield LiveConstruct("url", f"<{tag} {name}={value!r}>")


def _is_furniture(tag: str, attributes: dict[str, str], page: str | None) -> bool:
    if page is not None and is_template_furniture(page, tag, attributes):
        return True
    if tag == "link":
        return attributes.get("rel") in _OWN_LINK_RELS and not runs_code(attributes.get("href", ""))
    return (tag, tuple(sorted(attributes.items()))) in SITE_FURNITURE


def runs_code(url: str) -> bool:
    """Whether a browser would treat ``url`` as code (``javascript:`` in any disguise, or ``data:``)."""
    cleaned = _IGNORED_IN_URLS.sub("", url).strip(_URL_EDGES).lower()
    return cleaned.startswith(CODE_SCHEMES)
