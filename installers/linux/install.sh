#!/bin/sh
# Installs the unpacked KlyngeDesk bundle for this user without root: program folder, command, start-menu
# entry, icon and the .klynge file association. `--system` installs for all users (run as root).
# Uninstall with the uninstall.sh this writes into the program folder; it never touches project files.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--system" ]; then
    PREFIX=/opt/klyngedesk
    BIN=/usr/local/bin
    SHARE=/usr/local/share
else
    PREFIX="$HOME/.local/lib/klyngedesk"
    BIN="$HOME/.local/bin"
    SHARE="${XDG_DATA_HOME:-$HOME/.local/share}"
fi

if [ ! -x "$HERE/klyngedesk" ] || [ ! -d "$HERE/_internal" ]; then
    echo "install.sh: run me from the unpacked KlyngeDesk folder (klyngedesk and _internal/ beside me)" >&2
    exit 1
fi

if [ "$HERE" != "$PREFIX" ]; then
    rm -rf "$PREFIX.new"
    mkdir -p "$(dirname "$PREFIX")"
    cp -a "$HERE" "$PREFIX.new"
    rm -rf "$PREFIX"
    mv "$PREFIX.new" "$PREFIX"
fi

mkdir -p "$BIN" "$SHARE/applications" "$SHARE/mime/packages" "$SHARE/icons/hicolor/scalable/apps"
ln -sf "$PREFIX/klyngedesk" "$BIN/klyngedesk"
# The start-menu entry starts the program by its absolute path (~/.local/bin may not be on PATH).
sed "s|^Exec=klyngedesk |Exec=\"$PREFIX/klyngedesk\" |" "$PREFIX/share/applications/klyngedesk.desktop" \
    > "$SHARE/applications/klyngedesk.desktop"
cp "$PREFIX/share/mime/packages/klyngedesk.xml" "$SHARE/mime/packages/klyngedesk.xml"
for png in "$PREFIX"/share/icons/hicolor/*/apps/klyngedesk.png; do
    size_dir="$(basename "$(dirname "$(dirname "$png")")")"
    mkdir -p "$SHARE/icons/hicolor/$size_dir/apps"
    cp "$png" "$SHARE/icons/hicolor/$size_dir/apps/klyngedesk.png"
done
cp "$PREFIX/share/icons/hicolor/scalable/apps/klyngedesk.svg" "$SHARE/icons/hicolor/scalable/apps/klyngedesk.svg"

# Caches of the desktop; missing tools only delay the association until the next login.
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$SHARE/mime" >/dev/null 2>&1 || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$SHARE/applications" >/dev/null 2>&1 || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" >/dev/null 2>&1 || true

cat > "$PREFIX/uninstall.sh" <<UNINSTALL
#!/bin/sh
# Removes KlyngeDesk installed by install.sh. Project files (*.klynge) and settings are kept.
set -eu
rm -f "$BIN/klyngedesk" "$SHARE/applications/klyngedesk.desktop" "$SHARE/mime/packages/klyngedesk.xml"
rm -f "$SHARE"/icons/hicolor/*/apps/klyngedesk.png "$SHARE/icons/hicolor/scalable/apps/klyngedesk.svg"
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$SHARE/mime" >/dev/null 2>&1 || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$SHARE/applications" >/dev/null 2>&1 || true
rm -rf "$PREFIX"
echo "KlyngeDesk removed. Your project files (*.klynge) were not touched."
UNINSTALL
chmod +x "$PREFIX/uninstall.sh"

echo "KlyngeDesk installed in $PREFIX; start it from the menu or with: $BIN/klyngedesk"
echo "Uninstall: $PREFIX/uninstall.sh (keeps your project files)"
