#!/usr/bin/env bash
# Makes the README's screenshots from the real program: the headless mode replays keys on the
# demo queue, prints the final screen with ANSI colours, and ansi2svg.py draws it as SVG.
#   screenshots/make.sh            # uses `patchdesk demo`
#   PATCHDESK="target/debug/patchdesk demo" SIZE=100x30 screenshots/make.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PATCHDESK=${PATCHDESK:-"cargo run -q -- demo"}
SIZE=${SIZE:-120x36}
# NO_COLOR would make grey pictures; the user's keymap must not change them.
unset NO_COLOR
# The desk keeps state in the data dir: use a throwaway one, never the user's.
export XDG_CONFIG_HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"' EXIT
# A fixed maintainer, so the export picture never shows the user's own identity.
mkdir -p "$XDG_CONFIG_HOME/patchdesk"
printf '[identity]\nname = "Jon Tabor"\nemail = "jon.tabor@example.net"\n' \
    > "$XDG_CONFIG_HOME/patchdesk/config.toml"

shot() { # name keys title
    $PATCHDESK --keys "$2" --print=ansi --size "$SIZE" > "screenshots/$1.ansi"
    python3 screenshots/ansi2svg.py "$3" < "screenshots/$1.ansi" > "screenshots/$1.svg"
    rm "screenshots/$1.ansi"
    echo "screenshots/$1.svg"
}

shot queue "" "patchdesk: the queue"
shot patch "${PATCH_KEYS:-/qcow<enter><enter>>f}" "patchdesk: a patch with its findings inline"
shot help "?" "patchdesk: help"
shot export "jes<c-u>acked.mbox<enter>ms" "patchdesk: the confirm step of an export"
shot interdiff "jjjjjj<enter>d" "patchdesk: what changed since v1, new findings marked"

# "Mine": a small MAINTAINERS (the demo's maintainer looks after the UART) read by --tree.
TREE=$(mktemp -d)
printf 'UART\nM:\tJon Tabor <jon.tabor@example.net>\nL:\tserial@lists.example.org\nS:\tMaintained\nF:\thw/char/\nF:\tinclude/hw/uart.h\n\nBLOCK\nM:\tBo Lock <bo@example.org>\nS:\tSupported\nF:\tblock/\nF:\ttests/test-qcow*\n' \
    > "$TREE/MAINTAINERS"
PATCHDESK="${PATCHDESK_MINE:-cargo run -q -- --demo --tree $TREE}" shot mine "smj" \
    "patchdesk: the patches that are mine, marked and first"
rm -rf "$TREE"
