# Helpers shared by the python, pip, poetry, uv and pipenv stand-ins (sourced after lib.sh).
# An install writes <site>/<module>/__init__.py and <site>/<name>-<version>.dist-info/METADATA, so
# the image shows which versions were installed where.

PY_VERSION=$(sed -n 's/^version=//p' "$SI_LIB/python.conf" 2>/dev/null)
PY_VERSION=${PY_VERSION:-3.12}
PY_SYSTEM_PREFIX=$(sed -n 's/^prefix=//p' "$SI_LIB/python.conf" 2>/dev/null)
PY_SYSTEM_PREFIX=${PY_SYSTEM_PREFIX:-/usr/local}
# A venv's bin/ wrappers export STANDIN_PY_PREFIX, as running a venv's own pip selects that venv.
PY_PREFIX=${STANDIN_PY_PREFIX:-$PY_SYSTEM_PREFIX}

py_site() { echo "$1/lib/python$PY_VERSION/site-packages"; }
py_module() { echo "$1" | tr 'A-Z.-' 'a-z__'; }

# py_make_venv DIR: a virtual environment whose python/pip install into DIR.
py_make_venv() {
    local dir=$1 tool
    mkdir -p "$dir/bin" "$(py_site "$dir")"
    printf 'home = %s/bin\ninclude-system-site-packages = false\nversion = %s\n' \
        "$PY_SYSTEM_PREFIX" "$PY_VERSION" >"$dir/pyvenv.cfg"
    for tool in python python3 "python$PY_VERSION" pip pip3; do
        printf '#!/bin/sh\nSTANDIN_PY_PREFIX=%s exec %s/%s "$@"\n' "$dir" "$SI_LIB" "${tool%%[0-9.]*}" \
            >"$dir/bin/$tool"
        chmod +x "$dir/bin/$tool"
    done
    printf 'export VIRTUAL_ENV=%s\nexport PATH="%s/bin:$PATH"\n' "$dir" "$dir" >"$dir/bin/activate"
}

# py_install_list LIST SITE [BIN]: install every "name version" line into SITE; a package that has
# a stand-in command (poetry, uv, pipenv: kept in $SI_LIB/console under a name that does not look
# like the tool) also gets its console script in BIN.
py_install_list() {
    local list=$1 site=$2 bin=${3:-} name version
    while read -r name version; do
        [ -n "$name" ] || continue
        si_put "$site/$(py_module "$name")/__init__.py" "__version__ = \"$version\"  # $name (stand-in)"
        si_put "$site/$(py_module "$name")-$version.dist-info/METADATA" \
            "Metadata-Version: 2.1
Name: $name
Version: $version"
        case "$name" in
        poetry | uv | pipenv) [ -z "$bin" ] || { mkdir -p "$bin" && ln -sf "$SI_LIB/console/standin-$name" "$bin/$name"; } ;;
        esac
    done <"$list"
}

# py_requirements FILE: "name version" of a requirements file, following -r (and reading -c
# constraints for pins) relative to the file, skipping options, hashes and comments. A local path
# (".", "-e .", "./pkg") comes out as "@path <dir>".
py_requirements() {
    local file=$1 dir line spec
    si_require_file "$file" "ERROR: Could not open requirements file: [Errno 2] No such file or directory: '$file'"
    dir=$(dirname "$file")
    sed -e 's/#.*//' -e 's/\\$//' "$file" | while read -r line; do
        case "$line" in
        "" | --hash* | --index-url* | --extra-index-url* | -i\ * | --trusted-host* | --find-links* | --only-binary* | --no-binary* | --prefer-binary*) ;;
        -r\ * | --requirement\ * | --requirement=*) py_requirements "$dir/$(echo "${line#*[ =]}" | tr -d ' ')" ;;
        -r*) py_requirements "$dir/${line#-r}" ;;
        -c* | --constraint*) ;;
        -e\ * | --editable\ *) echo "@path $dir/${line#* }" ;;
        .* | /*) echo "@path ${line%% *}" ;;
        *)
            spec=${line%% --hash*}
            echo "$(si_pep_name "$spec") $(si_pep_version "$spec")" ;;
        esac
    done
}

# py_project_meta DIR: sets PROJ_NAME, PROJ_VERSION from pyproject.toml ([project] or
# [tool.poetry]) in DIR; fails like pip when the folder has no build description.
py_project_meta() {
    local flat
    [ -f "$1/pyproject.toml" ] || [ -f "$1/setup.py" ] ||
        si_die "ERROR: Directory '$1' is not installable. Neither 'setup.py' nor 'pyproject.toml' found."
    flat=$(si_toml_flat "$1/pyproject.toml" 2>/dev/null)
    PROJ_NAME=$(printf '%s\n' "$flat" | awk -F '\t' '$1 == "project|name" || $1 == "tool.poetry|name" { print $2; exit }')
    PROJ_VERSION=$(printf '%s\n' "$flat" | awk -F '\t' '$1 == "project|version" || $1 == "tool.poetry|version" { print $2; exit }')
    PROJ_NAME=$(si_pep_name "${PROJ_NAME:-$(basename "$(cd "$1" && pwd)")}")
    PROJ_VERSION=${PROJ_VERSION:-0.0.0}
}

# py_project_deps DIR [GROUPS]: "name version" of pyproject.toml's [project] dependencies, plus
# the PEP 735 / tool.uv dev groups when GROUPS says "dev".
py_project_deps() {
    si_toml_flat "$1/pyproject.toml" | awk -F '\t' -v g="${2:-}" '
        $1 ~ /^project\|dependencies\|/ { print $2 }
        g == "dev" && ($1 ~ /^dependency-groups\|dev\|/ || $1 ~ /^tool.uv\|dev-dependencies\|/) { print $2 }' |
        while read -r spec; do echo "$(si_pep_name "$spec") $(si_pep_version "$spec")"; done
}

# py_install_project DIR SITE EDITABLE: install the project in DIR itself (its package folder is
# copied, as a wheel build would; editable installs point a .pth file at the source instead).
py_install_project() {
    local dir=$1 site=$2 mod src
    py_project_meta "$dir"
    mod=$(py_module "$PROJ_NAME")
    mkdir -p "$site"
    if [ "$3" = 1 ]; then
        echo "$(cd "$dir" && pwd)$([ -d "$dir/src" ] && echo /src)" >"$site/__editable__.$mod.pth"
    else
        for src in "$dir/src/$mod" "$dir/$mod"; do
            if [ -d "$src" ]; then
                rm -rf "${site:?}/$mod" && cp -r "$src" "$site/$mod"
                break
            fi
        done
    fi
    si_put "$site/$mod-$PROJ_VERSION.dist-info/METADATA" "Metadata-Version: 2.1
Name: $PROJ_NAME
Version: $PROJ_VERSION"
    echo "Successfully installed $PROJ_NAME-$PROJ_VERSION"
}

# py_lock_packages FILE: "name version" of a poetry.lock / uv.lock ([[package]] tables).
py_lock_packages() {
    si_toml_flat "$1" | awk -F '\t' '
        $1 ~ /^package\|[0-9]+\|name$/ { split($1, k, "|"); name[k[2]] = $2; if (!(k[2] in seen)) { seen[k[2]] = 1; order[++n] = k[2] } }
        $1 ~ /^package\|[0-9]+\|version$/ { split($1, k, "|"); ver[k[2]] = $2 }
        END { for (i = 1; i <= n; i++) print name[order[i]], ver[order[i]] }' |
        while read -r name version; do echo "$(si_pep_name "$name") $version"; done
}

# py_lock_missing LOCKLIST DEPLIST: the names of DEPLIST that LOCKLIST lacks (one per line).
py_lock_missing() {
    awk -v f="$1" 'BEGIN { while ((getline l < f) > 0) { split(l, a, " "); have[a[1]] = 1 } }
        !($1 in have) { print $1 }' "$2"
}
