"""DF110 add-url-without-checksum."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext


class AddUrlWithoutChecksum(Rule):
    """`ADD` downloads a URL without `--checksum`.

    ## What it does
    Finds `ADD https://...` (and `http://`) sources of an ADD that has no `--checksum` flag.
    Git repositories (`.git` URLs, `git@`) are not reported.

    ## Why it matters
    Without a checksum nothing verifies what was downloaded: a compromised or changed file goes
    straight into the image. BuildKit also has to fetch the URL on every build to learn whether
    it changed, and when it did every later step rebuilds. With `--checksum=sha256:...` the
    content is pinned, verified, and the cache key is known without a download.

    ## Example
    ```dockerfile
    ADD https://example.com/tool.tar.gz /opt/
    ```
    Use instead:
    ```dockerfile
    ADD --checksum=sha256:<digest> https://example.com/tool.tar.gz /opt/
    ```

    ## Fix
    None: dfopt does not download anything, so it cannot know the digest. `--checksum` needs
    `# syntax=docker/dockerfile:1.6` or later (or `:1`).
    """

    code = "DF110"
    name = "add-url-without-checksum"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for copy in ctx.model.copies():
            if not copy.is_add or "checksum" in copy.flags:
                continue
            for url in copy.urls:
                lower = url.lower()
                if not lower.startswith(("http://", "https://")):
                    continue
                if lower.split("#", 1)[0].split("?", 1)[0].endswith(".git"):
                    continue
                yield ctx.finding(
                    self,
                    copy.instruction,
                    f"ADD downloads {url} without --checksum: the content is not verified",
                )
