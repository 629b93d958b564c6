"""DF205 final-stage-runs-as-root: the image's containers start as root."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.analyse.images import WINDOWS, parse_image_ref
from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

#: Images (registry/path prefixes) whose default user is not root.
_NON_ROOT_IMAGES = (
    "bitnami/",
    "nginxinc/nginx-unprivileged",
    "cgr.dev/chainguard/",
)


class FinalStageRunsAsRoot(Rule):
    """The final image runs as root.

    ## What it does
    Finds a final stage with no `USER` instruction (in it or in the stages it is built
    `FROM`), or whose last `USER` is `root` or `0`. Images known to default to a non-root user
    (distroless `:nonroot`, Chainguard, Bitnami, `nginx-unprivileged`) and a numeric `USER` in
    `FROM scratch` images are not reported. A `USER` set from a variable is not judged.

    ## Why it matters
    A process running as root in a container is root on the container's filesystem and, after
    any container escape, much closer to root on the host. Running as an unprivileged user
    limits what a compromised application can do; many clusters refuse root containers.

    ## Example
    ```dockerfile
    FROM node:20-slim
    COPY . /app
    CMD ["node", "/app/server.js"]
    ```
    Use instead:
    ```dockerfile
    FROM node:20-slim
    COPY --chown=node:node . /app
    USER node
    CMD ["node", "/app/server.js"]
    ```

    ## Fix
    None: adding a `USER` the image may not have (or that cannot read the application's
    files) is never automatic.
    """

    code = "DF205"
    name = "final-stage-runs-as-root"
    severity = Severity.WARNING
    hadolint = ("DL3002",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        model = ctx.model
        final = model.final_stage
        if final is None or final.family == WINDOWS:
            return
        last_user = None
        stage = final
        while stage is not None and last_user is None:
            users = [i for i in stage.body if i.name == "user" and i.values]
            if users:
                last_user = users[-1]
            elif stage.base_stage is None:
                break
            stage = stage.base_stage
        if last_user is None:
            root = final.root_image
            if _non_root_image(root):
                return
            yield ctx.finding(
                self,
                final.from_instruction,
                "The final stage sets no USER, so containers run as root: add a USER "
                "that exists in the image",
            )
            return
        user = _user_after(model, last_user)
        if user is None or "$" in user:
            return
        name = user.split(":", 1)[0]
        if name in ("root", "0"):
            yield ctx.finding(
                self,
                last_user,
                f"The last USER of the final stage is '{user}', so containers run as root: "
                f"switch to an unprivileged user before the end",
            )


def _user_after(model, inst) -> str | None:
    """The user a USER instruction sets, after variable expansion (None when unknown)."""
    raw = inst.values[0]
    if "$" not in raw:
        return raw
    stage = model.stage_of(inst)
    body = stage.body
    index = body.index(inst)
    if index + 1 < len(body):
        return model.state_of(body[index + 1]).user
    return stage.end_state.user if stage.end_state else None


def _non_root_image(image: str) -> bool:
    ref = parse_image_ref(image)
    full = f"{ref.registry}/{ref.path}" if ref.registry else ref.path
    tag = ref.tag or ""
    if full.startswith("gcr.io/distroless/"):
        return "nonroot" in tag
    if full.startswith("cgr.dev/chainguard/"):
        return not tag.endswith("-dev") and tag != "dev"
    return any(full.startswith(prefix) for prefix in _NON_ROOT_IMAGES)
