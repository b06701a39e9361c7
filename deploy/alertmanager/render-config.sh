#!/bin/sh
# Renders Alertmanager's configuration from the environment (Alertmanager itself does not expand
# variables): SRC_DIR/alertmanager.yml.tmpl → OUT_DIR/alertmanager.yml and SRC_DIR/templates/*.tmpl
# → OUT_DIR/templates/. In the sources `${ALERT_X}` must be set, `${ALERT_X:-default}` may be, and
# the lines between `#@if ALERT_X` and `#@end` are kept only when ALERT_X is set. In the YAML file
# values go into single-quoted strings, so their single quotes are doubled; its comment lines are
# copied as they are. Every missing variable
# is named, and nothing is written then. POSIX sh and awk: it runs in the Alertmanager image
# (busybox), in compose and in the tests.
#
#   render-config.sh SRC_DIR OUT_DIR            render
#   render-config.sh SRC_DIR OUT_DIR -- CMD...  render, then exec CMD (the container's entrypoint)
set -eu

[ $# -ge 2 ] || {
  echo "usage: $0 SRC_DIR OUT_DIR [-- CMD...]" >&2
  exit 2
}
src=$1
out=$2
shift 2

# render IN OUT YAML(0|1): writes OUT, or names the missing variables and fails.
render() {
  awk -v yaml="$3" -v file="$1" -v q="'" '
    function fail(msg) { print "render-config: " file ":" NR ": " msg > "/dev/stderr"; bad = 1 }
    /^[ \t]*#@if [A-Z0-9_]+[ \t]*$/ {
      name = $2; depth++; keep[depth] = (ENVIRON[name] != ""); next
    }
    /^[ \t]*#@end[ \t]*$/ { if (depth == 0) fail("#@end without #@if"); else depth--; next }
    {
      for (i = 1; i <= depth; i++) if (!keep[i]) next
      if (yaml && $0 ~ /^[ \t]*#/) { print; next }
      line = $0; done = ""
      while (match(line, /\$\{ALERT_[A-Z0-9_]+(:-[^}]*)?\}/)) {
        ref = substr(line, RSTART + 2, RLENGTH - 3)
        sep = index(ref, ":-")
        name = sep ? substr(ref, 1, sep - 1) : ref
        value = ENVIRON[name]
        if (value == "" && sep) value = substr(ref, sep + 2)
        else if (value == "") fail(name " is not set")
        if (yaml) gsub(q, q q, value)
        done = done substr(line, 1, RSTART - 1) value
        line = substr(line, RSTART + RLENGTH)
      }
      print done line
    }
    END { if (depth != 0) fail("#@if without #@end"); exit bad }
  ' "$1" >"$2.tmp" || {
    rm -f "$2.tmp"
    return 1
  }
  mv "$2.tmp" "$2"
}

mkdir -p "$out/templates"
status=0
render "$src/alertmanager.yml.tmpl" "$out/alertmanager.yml" 1 || status=1
for t in "$src"/templates/*.tmpl; do
  render "$t" "$out/templates/$(basename "$t")" 0 || status=1
done
[ "$status" = 0 ] || {
  echo "render-config: set the variables above (docs/operations.md#alerts-that-reach-a-person)" >&2
  exit 1
}

if [ "${1:-}" = "--" ]; then
  shift
  exec "$@"
fi
