"""DF107 package-cache-without-mount."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Applicability, Finding, Fix, Rule, Severity
from rewriter.rules.context import RuleContext


class PackageCacheWithoutMount(Rule):
    """A package manager downloads into a cache that a cache mount would keep between builds.

    ## What it does
    Finds RUN instructions whose install, download or build command (apt-get, apk, dnf, npm,
    yarn, pnpm, pip, uv, poetry, pipenv, go, maven, gradle, ...) fills a cache folder that no
    `--mount=type=cache` covers. The folder is the one the tool really uses for this image: its
    USER, HOME and environment (`PIP_CACHE_DIR`, `GOMODCACHE`, `GRADLE_USER_HOME`...).

    ## Why it matters
    When the step re-runs (a manifest changed), everything is downloaded again. A cache mount
    keeps the downloads on the builder between builds, outside the image, so a rebuild after a
    one-line dependency change fetches one package instead of all of them, and the layer no
    longer carries the cache either.

    ## Example
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    Use instead:
    ```dockerfile
    RUN --mount=type=cache,target=/root/.cache/pip \\
        pip install -r requirements.txt
    ```

    A command that neither downloads nor installs from its cache (`pip install --no-index
    /wheels/*.whl`) is not reported; one that installs offline from it (`npm ci --offline`)
    is, and gets the mount of the step that fills the cache.

    ## Fix
    Safe, when every guard holds: the mount target is a literal path (Docker 20.10's built-in
    frontend does not expand variables in mount options); words that defeat the cache in the
    same RUN are removed (`--no-cache-dir`, `PIP_NO_CACHE_DIR=1`, `npm cache clean --force`,
    `rm -rf /var/lib/apt/lists/*`); apt gets `sharing=locked` mounts and the Debian
    `docker-clean` hook is moved aside during the RUN and put back after it; apk's `--no-cache`
    becomes `--cache-dir=/var/cache/apk --update-cache`. apt's package lists
    (`/var/lib/apt/lists`) are mounted only when the RUN runs `apt-get update` itself and either
    deletes them at its end or nothing after it (later RUNs, stages built on it, `COPY --from`,
    a CMD running apt) reads them without the same mount; otherwise only `/var/cache/apt` is
    mounted and the fix's notes say why. For stores that later steps read (Go modules, `~/.m2`,
    the Gradle caches, Cargo, NuGet), and for caches a RUN installs from offline, every RUN of
    the stage, its base stages and the stages built on them that uses it gets the same mount, or
    none does. Gradle gets `~/.gradle/caches` (and `~/.gradle/wrapper` for `gradlew`), never
    the whole user home, whose `gradle.properties` or `init.d` the build may read.

    Unsafe for a non-root USER (the mount gets its `uid`/`gid`): Docker before 23 (BuildKit
    before 0.11) leaves an empty, root-owned folder at the mount target in the image when the
    image did not have one, and the user can no longer write there when the container runs.
    No fix, and the message says why, when the file must build with the legacy builder, the
    uid or HOME is unknown, something reads the cache folder, or the RUN is in exec form or a
    here-document.
    """

    code = "DF107"
    name = "package-cache-without-mount"
    severity = Severity.INFO
    fixes = (Applicability.SAFE, Applicability.UNSAFE)
    hadolint = ()
    buildkit = ()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from rewriter.fixes.cache_mounts import (
            MountPlan,
            mount_edits,
            plan_cache_mounts,
            wanted_caches,
        )
        from rewriter.fixes.features import syntax_directive_edit

        model = ctx.model
        for run in model.runs():
            wanted = wanted_caches(run, model)
            if not wanted:
                continue
            tools = ", ".join(dict.fromkeys(f"`{_tool_name(w.command)}`" for w in wanted))
            folders = ", ".join(w.path for w in wanted)
            if any(w.command.action.downloads for w in wanted):
                message = f"{tools} downloads into {folders} on every rebuild: use a cache mount"
            else:  # `npm ci --offline`: it needs the mount the step that fills the cache has
                message = (
                    f"{tools} installs offline from {folders}: use the cache mount of the step "
                    "that fills it"
                )
            plan = plan_cache_mounts(
                model, run, legacy_builder=ctx.settings.legacy_builder, wanted=wanted
            )
            if not isinstance(plan, MountPlan):
                yield ctx.finding(self, run.instruction, f"{message} (no fix: {plan.reason})")
                continue
            edits = []
            refusal = None
            for run_plan in plan.runs:
                result = mount_edits(ctx.source, ctx.tree.escape, run_plan)
                if not isinstance(result, list):
                    refusal = result
                    break
                edits.extend(result)
            features = ["run-mount-cache"]
            mounts = [m for p in plan.runs for m in p.mounts]
            if any(m.sharing for m in mounts):
                features.append("mount-cache-sharing")
            if any(m.uid is not None for m in mounts):
                features.append("mount-cache-uid-gid")
            if refusal is None:
                try:
                    directive = syntax_directive_edit(ctx.tree, ctx.source, tuple(features))
                except ValueError as exc:
                    refusal_text = str(exc)
                    yield ctx.finding(self, run.instruction, f"{message} (no fix: {refusal_text})")
                    continue
                if directive is not None:
                    edits.append(directive)
            if refusal is not None:
                yield ctx.finding(self, run.instruction, f"{message} (no fix: {refusal.reason})")
                continue
            targets = ", ".join(m.target for m in plan.mounts)
            title = f"Add a cache mount ({targets})"
            if len(plan.runs) > 1:
                lines = ", ".join(str(p.run.instruction.start_line) for p in plan.runs[1:])
                title += f" here and on line(s) {lines}, which use the same cache"
            notes = plan.notes
            applicability = Applicability.SAFE
            unsafe = plan.unsafe_reason
            if unsafe is not None:
                applicability = Applicability.UNSAFE
                title += " (unsafe before Docker 23: the empty mount folder is owned by root)"
                notes = [unsafe, *notes]
            fix = Fix(title, tuple(sorted(edits)), applicability, tuple(notes))
            yield ctx.finding(self, run.instruction, message, fix=fix)


def _tool_name(command) -> str:
    """The package manager as the user called it: ``./mvnw`` for ``sh ./mvnw package``, the
    tool rather than ``sudo``/``env`` in front of it."""
    words = command.command.words
    tool = command.action.tool
    for word in words:
        base = (word.value or "").rsplit("/", 1)[-1]
        if base == tool or base.startswith(tool):
            return word.value or tool
    return command.command.name or tool
