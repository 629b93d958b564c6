"""DF106 package-cache-left-in-layer."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

#: tool -> (cache that must not stay in the layer, what to do about it without a mount)
_CHECKED = {
    "apt-get": ("apt-lists", "`rm -rf /var/lib/apt/lists/*` in the same RUN"),
    "apk": ("apk", "`apk add --no-cache`"),
    "pip": ("pip", "`--no-cache-dir`"),
    "npm": ("npm", "`npm cache clean --force` in the same RUN"),
    "yarn": ("yarn", "`yarn cache clean` in the same RUN"),
    "dnf": ("dnf", "`dnf clean all` in the same RUN"),
    "yum": ("yum", "`yum clean all` in the same RUN"),
    "microdnf": ("microdnf", "`microdnf clean all` in the same RUN"),
}


class PackageCacheLeftInLayer(Rule):
    """A package manager's cache stays in the image layer.

    ## What it does
    Finds installs (`apt-get install`, `apk add`, `pip install`, `npm ci`, `yarn install`,
    `dnf`/`yum install`) in a stage that ends up in the image, whose cache is neither cleaned in
    the same RUN nor kept out of the layer by a cache mount. It stays quiet when a
    `--mount=type=cache` (or any mount) covers the cache folder.

    ## Why it matters
    The downloaded packages and indexes are stored in the layer for ever, often tens or hundreds
    of megabytes, and a cleanup in a later RUN cannot shrink an earlier layer.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```
    Use instead (better still, a cache mount, see DF107):
    ```dockerfile
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    None here: DF107's fix adds a cache mount, which keeps the cache out of the layer *and*
    between builds.
    """

    code = "DF106"
    name = "package-cache-left-in-layer"
    severity = Severity.WARNING
    hadolint = ("DL3009", "DL3019", "DL3042", "DL3060", "DL3040", "DL3032")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from rewriter.fixes.apt_lists import later_lists_reader
        from rewriter.fixes.cache_mounts import covering_mount

        model = ctx.model
        shipped = _shipped_stages(model)
        for run in model.runs():
            if run.stage not in shipped:
                continue
            actions = run.actions
            defeated = None  # built at the first install this rule checks (most RUNs have none)
            for action in actions:
                checked = _CHECKED.get(action.tool)
                if checked is None or action.kind != "dependency-install":
                    continue
                if not action.uses_cache:  # `pip install --no-index /wheels/*.whl`
                    continue
                cache, advice = checked
                if defeated is None:
                    defeated = {d.defeats for a in actions for d in a.cache_defeaters}
                if cache in defeated:
                    continue
                folder = "/var/lib/apt/lists" if cache == "apt-lists" else None
                if folder and later_lists_reader(model, run) is not None:
                    continue  # a later step installs from them: they are not a leftover
                folders = [folder] if folder else list(action.cache_dirs)
                if not folders or any(covering_mount(run, f) is not None for f in folders):
                    continue
                yield ctx.finding(
                    self,
                    run.instruction,
                    f"`{action.command.name} {action.subcommand or ''}`".replace(" `", "`")
                    + f" leaves its cache ({folders[0]}) in the layer: use a cache mount or "
                    + advice,
                )
                break


def _shipped_stages(model) -> set:
    """The final stage and the stages it is built FROM (their layers are in the image)."""
    stage = model.final_stage
    found = set()
    while stage is not None:
        found.add(stage)
        stage = stage.base_stage
    return found
