#!/usr/bin/env bash
# Builds the Linux one-folder bundle from a clean clone (committed HEAD) in its own temporary venv,
# runs the bundle's `--selftest` and a window smoke test offscreen, and writes the tarball.
#
#   installers/build_linux.sh [--out DIR] [--source REPO]
#
# --out     where the tarball and the unpacked bundle go (default: <repo>/dist)
# --source  the git repository to clone (default: the one holding this script); uncommitted changes
#           are never built. PYTHON=python3.12 picks another interpreter. KLYNGEDESK_KEEP_BUILD=1 keeps
#           the temporary folder. Exit code 0 only when the build, the selftest and the smoke test pass.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT="$SOURCE/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --source) SOURCE="$2"; shift 2 ;;
        *) echo "usage: $0 [--out DIR] [--source REPO]" >&2; exit 2 ;;
    esac
done
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d -t klyngedesk-build-XXXXXX)"
if [ "${KLYNGEDESK_KEEP_BUILD:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
started=$SECONDS
stage() { echo "[build_linux $((SECONDS - started)) s] $*"; }

stage "clean clone of $SOURCE ($(git -C "$SOURCE" rev-parse --short HEAD))"
git clone -q "$SOURCE" "$WORK/src"

stage "temporary venv with the program and PyInstaller (pip install -c installers/constraints.txt \".[installer]\")"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check -c "$WORK/src/installers/constraints.txt" "$WORK/src[installer]"
VERSION="$("$WORK/venv/bin/python" -c 'from importlib.metadata import version; print(version("klyngedesk"))')"
ARCH="$(uname -m)"
NAME="klyngedesk-$VERSION-linux-$ARCH"

stage "PyInstaller (installers/klyngedesk.spec)"
(cd "$WORK/src" && "$WORK/venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --workpath "$WORK/build" --distpath "$WORK/dist" installers/klyngedesk.spec)

stage "desktop files: start-menu entry, file association, icons, install.sh, AppDir entry"
BUNDLE="$WORK/dist/klyngedesk"
LINUX="$WORK/src/installers/linux"
ICONS="$WORK/src/resources/icons"
mkdir -p "$BUNDLE/share/applications" "$BUNDLE/share/mime/packages" "$BUNDLE/share/icons/hicolor/scalable/apps"
cp "$LINUX/klyngedesk.desktop" "$BUNDLE/share/applications/klyngedesk.desktop"
cp "$LINUX/klyngedesk-mime.xml" "$BUNDLE/share/mime/packages/klyngedesk.xml"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$BUNDLE/share/icons/hicolor/${size}x${size}/apps"
    cp "$ICONS/klyngedesk-$size.png" "$BUNDLE/share/icons/hicolor/${size}x${size}/apps/klyngedesk.png"
done
cp "$ICONS/klyngedesk.svg" "$BUNDLE/share/icons/hicolor/scalable/apps/klyngedesk.svg"
install -m 755 "$LINUX/install.sh" "$BUNDLE/install.sh"
install -m 755 "$LINUX/AppRun" "$BUNDLE/AppRun"  # the folder is also an AppDir for appimagetool
cp "$LINUX/klyngedesk.desktop" "$BUNDLE/klyngedesk.desktop"
cp "$ICONS/klyngedesk-256.png" "$BUNDLE/klyngedesk.png"

stage "selftest of the bundle (offscreen, outside the source tree)"
mkdir -p "$WORK/home"
run_bundle() {
    (cd / && env -u PYTHONPATH -u PYTHONHOME -u VIRTUAL_ENV HOME="$WORK/home" QT_QPA_PLATFORM=offscreen \
        XDG_CONFIG_HOME="$WORK/home/.config" "$BUNDLE/klyngedesk" "$@")
}
run_bundle --selftest
run_bundle --version

stage "window smoke test: the bundled Qt opens the main window on the demo cluster (offscreen)"
run_bundle --demo > "$WORK/window.log" 2>&1 & pid=$!
for _ in $(seq 1 40); do  # still running after 10 s = the event loop runs; a missing Qt plugin aborts at once
    sleep 0.25
    kill -0 "$pid" 2>/dev/null || break
done
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if grep -qiE "traceback|could not load the qt platform plugin|cannot open" "$WORK/window.log"; then
        echo "window smoke test FAILED:" >&2; cat "$WORK/window.log" >&2; exit 1
    fi
else
    status=0; wait "$pid" || status=$?
    echo "window smoke test FAILED: the program ended by itself (exit $status):" >&2; cat "$WORK/window.log" >&2
    exit 1
fi

stage "tarball"
rm -rf "${OUT:?}/$NAME" "$OUT/$NAME.tar.gz"
cp -a "$BUNDLE" "$OUT/$NAME"
tar -C "$WORK/dist" --transform "s|^klyngedesk|$NAME|" -czf "$OUT/$NAME.tar.gz" klyngedesk
size_folder="$(du -sm "$OUT/$NAME" | cut -f1)"
size_tar="$(du -sm "$OUT/$NAME.tar.gz" | cut -f1)"
stage "done: $OUT/$NAME.tar.gz ($size_tar MB; unpacked $size_folder MB in $OUT/$NAME)"
