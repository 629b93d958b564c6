# Helpers shared by the npm, yarn and pnpm stand-ins (sourced after lib.sh).

# nl_manifest_deps OMIT_DEV: "name range" for package.json dependencies (+ devDependencies unless
# OMIT_DEV is 1), as every Node package manager reads them.
nl_manifest_deps() {
    si_json_flat package.json | awk -F '\t' -v omit="$1" '
        { split($1, k, "|") }
        k[1] == "dependencies" && k[3] == "" { print k[2], $2 }
        k[1] == "devDependencies" && k[3] == "" && omit != 1 { print k[2], $2 }'
}

# nl_dev_names: the names listed under devDependencies, one per line.
nl_dev_names() {
    si_json_section package.json devDependencies | cut -f1
}

# nl_install_modules LIST DIR: write DIR/node_modules/<name>/{package.json,index.js} for every
# "name version" line; the content names the version, so image comparisons see what was installed.
nl_install_modules() {
    local list=$1 dir=${2:-.} name version
    while read -r name version; do
        [ -n "$name" ] || continue
        si_put "$dir/node_modules/$name/package.json" "{\"name\": \"$name\", \"version\": \"$version\"}"
        si_put "$dir/node_modules/$name/index.js" "module.exports = \"$name@$version\";"
    done <"$list"
}

# nl_script NAME: the command of package.json scripts.NAME (empty when absent).
nl_script() {
    si_json_section package.json scripts | awk -F '\t' -v n="$1" '$1 == n { print $2; exit }'
}

# nl_run_script NAME MISSING_MESSAGE ARGS...: run a package.json script the way npm does: through
# sh, with node_modules/.bin on PATH. Exits with the script's status.
nl_run_script() {
    local name=$1 missing=$2 body
    shift 2
    si_require_file package.json "$missing"
    body=$(nl_script "$name")
    [ -n "$body" ] || si_die "$missing"
    echo "> $name"
    echo "> $body $*"
    PATH="$PWD/node_modules/.bin:$PATH" sh -c "$body \"\$@\"" "$name" "$@"
}

# nl_omit_dev_env: 1 when NODE_ENV=production makes installs skip devDependencies.
nl_omit_dev_env() {
    [ "${NODE_ENV:-}" = production ] && echo 1 || echo 0
}
