"""Output of ``dfopt parse``: the tree as text, JSON Lines or BuildKit's dump format.

Errors go to the same stream as results in JSON mode (one object per file, so a tool reading
the stream sees every file), and to stderr as ``file:line:col: message`` otherwise.
"""

from __future__ import annotations

import json
import sys

from rewriter.parser import Dockerfile, ParseError, parse, parse_file
from rewriter.parser.dump import dump_buildkit, go_quote, tree_json


def _load(path: str) -> Dockerfile:
    if path == "-":
        from rewriter.parser import decode

        try:
            return parse(decode(sys.stdin.buffer.read()))
        except ParseError as exc:
            raise exc.with_file("<stdin>") from None
    return parse_file(path)


def _outline(tree: Dockerfile) -> str:
    out = []
    for d in tree.directives:
        out.append(f"{d.line}: directive {d.name}={d.value}")
    for inst in tree.instructions:
        span = f"{inst.start_line}" + (
            f"-{inst.end_line}" if inst.end_line != inst.start_line else ""
        )
        flags = "".join(f" {go_quote(f.text)}" for f in inst.flags)
        form = " (json)" if inst.json else ""
        values = " ".join(go_quote(v) for v in inst.values)
        for child in inst.children:
            values = f"{child.keyword.upper()} " + " ".join(go_quote(v) for v in child.values)
        out.append(f"{span}: {inst.keyword.upper()}{flags}{form} {values}".rstrip())
        for h in inst.heredocs:
            out.append(f"    heredoc <<{h.name} lines {h.start_line}-{h.end_line}")
    return "\n".join(out) + "\n"


def _model_data(tree: Dockerfile, path: str, context: str | None) -> dict:
    from pathlib import Path

    from rewriter.analyse.context import scan_context
    from rewriter.analyse.model import build_model, model_json

    folder = Path(context) if context else (Path.cwd() if path == "-" else Path(path).parent)
    build_context = scan_context(folder) if folder.is_dir() else None
    return model_json(build_model(tree, context=build_context))


def _model_outline(data: dict) -> str:
    out = []
    for stage in data["stages"]:
        name = f" AS {stage['name']}" if stage.get("name") else ""
        flags = [k for k in ("final", "used") if stage.get(f"is_{k}", stage.get(k))]
        out.append(
            f"stage {stage['index']}{name}: FROM {stage.get('base')} "
            f"(family {stage.get('family')}, toolchains {', '.join(stage.get('toolchains') or [])})"
            + (f" [{', '.join(flags)}]" if flags else "")
        )
    for run in data.get("runs", []):
        for cmd in run.get("commands", []):
            action = cmd.get("action") or {}
            if action:
                out.append(
                    f"  line {run.get('line')}: {action.get('tool')} {action.get('kind')}"
                    f" reads {', '.join(action.get('manifests') or []) or '-'}"
                    f"; cache {', '.join(action.get('cache_dirs') or []) or '-'}"
                )
    return "\n".join(out) + "\n"


def print_parse_results(
    paths: tuple[str, ...], fmt: str, *, model: bool = False, context: str | None = None
) -> int:
    status = 0
    out = sys.stdout
    for path in paths:
        name = "<stdin>" if path == "-" else path
        try:
            tree = _load(path)
        except ParseError as exc:
            status = 2
            if fmt == "json":
                out.write(json.dumps({"file": name, "error": exc.to_dict()}) + "\n")
            else:
                print(str(exc.with_file(exc.file or name)), file=sys.stderr)
            continue
        if fmt == "json":
            data = tree_json(tree, name)
            if model:
                data["model"] = _model_data(tree, path, context)
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
        elif fmt == "buildkit":
            out.write(dump_buildkit(tree))
        else:
            if len(paths) > 1:
                out.write(f"==> {name} <==\n")
            out.write(_outline(tree))
            if model:
                out.write(_model_outline(_model_data(tree, path, context)))
    return status
