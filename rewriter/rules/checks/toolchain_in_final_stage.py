"""DF301 toolchain-in-final-stage: a compiled-language build runs in the final image."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.analyse.packages import DEPENDENCY_INSTALL
from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

#: Package-tool builds that compile a program (tool -> language for the message).
COMPILING_TOOLS = {"go": "Go", "mvn": "Java", "gradle": "Java", "cargo": "Rust", "dotnet": ".NET"}
#: Compilers called directly.
COMPILERS = {
    "javac": "Java",
    "gcc": "C",
    "g++": "C++",
    "cc": "C",
    "c++": "C++",
    "clang": "C",
    "clang++": "C++",
    "rustc": "Rust",
    "make": "C",
}
#: Subcommands that check rather than produce the program.
_CHECKS = frozenset({"test", "vet", "check", "clippy"})
#: Package-manager subcommands that uninstall packages, by ecosystem (``PackageAction``).
_REMOVALS = {
    "deb": frozenset({"purge", "remove", "autoremove"}),
    "apk": frozenset({"del"}),
    "rpm": frozenset({"remove", "erase", "autoremove"}),
}


def compile_steps(model, stage) -> list[tuple[object, object, str]]:
    """``(run, run_command, language)`` for each command of ``stage`` that compiles a program."""
    found = []
    for run in model.runs():
        if run.stage is not stage:
            continue
        for item in run.commands:
            action = item.action
            if action is not None and action.kind == "build" and action.tool in COMPILING_TOOLS:
                if (action.subcommand or "") in _CHECKS:
                    continue
                found.append((run, item, COMPILING_TOOLS[action.tool]))
                continue
            name = item.command.name
            if name in COMPILERS:
                argv = [a or "" for a in item.command.argv[1:]]
                if name == "make" and any(a in ("install", "clean", "check", "test") for a in argv):
                    continue
                found.append((run, item, COMPILERS[name]))
    return found


def builds_with_temporary_toolchain(run, item, stage) -> bool:
    """Whether ``item`` compiles C with a toolchain its own RUN installs and then removes.

    The pattern of the official images (``apk add --virtual .build-deps gcc make ...; make;
    make install; apk del .build-deps``): the compiler is gone when the layer is written, so it
    does not ship. Only for C compilers, only when the stage's image brings no C toolchain of
    its own (``buildpack-deps``, ``gcc``, ``golang``... keep theirs), and only when the install
    comes before the compile and the removal after it in the same RUN: a removal in a later RUN
    leaves the toolchain in the earlier layer.
    """
    if item.command.name not in COMPILERS or COMPILERS[item.command.name] not in ("C", "C++"):
        return False
    if "gcc" in stage.toolchains:
        return False
    commands = list(run.commands)
    at = next(i for i, c in enumerate(commands) if c is item)
    actions = [c.action for c in commands]
    installed = any(
        a is not None and a.kind == DEPENDENCY_INSTALL and a.ecosystem in _REMOVALS
        for a in actions[:at]
    )
    removed = any(
        a is not None and (a.subcommand or "") in _REMOVALS.get(a.ecosystem or "", ())
        for a in actions[at + 1 :]
    )
    return installed and removed


class ToolchainInFinalStage(Rule):
    """A compiled program is built in the final stage, so the toolchain ships in the image.

    ## What it does
    Finds `go build`, `mvn package`, `gradle build`, `cargo build`, `dotnet publish`, `javac`,
    `gcc`/`make` (not `make install`) running in the final stage, or in a stage the final stage
    is built `FROM`. A C build whose RUN installs the compiler and removes it again afterwards
    (`apk add --virtual .build-deps gcc make ...; make; apk del .build-deps`, as the official
    images do) is not reported: nothing of the toolchain is left in that layer.

    ## Why it matters
    Everything needed to compile (the SDK, compilers, headers, the dependency cache and the
    sources) then ends up in the image that runs in production: hundreds of megabytes more to
    pull, more packages for scanners to flag, more tools for an attacker to use. A multi-stage
    build compiles in a builder stage and copies only the result into a small runtime image.

    ## Example
    ```dockerfile
    FROM golang:1.22
    WORKDIR /src
    COPY . .
    RUN go build -o /usr/local/bin/app .
    CMD ["app"]
    ```
    Use instead:
    ```dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/app /app
    CMD ["/app"]
    ```

    ## Fix
    None: choosing the runtime image and what to copy into it is a design change (a native
    library, a config file or a runtime the program needs can be missed).
    """

    code = "DF301"
    name = "toolchain-in-final-stage"
    severity = Severity.INFO

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        model = ctx.model
        stage = model.final_stage
        reported: set[str] = set()
        while stage is not None:
            for run, item, language in compile_steps(model, stage):
                if language in reported or builds_with_temporary_toolchain(run, item, stage):
                    continue
                reported.add(language)
                span = item.span
                yield ctx.finding(
                    self,
                    span or run.instruction,
                    f"'{item.command.name}' compiles {language} in the final image, so the "
                    f"toolchain and sources ship with it: build in a separate stage and COPY "
                    f"--from only the result",
                )
            stage = stage.base_stage
