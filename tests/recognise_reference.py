"""``_recognise_tool`` as it was before its tool-specific branches became adjusters
(``recognise._ADJUSTERS``) and its result was built positionally: the definition
``tests/test_packages_recognise_reference.py`` holds the current code to."""

from __future__ import annotations

import posixpath

from rewriter.analyse.packages.model import (
    BUILD,
    CLEANUP,
    DEPENDENCY_INSTALL,
    DOWNLOAD,
    OTHER,
    CacheDefeater,
    PackageAction,
)
from rewriter.analyse.packages.recognise import (
    _FIXED_DIRS,
    _GLOBAL_FLAGS,
    _NO_FLAGS,
    _PYTHON_PROJECT,
    _TRUE,
    _cleanup_targets,
    _defeaters,
    _go_adjust,
    _python_locals,
    _scan,
    _subcommand,
    cache_dir,
)


def recognise_tool(
    tool,
    cmd,
    args,
    prefix_words,
    env,
    home,
    user,
    directory,
):
    positionals, options = _scan(args, tool.value_options, tool.single_dash_long)
    flags = {o.name for o in options} if options else _NO_FLAGS
    name, sub, used = _subcommand(tool, positionals)
    packages = tuple(positionals[used:]) if not tool.goals else ()
    if tool.dir_options:
        for option in options:
            if option.name in tool.dir_options and option.value and directory is not None:
                directory = posixpath.normpath(posixpath.join(directory, option.value))
            elif option.name in tool.dir_options:
                directory = None
    if sub is None:
        return PackageAction(
            tool.tool,
            tool.ecosystem,
            OTHER,
            cmd,
            subcommand=name,
            packages=packages,
            directory=directory,
            cache_defeaters=_defeaters(tool, cmd, options, prefix_words, env, None),
        )
    kind = sub.with_packages_kind if packages and sub.with_packages_kind else sub.kind
    manifests = list(sub.manifests)
    optional = list(sub.optional)
    needs_sources = sub.needs_sources and flags.isdisjoint(sub.no_source_flags)
    lockfile = sub.lockfile or not flags.isdisjoint(sub.lockfile_flags)
    offline = not flags.isdisjoint(sub.offline_flags)
    downloads = sub.downloads and not offline
    caches = tool.caches if sub.caches is None else [c for c in tool.caches if c.name in sub.caches]

    if tool.ecosystem == "python" and name in ("install", "sync", "download", "wheel"):
        needs_sources, local = _python_locals(positionals[used:], options, needs_sources)
        if local:
            optional.extend(p for p in _PYTHON_PROJECT if p not in optional)
        manifests.extend(
            o.value for o in options if o.name in tool.manifest_flags and o.value is not None
        )
        if tool.tool == "pip" and env.get("PIP_REQUIRE_HASHES", "").lower() in _TRUE:
            lockfile = True
        if tool.tool == "uv" and name == "sync" and not sub.manifests:  # uv pip sync req.txt
            manifests.extend(w.value for w in packages if w.value is not None)
    elif tool.tool == "go":
        kind, manifests, optional, needs_sources, downloads = _go_adjust(
            name, packages, options, env, kind, manifests, optional, needs_sources, downloads
        )
    elif tool.tool == "cargo" and name == "install" and "--path" not in flags and packages:
        kind, manifests, optional, needs_sources = DEPENDENCY_INSTALL, [], [], False
    elif tool.tool in ("mvn",) and {"-f", "--file"} & flags:
        manifests = [o.value for o in options if o.name in ("-f", "--file") and o.value]
    elif tool.tool == "bundle" and any(
        env.get(v, "").lower() in _TRUE for v in ("BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT")
    ):
        lockfile = True
    if tool.tool == "cargo" and "--manifest-path" in flags:
        manifests = [o.value for o in options if o.name == "--manifest-path" and o.value]
    if tool.ecosystem == "node" and (
        flags & _GLOBAL_FLAGS
        or any(o.name == "--location" and o.value == "global" for o in options)
    ):
        manifests, optional, needs_sources = [], [], False
    # A call that goes offline some other way (go's -mod=vendor, GOPROXY=off) still builds
    # with its caches; only an offline flag of a tool that never reads its cache offline
    # (pip --no-index) leaves them unused.
    uses_cache = downloads or (sub.downloads and (not offline or sub.offline_reads_cache))
    if kind == CLEANUP:
        defeated = _cleanup_targets(tool, name, flags, caches)
        caches = [c for c in tool.caches if c.name in defeated]
        if not defeated:
            kind = OTHER
    lockfile_alternative = sub.lockfile_alternative and not lockfile and not packages
    cache_dirs = tuple(
        d
        for c in caches
        if (
            d := _FIXED_DIRS.get(id(c))
            or cache_dir(c, env=env, home=home, user=user, directory=directory, options=options)
        )
    )
    defeaters = _defeaters(tool, cmd, options, prefix_words, env, caches)
    if kind == CLEANUP:
        defeaters += tuple(
            CacheDefeater(c.name, f"`{name}` empties the {c.name} cache", cmd.start, cmd.end,
                          command=cmd)
            for c in caches
        )  # fmt: skip
    return PackageAction(
        tool=tool.tool,
        ecosystem=tool.ecosystem,
        kind=kind,
        command=cmd,
        subcommand=name,
        installs_from_lockfile=lockfile and kind in (DEPENDENCY_INSTALL, DOWNLOAD, BUILD),
        lockfile_mode_available=lockfile_alternative,
        manifests=tuple(dict.fromkeys(manifests)),
        optional_manifests=tuple(dict.fromkeys(optional)),
        needs_sources=needs_sources,
        cache_dirs=tuple(dict.fromkeys(cache_dirs)),
        cache_defeaters=defeaters,
        downloads=downloads,
        uses_cache=uses_cache and bool(cache_dirs),
        packages=packages,
        directory=directory,
    )
