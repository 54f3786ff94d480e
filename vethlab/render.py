"""The one renderer of every page vethlab writes: one Jinja environment over ``vethlab/templates``.

A machine's pages (``lab.md``, ``lab.zh.md``: Markdown), the class pages (``index.html``, one page per machine)
and the grade board (``grade.html``) all render here, with the same filters and texts (vethlab_texts), and the
same escaping rule for each kind of page: an HTML template (``*.html.j2``, each extending ``base.html.j2``) is
autoescaped; a Markdown template writes every value through ``md`` (text) or ``code`` (a code span), because a
Markdown viewer renders raw HTML - a host named ``<script>`` must arrive as ``&lt;script&gt;`` - and no value may
close a table cell or a code span.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from vethlab.module_utils.vethlab_texts import MESSAGES, field, place, render, say

TEMPLATES = Path(__file__).resolve().parent / "templates"


def shown_time(stamp: str | None) -> str:
    """'2026-11-28T19:40:12Z' as a person reads it: '2026-11-28 19:40 UTC'."""
    if not stamp:
        return "an unknown time"
    return stamp.replace("T", " ")[:16] + " UTC"


def md(value) -> str:
    """A value as Markdown text that shows as it is: no HTML, no table cell closed."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def code(value) -> str:
    """A value as a Markdown code span that no value can close, nor its table cell."""
    return "`%s`" % str(value).replace("`", "'").replace("|", "\\|")


def engine_parts(lab: dict | None) -> tuple[str, str]:
    """The engine a machine ran, as the class's CSV and pages show it: its package and version (the engine's own
    version when no package provides it), and the repository it came from; "" for what is not known."""
    engine = (lab or {}).get("engine") or {}
    if engine.get("package"):
        return "%s %s" % (engine["package"], engine.get("version") or ""), engine.get("repository") or ""
    return ("dockerd %s" % engine["engine_version"] if engine.get("engine_version") else ""), ""


def engine_label(lab: dict | None) -> str:
    """engine_parts in one line, e.g. "moby-engine 24.0.5-4.fc40 (fedora)"; "" unknown."""
    name, repository = engine_parts(lab)
    return "%s (%s)" % (name, repository) if repository else name


def page_name(base: str, lang: str, suffix: str = ".html") -> str:
    """A page's file name in a language: index.html, index.zh.html; lab.md, lab.zh.md."""
    return "%s%s" % (base, suffix) if lang == "en" else "%s.%s%s" % (base, lang, suffix)


def by_hop(times: list[dict]) -> dict:
    """A captured packet's times, {hop: microseconds} (the sequence's ``at`` list)."""
    return {entry["hop"]: entry["us"] for entry in times}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja environment (made once per process)."""
    made = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    made.filters.update(
        shown_time=shown_time,
        field=field,
        place=place,
        render=render,
        engine_label=engine_label,
        engine_parts=engine_parts,
        md=md,
        code=code,
        by_hop=by_hop,
    )
    made.globals.update(say=say, MESSAGES=MESSAGES, page_name=page_name)
    return made


def render_page(template: str, **context) -> str:
    """A template of vethlab/templates rendered over ``context``."""
    return environment().get_template(template).render(**context)
