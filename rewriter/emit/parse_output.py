"""Output of ``dfopt parse``: the tree as text, JSON Lines or BuildKit's dump format.

Errors go to the same stream as results in JSON mode (one object per file, so a tool reading
the stream sees every file), and to stderr as ``file:line:col: message`` otherwise.
"""

from __future__ import annotations

import json
import sys

from rewriter.parser import Dockerfile, ParseError, parse, read_source
from rewriter.parser.dump import dump_buildkit, go_quote, tree_json


def _load(path: str) -> Dockerfile:
    if path == "-":
        from rewriter.parser import decode

        try:
            return parse(decode(sys.stdin.buffer.read()))
        except ParseError as exc:
            raise exc.with_file("<stdin>") from None
    text = read_source(path)
    try:
        return parse(text)
    except ParseError as exc:
        raise exc.with_file(path) from None


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


def print_parse_results(paths: tuple[str, ...], fmt: str) -> int:
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
            out.write(json.dumps(tree_json(tree, name), ensure_ascii=False) + "\n")
        elif fmt == "buildkit":
            out.write(dump_buildkit(tree))
        else:
            if len(paths) > 1:
                out.write(f"==> {name} <==\n")
            out.write(_outline(tree))
    return status
