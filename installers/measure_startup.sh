#!/usr/bin/env bash
# Measures start-up of the Linux bundle next to a plain `pip install`: `--version`, `--selftest`, and the
# time until the main window is on screen (a real X server, Xvfb; the window found with xdotool).
# The figures in the README ("Installers") come from this script.
#
#   installers/measure_startup.sh BUNDLE_DIR VENV_DIR [RUNS]
#
# BUNDLE_DIR: an unpacked bundle (holds the klyngedesk executable), e.g. dist/klyngedesk-0.1.0-linux-x86_64
# VENV_DIR:   a venv with `pip install .` (holds bin/klyngedesk)
# Needs: hyperfine, xvfb (Xvfb), xdotool, and Qt's X11 libraries (libxcb-cursor0, libxkbcommon-x11-0, ...).
set -euo pipefail

BUNDLE="$(cd "$1" && pwd)/klyngedesk"
PIP="$(cd "$2" && pwd)/bin/klyngedesk"
RUNS="${3:-7}"
WORK="$(mktemp -d -t klyngedesk-timing-XXXXXX)"
XVFB_PID=""
trap 'kill "$XVFB_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"

echo "machine: $(nproc) cores, $(uname -sm), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "bundle: $(du -sm "$(dirname "$BUNDLE")" | cut -f1) MB unpacked"
echo "load average at the start: $(cut -d" " -f1-3 /proc/loadavg)"

for what in "--version" "--selftest"; do
    hyperfine --warmup 2 --runs "$RUNS" --style basic --export-markdown "$WORK/h.md" \
        -n "bundle $what" "$BUNDLE $what" -n "pip install $what" "$PIP $what" > /dev/null
    tail -n 2 "$WORK/h.md"
done

# Time to window: start the program on a fresh X display and poll until its main window is mapped.
export DISPLAY=:97
unset QT_QPA_PLATFORM
Xvfb "$DISPLAY" -screen 0 1400x900x24 -nolisten tcp > /dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 100); do xdotool getdisplaygeometry > /dev/null 2>&1 && break; sleep 0.1; done
window_seconds() {
    local start pid
    start=$(date +%s%N)
    "$@" > "$WORK/window.log" 2>&1 &
    pid=$!
    until xdotool search --onlyvisible --pid "$pid" > /dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$* ended before its window appeared:" >&2; cat "$WORK/window.log" >&2; return 1
        fi
        sleep 0.01
    done
    echo $(( ($(date +%s%N) - start) / 1000000 ))
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}
window_seconds "$BUNDLE" > /dev/null  # warm-up (file cache)
window_seconds "$PIP" > /dev/null
bundle_times=()
pip_times=()
for _ in $(seq 1 "$RUNS"); do  # interleaved, so a busy moment hits both alike
    bundle_times+=("$(window_seconds "$BUNDLE")")
    pip_times+=("$(window_seconds "$PIP")")
done
report() {
    local name="$1"; shift
    local sorted median
    sorted="$(printf '%s\n' "$@" | sort -n | tr '\n' ' ')"
    median="$(printf '%s\n' "$@" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
    echo "| $name: time to main window (ms) | median $median | runs: $sorted|"
}
report bundle "${bundle_times[@]}"
report "pip install" "${pip_times[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
