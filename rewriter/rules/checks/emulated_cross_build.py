"""DF302 emulated-cross-build: a builder stage compiles under emulation for the target platform
instead of cross-compiling on the build platform."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewriter.rules.base import Applicability, Edit, Finding, Fix, Rule, Severity
from rewriter.rules.checks.toolchain_in_final_stage import compile_steps
from rewriter.rules.context import RuleContext

#: Languages whose output is the same whatever platform compiled it (bytecode).
_PORTABLE = frozenset({"Java"})


class EmulatedCrossBuild(Rule):
    """A builder stage should run on `$BUILDPLATFORM` and cross-compile.

    ## What it does
    Finds a stage that compiles Go, Java, Rust, C or .NET, whose output is copied into the
    final image (`COPY --from`), and whose `FROM` has no `--platform`.

    ## Why it matters
    In a multi-platform build (`docker buildx build --platform linux/amd64,linux/arm64`) such
    a stage runs once per target platform, and every foreign one runs under QEMU emulation:
    often 5-20x slower, sometimes crashing the compiler. Go and the JVM produce the target's
    output from any platform, so the stage can run natively on the builder
    (`FROM --platform=$BUILDPLATFORM`) and cross-compile (`GOOS`/`GOARCH` for Go). Rust, C and
    .NET can do the same but need a cross toolchain set up first.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    FROM gcr.io/distroless/static
    COPY --from=build /out/app /app
    ```
    Use instead:
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ARG TARGETOS TARGETARCH
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    ```

    ## Fix
    Unsafe, for Go and Java only: `--platform=$BUILDPLATFORM` is added to the `FROM`; for Go,
    `ARG TARGETOS TARGETARCH` is declared after it (unless already declared) and each
    `go build`/`go install` gets `GOOS=$TARGETOS GOARCH=$TARGETARCH` unless it sets them.
    Not offered when cgo is explicitly enabled (cross-compiling cgo needs a C cross
    compiler) or a build runs in JSON form, nor for Java stages that run `jlink` or
    `native-image` (their output is platform-specific).
    """

    code = "DF302"
    name = "emulated-cross-build"
    severity = Severity.INFO
    fixes = (Applicability.UNSAFE,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        model = ctx.model
        final = model.final_stage
        if final is None:
            return
        copied = _copied_into(model, final)
        for stage in model.stages:
            if stage is final or stage not in copied or stage.base_stage is not None:
                continue
            if stage.from_instruction.flag_values("platform"):
                continue
            steps = compile_steps(model, stage)
            if not steps:
                continue
            languages = sorted({language for _, _, language in steps})
            fix = None
            if set(languages) <= {"Go"} | _PORTABLE:
                fix = _fix(ctx, stage, steps)
            yield ctx.finding(
                self,
                stage.from_instruction,
                f"Stage '{stage.label}' compiles {'/'.join(languages)} on the target platform "
                f"(emulated in multi-platform builds): use FROM --platform=$BUILDPLATFORM and "
                f"cross-compile",
                fix=fix,
            )


def _copied_into(model, final) -> set:
    """Stages whose files reach the final stage through COPY --from (directly or not)."""
    found: set = set()
    todo = [final]
    while todo:
        stage = todo.pop()
        for step in model.copies():
            source = step.from_stage
            if step.stage is stage and source is not None and source not in found:
                found.add(source)
                todo.append(source)
        if stage.base_stage is not None:
            todo.append(stage.base_stage)
    return found


def _fix(ctx: RuleContext, stage, steps) -> Fix | None:
    inst = stage.from_instruction
    if inst.start_line != inst.end_line or not inst.args:
        return None  # a bare `FROM` has no image to put the flag before (FROM--platform=...)
    at = inst.file_span(inst.flags[0].start, 0)[0] if inst.flags else inst.new_flag_offset()
    edits = [Edit.insert(at, "--platform=$BUILDPLATFORM ")]
    texts = " ".join(r.instruction.args for r, _, _ in steps)
    if re.search(r"\b(?:jlink|native-image)\b", texts):
        return None
    go_steps = [(r, item) for r, item, language in steps if language == "Go"]
    if go_steps:
        declared = {
            word.partition("=")[0] for i in stage.body if i.name == "arg" for word in i.values
        }
        missing = [n for n in ("TARGETOS", "TARGETARCH") if n not in declared]
        if missing:
            keyword = "ARG" if inst.keyword.isupper() else "arg"
            ending = "\r\n" if inst.lines[-1].text.endswith("\r\n") else "\n"
            indent = inst.lines[0].text[
                : len(inst.lines[0].text) - len(inst.lines[0].text.lstrip())
            ]
            prefix = "" if inst.lines[-1].text.endswith("\n") else ending
            edits.append(
                Edit.insert(
                    inst.end_offset, f"{prefix}{indent}{keyword} {' '.join(missing)}{ending}"
                )
            )
        for run, item in go_steps:
            state = run.state
            env = dict(state.variables)
            env.update(item.command.env())
            if env.get("CGO_ENABLED") == "1" or run.instruction.json:
                return None
            if "GOOS" in env or "GOARCH" in env:
                continue
            command = item.command
            first = (command.assignments or command.words)[0]
            span = item.script.file_span(first.start, first.end)
            if span is None or ctx.source[span[0] : span[1]] != first.raw:
                return None
            # A replacement, not an insertion: a mount flag another fix inserts at the same
            # offset in the same pass then lands before the assignment, never after it.
            edits.append(Edit(*span, "GOOS=$TARGETOS GOARCH=$TARGETARCH " + first.raw))
    return Fix(
        "Run the stage on the build platform and cross-compile",
        tuple(sorted(edits)),
        Applicability.UNSAFE,
        (
            "Multi-platform builds now compile natively on the builder; check the binaries on "
            "each target platform once.",
        ),
    )
