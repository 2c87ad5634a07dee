#!/usr/bin/env bash
# Wrap the built "Wenan Studio.app" into a compressed disk image with an Applications link.
#
#   packaging/macos/build_dmg.sh "dist/Wenan Studio.app" 0.1.0
#
# writes dist/WenanStudio-<version>-macos-<arch>.dmg. Sign and notarise the .app BEFORE this
# step, then sign, notarise and staple the .dmg too (packaging/README.md, "macOS").
set -euo pipefail

app=${1:?usage: build_dmg.sh APP_BUNDLE VERSION}
version=${2:?usage: build_dmg.sh APP_BUNDLE VERSION}
[ -d "$app" ] || { echo "no $app: build it with pyinstaller packaging/wenan.spec first" >&2; exit 1; }
arch=$(uname -m)
dist=$(cd "$(dirname "$app")" && pwd)
suffix=""
case "$(basename "$app")" in *CUDA*) suffix="-cuda" ;; esac
out="$dist/WenanStudio-$version-macos-$arch$suffix.dmg"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# ditto keeps the bundle's symlinks, extended attributes and code signatures intact.
ditto "$app" "$stage/$(basename "$app")"
ln -s /Applications "$stage/Applications"
rm -f "$out"
hdiutil create -volname "Wenan Studio $version" -srcfolder "$stage" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 -ov "$out"
echo "wrote $out ($(du -h "$out" | cut -f1))"
