"""Model functions as they were before a faster rewrite: the definitions the tests in
``tests/test_model_reference.py`` hold the current code to."""

from __future__ import annotations

from rewriter.analyse.model import (
    _URL_PREFIXES,
    CopyStep,
    _absolute,
    _context_files,
    _expander_for,
    _flag_true,
    _is_broad,
    _is_heredoc_word,
    _state_expander,
    find_stage,
)


def copy_step(model, ins, state):
    syntax = ins.syntax
    escape = model.tree.escape
    plain = _expander_for(escape).plain
    expand_value = _state_expander(escape, state)
    flags: dict[str, str | None] = {}
    exclude: list[str] = []
    for flag in syntax.flags:
        name, value = flag.name, flag.value
        flags[name] = value
        if name == "exclude" and value is not None:
            exclude.append(expand_value(value))
    values = syntax.values
    heredocs = ins.heredocs
    if heredocs:
        heredoc_sources = [
            doc for value in values[:-1] for doc in heredocs if _is_heredoc_word(value, (doc,))
        ]
        words = [expand_value(v) if not _is_heredoc_word(v, heredocs) else None for v in values]
        sources = [w for w in words[:-1] if w is not None]
        dest = words[-1] if words and words[-1] is not None else ""
    else:  # (what the lines above give without heredocs; a plain word expands to itself)
        heredoc_sources = []
        sources = [v if plain(v) else expand_value(v) for v in values]
        dest = sources.pop() if sources else ""
    workdir = state.workdir
    destination = _absolute(dest, workdir) if dest else workdir
    if dest.endswith("/") and not destination.endswith("/"):
        destination += "/"
    from_ = flags.get("from")
    from_stage = find_stage(model.stages, from_, by_index=True) if from_ else None
    urls = [s for s in sources if s.startswith(_URL_PREFIXES)] if syntax.name == "add" else []
    chown = flags.get("chown")
    chmod = flags.get("chmod")
    step = CopyStep(
        instruction=ins,
        state=state,
        sources=sources,
        heredoc_sources=heredoc_sources,
        dest=dest,
        destination=destination,
        from_=from_,
        from_stage=from_stage,
        chown=expand_value(chown) if chown else None,
        chmod=expand_value(chmod) if chmod else None,
        link=_flag_true(flags, "link"),
        parents=_flag_true(flags, "parents"),
        exclude=exclude,
        flags=flags,
        urls=urls,
    )
    if from_ is None:
        context = model.context
        local = [s for s in sources if not s.startswith(_URL_PREFIXES)]
        step.broad = any(_is_broad(s, context) for s in local)
        if context is not None and local:
            step.context_files = _context_files(context, local)
    return step
