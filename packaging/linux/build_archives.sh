#!/usr/bin/env bash
# Wrap a built bundle folder into the two Linux downloads:
#   dist/<app>-<version>-linux-<machine>.tar.gz   the folder, a .desktop file, an icon, a menu-entry script
#   dist/<app>_<version>_<arch>.deb               /opt/wenan-studio, /usr/bin/wenan-studio, menu entry, icons
#
#   packaging/linux/build_archives.sh dist/wenan-studio 0.1.0
#
# `make package` runs it after PyInstaller. <app> is the bundle folder's name: wenan-studio, or
# wenan-studio-cuda for the CUDA flavour (a separate package that replaces the CPU one).
# Needs tar, gzip, dpkg-deb, readelf and objdump (binutils) and python3.
set -euo pipefail

bundle=${1:?usage: build_archives.sh BUNDLE_DIR VERSION}
version=${2:?usage: build_archives.sh BUNDLE_DIR VERSION}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=$(cd "$bundle" && pwd)
app=$(basename "$bundle")
dist=$(dirname "$bundle")
icons="$root/build/icons"                # written by the spec (packaging/make_icons.py)
stage="$root/build/stage-$app"
machine=$(uname -m)
arch=$(dpkg --print-architecture)
exe=wenan-studio                         # the command, whatever the flavour

[ -x "$bundle/$exe" ] || { echo "no executable $bundle/$exe: run make package first" >&2; exit 1; }
[ -f "$icons/png/256.png" ] || "$root/.venv/bin/python" "$here/../make_icons.py" "$icons"
rm -rf "$stage"
mkdir -p "$stage"

# Hard links when the file system allows: staging a 1 GB folder then costs nothing.
copy_tree() { cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"; }

# ---- the .tar.gz: unpack anywhere and run ./wenan-studio ----
top="$app-$version"
copy_tree "$bundle" "$stage/$top"
install -m 0644 "$here/wenan-studio.desktop" "$stage/$top/wenan-studio.desktop"
install -m 0644 "$icons/png/256.png" "$stage/$top/wenan-studio.png"
install -m 0755 "$here/install-menu-entry.sh" "$stage/$top/install-menu-entry.sh"

# ---- the .deb's tree ----
deb="$stage/deb"
mkdir -p "$deb/opt" "$deb/usr/bin" "$deb/usr/share/applications" "$deb/usr/share/doc/$app" "$deb/DEBIAN"
copy_tree "$stage/$top" "$deb/opt/wenan-studio"
rm "$deb/opt/wenan-studio/install-menu-entry.sh" "$deb/opt/wenan-studio/wenan-studio.desktop" \
   "$deb/opt/wenan-studio/wenan-studio.png"
ln -s /opt/wenan-studio/$exe "$deb/usr/bin/$exe"   # the bootloader resolves its real folder itself
install -m 0644 "$here/wenan-studio.desktop" "$deb/usr/share/applications/wenan-studio.desktop"
for png in "$icons"/png/*.png; do
    size=$(basename "$png" .png)
    install -D -m 0644 "$png" "$deb/usr/share/icons/hicolor/${size}x${size}/apps/wenan-studio.png"
done
install -D -m 0644 "$root/resources/icons/app.svg" "$deb/usr/share/icons/hicolor/scalable/apps/wenan-studio.svg"
printf 'Wenan Studio (文案工坊) %s\nProprietary. Bundles Python, Qt (LGPLv3), PyTorch (BSD), Hugging Face\ntransformers, tokenizers, peft and accelerate (Apache-2.0); their licences are in\n/opt/wenan-studio/_internal/*.dist-info.\n' \
    "$version" > "$deb/usr/share/doc/$app/copyright"

{ read -r depends; read -r recommends; } < <(python3 "$here/deb_depends.py" "$deb/opt/wenan-studio")
conflicts=$([ "$app" = wenan-studio ] && echo wenan-studio-cuda || echo wenan-studio)
installed_kb=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
cat > "$deb/DEBIAN/control" <<EOF
Package: $app
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Wenan Studio <packaging@wenan-studio.invalid>}
Installed-Size: $installed_kb
Depends: $depends
${recommends:+Recommends: $recommends
}Conflicts: $conflicts
Replaces: $conflicts
Section: text
Priority: optional
Description: drafts marketing copy in a shop's own voice, offline (文案工坊)
 Wenan Studio learns a small language model from a seller's own product copy,
 on this computer, and drafts new product pages, ads, posts and replies to
 reviews. Nothing is downloaded or sent anywhere while it runs.
EOF
install -m 0755 "$here/deb/postinst" "$deb/DEBIAN/postinst"
install -m 0755 "$here/deb/prerm" "$deb/DEBIAN/prerm"
install -m 0755 "$here/deb/postrm" "$deb/DEBIAN/postrm"

# ---- compress both at once: gzip takes one core, dpkg-deb the other ----
# (Only now: making hard links changes the files' ctime, which tar reports as "file changed".)
tarball="$dist/$app-$version-linux-$machine.tar.gz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -cf - "$top" | gzip -6 > "$tarball.part" &
tar_job=$!
debfile="$dist/${app}_${version}_${arch}.deb"
# gzip: xz saves about a fifth of the size but takes several minutes longer on two cores.
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-gzip}" --build "$deb" "$debfile.part" >/dev/null
mv "$debfile.part" "$debfile"
wait "$tar_job"
mv "$tarball.part" "$tarball"
echo "wrote $tarball ($(du -h "$tarball" | cut -f1))"
echo "wrote $debfile ($(du -h "$debfile" | cut -f1)); Depends: $depends"
rm -rf "$stage"
