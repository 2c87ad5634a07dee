"""Record what a minimal Debian image has, for the .deb's test (tests/test_deb_depends.py).

    python3 packaging/linux/record_minimal_image.py > packaging/linux/debian12-minimal.txt

Run on Debian 12 with apt's package lists (apt-get update) and those packages installed.
The image is what `debootstrap --variant=minbase` installs and the debian:bookworm-slim
container starts from: every package of Priority "required", plus apt, plus what they depend
on (where a dependency offers a choice, the one already chosen, else one with no dependencies
of its own, else the first). Each line is a package, then the shared libraries (sonames) it ships.
"""
from __future__ import annotations

import re
import subprocess
import sys


def available() -> dict[str, dict[str, str]]:
    """Package -> its fields, from apt's lists (the first stanza of each name)."""
    out = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True, check=True).stdout
    packages: dict[str, dict[str, str]] = {}
    for stanza in out.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith(" ") and key:
                fields[key] += line
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields.get("Package"):
            packages.setdefault(fields["Package"], fields)
    return packages


def minimal_image(packages: dict[str, dict[str, str]]) -> set[str]:
    providers: dict[str, list[str]] = {}
    for name, fields in packages.items():
        for virtual in filter(None, (p.split("(")[0].strip() for p in fields.get("Provides", "").split(","))):
            providers.setdefault(virtual, []).append(name)
    seeds = {name for name, fields in packages.items() if fields.get("Priority") == "required"} | {"apt"}
    chosen: set[str] = set()
    todo = sorted(seeds)
    while todo:
        name = todo.pop()
        if name in chosen:
            continue
        chosen.add(name)
        fields = packages[name]
        for group in (fields.get("Pre-Depends", "") + "," + fields.get("Depends", "")).split(","):
            names = [alt.split("(")[0].split(":")[0].strip() for alt in group.split("|") if alt.strip()]
            real = [r for n in names for r in ([n] if n in packages else providers.get(n, []))]
            pick = ([r for r in real if r in chosen or r in seeds]
                    or [r for r in real if not packages[r].get("Depends") and not packages[r].get("Pre-Depends")]
                    or real)
            if pick:
                todo.append(pick[0])
    return chosen


def sonames(package: str) -> list[str]:
    """The SONAMEs of the shared libraries the installed `package` ships."""
    files = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.splitlines()
    found = set()
    for path in files:
        if re.search(r"/lib[^/]*\.so(\.\d+)*$", path) or re.search(r"/ld-linux[^/]*\.so\.\d+$", path):
            dynamic = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
            found.update(re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", dynamic))
    return sorted(found)


def main() -> int:
    image = minimal_image(available())
    print("# The packages of a minimal Debian 12 (bookworm) image, as `debootstrap --variant=minbase` installs")
    print("# them (debian:bookworm-slim): Priority required, apt, and their dependencies. After each package,")
    print("# the sonames it ships. Written by packaging/linux/record_minimal_image.py.")
    for name in sorted(image):
        print(" ".join([name, *sonames(name)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
