/**
 * The sound relay's shell (sound-relay.ts runs it with `sh -c`; `$1` is its private directory).
 *
 * Protocol, one line each way per step, fields separated by tabs:
 * - request: `ID INPUT N ARGV...`: ARGV's first N fields are the first program and its
 *   arguments, the rest (if any) the second, which reads the first's output through a fifo.
 *   INPUT is a file in the relay's private directory that the first reads as its stdin, or `-`.
 *   Counting rather than a `|` field: a reply that says "|" stays a word.
 * - answers: `pid ID P1 [P2]` at once (the daemon kills these on timeout or dispose without
 *   forking), then `exit ID STAGE CODE FIRST-STDERR-LINE` for each program as it ends.
 *
 * The shell splits on tabs with globbing off (`set -f`) and never evals: a field reaches the
 * program as one argument, whatever it holds. Tabs and newlines in fields (a reply's text) are
 * made spaces, and an empty field a space (tab is IFS white space: empty fields would vanish).
 * The fifo rather than a `|` pipe: so the shell knows both programs' PIDs and exit codes.
 */
export const SOUND_RELAY_SCRIPT = `
dir=$1
tab=$(printf '\\t')
plain=$IFS
set -f
report() {
  r=""
  [ -s "$err.$1" ] && IFS= read -r r <"$err.$1"
  printf 'exit %s %s %s %s\\n' "$id" "$1" "$2" "$r"
}
job() {
  id=$1 in=$dir/$2 n=$3
  [ "$2" = - ] && in=/dev/null
  shift 3
  err=$dir/$id.err
  if [ "$n" -ge "$#" ]; then
    "$@" <"$in" >/dev/null 2>"$err.1" &
    p1=$!
    echo "pid $id $p1"
    wait "$p1"
    report 1 $?
    command -p rm -f "$err.1"
    return
  fi
  fifo=$dir/$id.fifo
  if ! command -p mkfifo -m 600 "$fifo" 2>"$err.1"; then
    echo "pid $id"
    report 1 1
    printf 'exit %s 2 0 \\n' "$id"
    command -p rm -f "$err.1"
    return
  fi
  (shift "$n"; exec "$@" <"$fifo" >/dev/null 2>"$err.2") &
  p2=$!
  i=0
  for a do
    [ "$i" -eq 0 ] && set --
    i=$((i + 1))
    [ "$i" -le "$n" ] && set -- "$@" "$a"
  done
  "$@" <"$in" >"$fifo" 2>"$err.1" &
  p1=$!
  echo "pid $id $p1 $p2"
  wait "$p1"
  c1=$?
  wait "$p2"
  c2=$?
  report 1 $c1
  report 2 $c2
  command -p rm -f "$err.1" "$err.2" "$fifo"
}
while IFS= read -r line; do
  IFS=$tab
  set -- $line
  IFS=$plain
  job "$@" &
done
`;
