# Shared helpers of the stand-in package managers (sourced by every tool, never run).
#
# The stand-ins exist so that real BuildKit can build real Dockerfiles offline: they read the same
# manifests and lockfiles as the real tools, fail the same way when one is missing, install
# deterministic files, and keep downloads in the real tool's cache folder, so that a cache mount can
# be seen to be warm ("standin-npm: cache hit 3/3") and an offline install with a cold cache fails.
# A simulated download costs STANDIN_COST seconds per package (env, else /etc/standin/cost, else 0).
# Written for busybox ash: POSIX sh plus `local`.

SI_LIB=/usr/local/lib/standin
: "${HOME:=/root}"
SI_TOOL=${SI_TOOL:-standin}

si_say() { echo "standin-$SI_TOOL: $*"; }
si_die() {
    printf '%s\n' "$*" >&2
    exit "${SI_RC:-1}"
}

# si_truthy VALUE: true for 1/true/yes/on (any case), like most tools read boolean env vars.
si_truthy() {
    case "$(echo "${1:-}" | tr 'A-Z' 'a-z')" in
    1 | true | yes | on) return 0 ;;
    esac
    return 1
}

# si_pay UNITS: sleep UNITS x STANDIN_COST seconds (simulated download or compile time).
si_pay() {
    local per secs
    per=${STANDIN_COST:-}
    [ -n "$per" ] || per=$(cat /etc/standin/cost 2>/dev/null || echo 0)
    secs=$(awk -v c="$per" -v u="${1:-1}" 'BEGIN { t = c * u; if (t > 0) printf "%.3f", t }')
    [ -z "$secs" ] || sleep "$secs"
}

si_put() { # si_put FILE CONTENT: write a file, creating its folder
    mkdir -p "$(dirname "$1")" && printf '%s\n' "$2" >"$1"
}

si_hash() { # si_hash FILE...: short content hash of files (missing files hash as empty)
    cat "$@" 2>/dev/null | sha256sum | cut -c1-12
}

# si_fetch CACHE_ROOT OFFLINE LIST
#   LIST holds "name version" lines. The calling tool defines si_cache_file ROOT NAME VERSION
#   (where its real counterpart keeps that download) and si_offline_missing "name@version ..." (its
#   real error). An empty CACHE_ROOT means the cache is disabled. Reports hits on stdout and sets
#   SI_HITS / SI_TOTAL / SI_DOWNLOADED.
si_fetch() {
    local root=$1 offline=$2 list=$3 name version f missing=""
    SI_HITS=0 SI_TOTAL=0 SI_DOWNLOADED=0
    while read -r name version; do
        [ -n "$name" ] || continue
        SI_TOTAL=$((SI_TOTAL + 1))
        f=""
        if [ -n "$root" ]; then
            f=$(si_cache_file "$root" "$name" "$version")
            if [ -f "$f" ]; then
                SI_HITS=$((SI_HITS + 1))
                continue
            fi
        fi
        if [ "$offline" = 1 ]; then
            missing="$missing $name@$version"
            continue
        fi
        si_pay 1
        SI_DOWNLOADED=$((SI_DOWNLOADED + 1))
        [ -z "$f" ] || si_put "$f" "$name@$version (stand-in download)"
    done <"$list"
    if [ -n "$root" ]; then
        si_say "cache hit $SI_HITS/$SI_TOTAL ($root)"
    else
        si_say "cache disabled"
    fi
    si_say "downloaded $SI_DOWNLOADED package(s)"
    [ -z "$missing" ] || si_offline_missing "${missing# }"
}

# si_json_flat FILE: flatten JSON to "key|key|...<TAB>value" lines, one per scalar (arrays use
# 0-based indexes as keys). Enough JSON for manifests and lockfiles; not a validator.
si_json_flat() {
    awk '
    { text = text $0 "\n" }
    function path(   p, d) { p = ""; for (d = 1; d <= depth; d++) p = p (d > 1 ? "|" : "") key[d]; return p }
    function emit(v) { print path() "\t" v }
    END {
        n = length(text); depth = 0; i = 1
        while (i <= n) {
            c = substr(text, i, 1)
            if (c == "\"") {
                s = ""; j = i + 1
                while (j <= n) {
                    d = substr(text, j, 1)
                    if (d == "\\") { s = s substr(text, j + 1, 1); j += 2; continue }
                    if (d == "\"") break
                    s = s d; j++
                }
                i = j + 1
                k = i
                while (substr(text, k, 1) ~ /[ \t\r\n]/) k++
                if (substr(text, k, 1) == ":") { key[depth] = s; i = k + 1; continue }
                emit(s); continue
            }
            if (c == "{") { depth++; arr[depth] = 0; key[depth] = "" }
            else if (c == "[") { depth++; arr[depth] = 1; idx[depth] = 0; key[depth] = 0 }
            else if (c == "}" || c == "]") depth--
            else if (c == "," && arr[depth]) key[depth] = ++idx[depth]
            else if (c ~ /[-0-9tfn]/) {
                v = c; i++
                while (substr(text, i, 1) ~ /[-+.0-9a-zA-Z]/) { v = v substr(text, i, 1); i++ }
                emit(v); continue
            }
            i++
        }
    }' "$1"
}

# si_json_section FILE PREFIX: "name<TAB>value" of the scalars directly under PREFIX (e.g.
# "dependencies"), in file order.
si_json_section() {
    si_json_flat "$1" | awk -F '\t' -v p="$2|" 'index($1, p) == 1 {
        k = substr($1, length(p) + 1); if (index(k, "|") == 0) print k "\t" $2 }'
}

# si_toml_flat FILE: flatten TOML to "table|key<TAB>value" lines. [[array]] tables are numbered
# (package|0|name), array values get indexes (project|dependencies|0), and an inline table value
# such as `{ version = "^1.2" }` or `{ name = "x" }` yields its version / name.
si_toml_flat() {
    awk '
    function unq(s) { gsub(/^[ \t]*["\047]?|["\047]?[ \t,]*$/, "", s); return s }
    function inline(s,   m) {
        if (match(s, /(version|name)[ \t]*=[ \t]*"[^"]*"/)) {
            m = substr(s, RSTART, RLENGTH); sub(/^[^"]*"/, "", m); sub(/"$/, "", m); return m
        }
        return ""
    }
    function item(s) {
        if (s ~ /^[ \t]*\{/) return inline(s)
        if (match(s, /"[^"]*"|\047[^\047]*\047/)) return substr(s, RSTART + 1, RLENGTH - 2)
        return ""
    }
    function items(s,   n, parts, j, v) {
        gsub(/^[ \t]*\[|\][ \t,]*$/, "", s)
        n = split(s, parts, /,[ \t]*/)
        for (j = 1; j <= n; j++) { v = item(parts[j]); if (v != "") print sec "|" akey "|" ai++ "\t" v }
    }
    /^[ \t]*#/ || /^[ \t]*$/ { next }
    inarr {
        if ($0 ~ /^[ \t]*\]/) { inarr = 0; next }
        v = item($0); if (v != "") print sec "|" akey "|" ai++ "\t" v
        if ($0 ~ /\][ \t,]*$/ && $0 !~ /^[ \t]*\{/) inarr = 0
        next
    }
    /^[ \t]*\[\[/ {
        name = $0; gsub(/^[ \t]*\[\[[ \t]*|[ \t]*\]\].*$/, "", name)
        sec = name "|" count[name]++; next
    }
    /^[ \t]*\[/ { sec = $0; gsub(/^[ \t]*\[[ \t]*|[ \t]*\].*$/, "", sec); gsub(/"/, "", sec); next }
    /=/ {
        k = $0; sub(/[ \t]*=.*/, "", k); k = unq(k)
        v = $0; sub(/^[^=]*=[ \t]*/, "", v)
        if (v ~ /^\[/) {
            akey = k; ai = 0
            if (v ~ /\][ \t]*$/) items(v); else { inarr = 1; rest = v; sub(/^\[/, "", rest); if (item(rest) != "") print sec "|" k "|" ai++ "\t" item(rest) }
            next
        }
        if (v ~ /^\{/) { print sec "|" k "\t" inline(v); next }
        print sec "|" k "\t" unq(v)
    }' "$1"
}

# si_pep_name SPEC: the project name of a requirement ("Flask[async]>=2 ; python_version..." ->
# flask), normalised as pip does (lower case, runs of -_. become -).
si_pep_name() {
    echo "$1" | sed -e 's/[ ;\[<>=!~@].*//' | tr 'A-Z_.' 'a-z--' | sed 's/--*/-/g'
}

# si_pep_version SPEC: the version a requirement pins, or the lower bound it names, else 1.0.0.
si_pep_version() {
    local v
    v=$(echo "$1" | sed -n -e 's/^[^=<>~!]*\(==\|>=\|~=\|===\)[ ]*\([0-9A-Za-z.+*-]*\).*/\2/p')
    echo "${v:-1.0.0}" | sed 's/\.\*$/.0/'
}

# si_range_version RANGE: a concrete version for an npm/poetry range (^4.19.2 -> 4.19.2).
si_range_version() {
    local v
    v=$(echo "$1" | sed -e 's/^[^0-9]*//' -e 's/[ ,].*//')
    echo "${v:-1.0.0}"
}

# si_require_file FILE MESSAGE: exit with the real tool's MESSAGE when FILE is absent.
si_require_file() {
    [ -f "$1" ] || si_die "$2"
}
