#!/bin/sh
# Adds Wenan Studio to your applications menu (for you only; no administrator rights).
# Run it once from the folder you unpacked: ./install-menu-entry.sh
# To remove it again: ./install-menu-entry.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
if [ "${1:-}" = --remove ]; then
    rm -f "$apps/wenan-studio.desktop" "$icons/wenan-studio.png"
    echo "Removed Wenan Studio from the menu."
    exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/wenan-studio.png" "$icons/wenan-studio.png"
sed "s|^Exec=.*|Exec=\"$here/wenan-studio\"|" "$here/wenan-studio.desktop" > "$apps/wenan-studio.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "Wenan Studio is now in your applications menu."
