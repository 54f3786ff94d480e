"""Headless Chromium (Debian's chromium) for tests that look at pages as a person would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not installed: run 'make test-deps' (the test command does)"
    return path


def rendered_dom(url: str, width: int = 1300, height: int = 900) -> str:
    """The DOM after Chromium loaded the page (in a window of ``width`` x ``height``) and ran its scripts."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium(), *FLAGS, "--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height), "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(url: str, path: str, width: int = 1300, height: int = 900) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium(), *FLAGS, "--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height), "--screenshot=" + path, url],
            capture_output=True,
            timeout=120,
            check=True,
        )


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(dom: str) -> str:
    """What a reader sees: the text outside script, style and title elements."""
    parser = _Text()
    parser.feed(dom)
    return " ".join(parser.parts)
