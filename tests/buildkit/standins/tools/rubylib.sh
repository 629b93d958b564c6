# Helpers shared by the ruby, gem and bundle stand-ins (sourced after lib.sh).
#
# A gem "installs" as RubyGems lays it out under a gem dir (GEM_HOME, /usr/local/bundle in the
# official images, or a bundle path's ruby/3.3.0): gems/NAME-VERSION/lib/NAME.rb,
# specifications/NAME-VERSION.gemspec, and the downloaded .gem kept in cache/ (RubyGems' own
# download cache, which bundler checks before downloading, so a cache mount there is warm).

RB_ABI=3.3.0
: "${GEM_HOME:=/usr/local/bundle}"

# rb_install_list LIST GEMDIR: install every "name version" line of LIST into GEMDIR.
rb_install_list() {
    local name version
    while read -r name version; do
        [ -n "$name" ] || continue
        si_put "$2/gems/$name-$version/lib/$name.rb" "# $name $version (stand-in gem)"
        si_put "$2/specifications/$name-$version.gemspec" "Gem::Specification.new { |s| s.name = \"$name\"; s.version = \"$version\" }"
    done <"$1"
}

# rb_installed GEMDIR NAME VERSION: whether that gem is installed in GEMDIR.
rb_installed() {
    [ -f "$1/specifications/$2-$3.gemspec" ]
}
