#!/bin/bash
# Lists the functions longer than LIMIT lines (default 80), longest first, from universal-ctags' start
# and end lines (Debian package universal-ctags); lambdas count in the function that holds them.
#   tools/scripts/long_functions.sh [LIMIT] [FOLDER...]     e.g. tools/scripts/long_functions.sh 80 sim include tools
set -euo pipefail
limit=${1:-80}
shift || true
[ $# -gt 0 ] || set -- sim include tools
command -v ctags >/dev/null || { echo "long_functions.sh: needs universal-ctags" >&2; exit 2; }
ctags -R --languages=C++ --kinds-C++=f --fields=+ne --extras=-q -o - "$@" |
  awk -F'\t' -v limit="$limit" '
    $1 !~ /^__anon/ {
      start = ""; end = ""
      for (i = 4; i <= NF; ++i) {
        if ($i ~ /^line:/) start = substr($i, 6)
        if ($i ~ /^end:/) end = substr($i, 5)
      }
      if (start != "" && end != "" && end - start + 1 > limit) printf "%5d  %s:%s  %s\n", end - start + 1, $2, start, $1
    }' | sort -rn
