#!/usr/bin/env bash
# Builds KlyngeDesk.app and KlyngeDesk-<version>.dmg on a Mac from a clean clone; signs and notarises
# them when a Developer ID is configured. Cannot run on the Linux build machine; reviewed against the
# PyInstaller 6 manual (BUNDLE, codesign_identity), Apple's codesign/notarytool/stapler man pages and
# "Notarizing macOS software before distribution".
#
#   installers/macos/build_macos.sh                      # unsigned .app + .dmg (for testing only)
#   KLYNGEDESK_CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)" \
#   KLYNGEDESK_NOTARY_PROFILE=klyngedesk-notary installers/macos/build_macos.sh
#
# One-time preparation on the Mac that signs:
#   1. Xcode command line tools: xcode-select --install
#   2. A "Developer ID Application" certificate from the Apple Developer account in the login keychain
#      (check: security find-identity -v -p codesigning).
#   3. A notarytool profile holding an app-specific password (or an App Store Connect API key):
#      xcrun notarytool store-credentials klyngedesk-notary --apple-id ID --team-id TEAMID --password APP-PW
#   4. Python 3.11+ from python.org ("universal2" installer) so the build runs on Intel and Apple silicon
#      Macs alike; PYTHON=/usr/local/bin/python3.11 selects it.
#
# Steps: clean clone -> venv with ".[installer]" -> PyInstaller (installers/klyngedesk.spec makes
# dist/KlyngeDesk.app; with the identity set it signs every bundled library) -> selftest of the bundled
# program -> sign the .app inside-out with the hardened runtime and entitlements.plist -> .dmg with an
# Applications link -> sign the .dmg -> notarise (notarytool submit --wait) -> staple -> Gatekeeper check.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE="$(cd "$SCRIPT_DIR/../.." && pwd)"
OUT="${OUT:-$SOURCE/dist}"
PYTHON="${PYTHON:-python3}"
IDENTITY="${KLYNGEDESK_CODESIGN_IDENTITY:-}"
NOTARY_PROFILE="${KLYNGEDESK_NOTARY_PROFILE:-}"
WORK="$(mktemp -d -t klyngedesk-build)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

git clone -q "$SOURCE" "$WORK/src"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check -c "$WORK/src/installers/constraints.txt" "$WORK/src[installer]"
VERSION="$("$WORK/venv/bin/python" -c 'from importlib.metadata import version; print(version("klyngedesk"))')"
(cd "$WORK/src" && KLYNGEDESK_CODESIGN_IDENTITY="$IDENTITY" "$WORK/venv/bin/pyinstaller" --noconfirm --clean \
    --workpath "$WORK/build" --distpath "$WORK/dist" installers/klyngedesk.spec)
APP="$WORK/dist/KlyngeDesk.app"

# The bundled program's own check (headless; prints one line, exit 0/1).
"$APP/Contents/MacOS/klyngedesk" --selftest

if [ -n "$IDENTITY" ]; then
    ENTITLEMENTS="$WORK/src/installers/macos/entitlements.plist"
    # Inside-out: every library first, then the main executable, then the bundle (no --deep: Apple
    # advises against it for signing). --timestamp and --options runtime are required for notarisation.
    find "$APP/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) ! -path "*/MacOS/klyngedesk" \
        -exec sh -c 'file -b "$1" | grep -q "Mach-O"' _ {} \; -print0 |
        xargs -0 -n 20 codesign --force --timestamp --options runtime --sign "$IDENTITY"
    codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" --sign "$IDENTITY" \
        "$APP/Contents/MacOS/klyngedesk"
    codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" --sign "$IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
else
    echo "KLYNGEDESK_CODESIGN_IDENTITY is not set: the app stays unsigned (ad-hoc) and Gatekeeper will refuse it" \
         "on other Macs. Fine for testing, never for the clinics." >&2
fi

DMG="$OUT/KlyngeDesk-$VERSION.dmg"
mkdir -p "$WORK/dmg"
cp -R "$APP" "$WORK/dmg/"
ln -s /Applications "$WORK/dmg/Applications"
rm -f "$DMG"
hdiutil create -volname "KlyngeDesk $VERSION" -srcfolder "$WORK/dmg" -fs HFS+ -format UDZO -ov "$DMG"

if [ -n "$IDENTITY" ]; then
    codesign --force --timestamp --sign "$IDENTITY" "$DMG"
    if [ -n "$NOTARY_PROFILE" ]; then
        # Apple scans the upload; --wait returns when it is Accepted or Invalid (then read the log:
        # xcrun notarytool log <submission-id> --keychain-profile "$NOTARY_PROFILE").
        xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
        xcrun stapler staple "$DMG"       # the ticket travels with the .dmg, so offline Macs accept it
        xcrun stapler validate "$DMG"
        spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
    else
        echo "KLYNGEDESK_NOTARY_PROFILE is not set: signed but not notarised." >&2
    fi
fi
echo "done: $DMG"
