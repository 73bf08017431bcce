#!/usr/bin/env bash
# Measures start-up of the Linux bundle next to a plain `pip install`: `--version`, `--selftest`, and the
# time until the main window is on screen (a real X server, Xvfb; the window found with xdotool).
# The figures in docs/installers.md come from this script.
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

# Wall time suffers when the machine is busy; CPU time (user + system) much less, so both are shown.
cat > "$WORK/summary.py" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| {r['command']} | wall {r['mean']:.2f} s ± {r['stddev']:.2f} (median {r['median']:.2f} s) "
          f"| CPU {r['user'] + r['system']:.2f} s |")
PY
for what in "--version" "--selftest"; do
    hyperfine --warmup 2 --runs "$RUNS" --style basic --export-json "$WORK/h.json" \
        -n "bundle $what" "$BUNDLE $what" -n "pip install $what" "$PIP $what" > /dev/null
    python3 "$WORK/summary.py" "$WORK/h.json"
done

# Time to window: start the program on its own X display and poll until its main window is mapped.
# (Another process on a shared machine may end the X server: it is then restarted and the run repeated.)
unset QT_QPA_PLATFORM
start_xvfb() {
    kill "$XVFB_PID" 2>/dev/null || true
    rm -f "$WORK/display"
    Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3> "$WORK/display" > /dev/null 2>&1 &  # a free display
    XVFB_PID=$!
    for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
    DISPLAY=":$(cat "$WORK/display")"
    export DISPLAY
    xdotool getdisplaygeometry > /dev/null || { echo "Xvfb did not start" >&2; exit 1; }
}
window_run() {  # prints the milliseconds until the window of "$@" is mapped
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
window_time() {  # window_time FILE PROGRAM: appends one measurement to FILE (not in a subshell: the
    local file="$1"; shift  # X server may be restarted here and DISPLAY must follow)
    for _ in 1 2 3; do
        window_run "$@" >> "$file" && return 0
        grep -q "could not connect to display" "$WORK/window.log" || exit 1
        start_xvfb
    done
    exit 1
}
report() {
    local name="$1" file="$2" sorted median
    sorted="$(sort -n "$file" | tr '\n' ' ')"
    median="$(sort -n "$file" | sed -n "$(( (RUNS + 1) / 2 ))p")"
    echo "| $name: start until the main window is mapped | median $median ms | runs: $sorted|"
}
start_xvfb
window_time "$WORK/warm" "$BUNDLE"  # warm-up (file cache)
window_time "$WORK/warm" "$PIP"
for _ in $(seq 1 "$RUNS"); do  # interleaved, so a busy moment hits both alike
    window_time "$WORK/bundle_ms" "$BUNDLE"
    window_time "$WORK/pip_ms" "$PIP"
done
report bundle "$WORK/bundle_ms"
report "pip install" "$WORK/pip_ms"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
