#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz target (tests/fuzz/targets.hpp).

    make_seeds.py OUT_DIR [SHARED_DIR]

OUT_DIR/<target>/ receives real inputs of that kind: manifests, role maps and
packages from tests/fixtures, samples/ and the hand-written seeds in
tests/fuzz/seeds/; and, when SHARED_DIR (default ../shared beside the
repository) exists, the real manifests of its corpus/ and the packages of its
packages/. Nothing of SHARED_DIR is ever copied into the repository: the
seeds are made at run time in the build folder. Inputs are kept small (the
fuzzer mutates small inputs faster): manifests over MAX_MANIFEST bytes are
left out, package files are cut to MAX_PACKAGE_FILE bytes.
"""
import hashlib
import io
import os
import sys
import zipfile

MAX_MANIFEST = 128 * 1024
MAX_PACKAGE_FILE = 512
MAX_PACKAGE_FILES = 64
MANIFEST_NAMES = {"imsmanifest.xml": "scorm_manifest", "cmi5.xml": "cmi5_manifest",
                  "tincan.xml": "tincan_manifest"}
ROOTS = {b"<manifest": "scorm_manifest", b"courseStructure": "cmi5_manifest",
         b"<tincan": "tincan_manifest"}

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def add(out, target, data):
    """Stores one seed, named by its content (duplicates collapse)."""
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def read(path, limit=None):
    with open(path, "rb") as f:
        return f.read(limit) if limit else f.read()


def package_files(root):
    """(package path, content cut short) of a package folder, manifest first."""
    files = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            is_manifest = name.lower() in MANIFEST_NAMES
            files.append((not is_manifest, rel, read(path, MAX_MANIFEST if is_manifest else MAX_PACKAGE_FILE)))
    files.sort()
    return [(rel, data) for _, rel, data in files[:MAX_PACKAGE_FILES]]


def folder_script(files):
    """The folder_package target's format: "=== path" then the content."""
    out = io.BytesIO()
    for rel, data in files:
        out.write(b"=== " + rel.encode() + b"\n" + data.replace(b"\n=== ", b"\n==  ") + b"\n")
    return out.getvalue()


def zipped(files, method):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for rel, data in files:
            z.writestr(rel, data)
    return out.getvalue()


def add_package(out, root):
    files = package_files(root)
    if not files:
        return
    add(out, "folder_package", folder_script(files))
    add(out, "zip_package", zipped(files, zipfile.ZIP_DEFLATED))
    add(out, "zip_package", zipped(files, zipfile.ZIP_STORED))


def add_manifest(out, path):
    if os.path.getsize(path) > MAX_MANIFEST:
        return
    data = read(path)
    target = MANIFEST_NAMES.get(os.path.basename(path).lower())
    if not target:  # another name (broken/, corpus/cmi5): sniff the root element
        head = data[:4096]
        target = next((t for marker, t in ROOTS.items() if marker in head), None)
    for t in [target] if target else MANIFEST_NAMES.values():
        add(out, t, data)


def walk_files(root):
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            yield os.path.join(folder, name)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(repo), "shared")

    # Hand-written seeds (role maps, configs, CSVs, LRS answers) and the fixtures.
    seeds = os.path.join(repo, "tests", "fuzz", "seeds")
    for target in sorted(os.listdir(seeds)):
        for path in walk_files(os.path.join(seeds, target)):
            add(out, target, read(path))
    fixtures = os.path.join(repo, "tests", "fixtures")
    for path in walk_files(os.path.join(fixtures, "rolemaps")):
        add(out, "role_map", read(path))
    add(out, "role_map", read(os.path.join(repo, "roles", "defaults.json")))
    for kind in sorted(os.listdir(fixtures)):
        if kind == "rolemaps":
            continue
        for case in sorted(os.listdir(os.path.join(fixtures, kind))):
            root = os.path.join(fixtures, kind, case)
            add_package(out, root)
            for path in walk_files(root):
                if path.endswith(".xml"):
                    add_manifest(out, path)
    add_package(out, os.path.join(repo, "samples", "safety-basics"))
    add_manifest(out, os.path.join(repo, "samples", "safety-basics", "imsmanifest.xml"))

    if not os.path.isdir(shared):
        print(f"make_seeds: {shared} is absent: seeds from the repository only")
    else:
        corpus = os.path.join(shared, "corpus")
        for path in walk_files(corpus) if os.path.isdir(corpus) else []:
            name = os.path.basename(path).lower()
            if name in MANIFEST_NAMES or (name.endswith(".xml") and "/broken/" in path):
                add_manifest(out, path)
        packages = os.path.join(shared, "packages")
        for tool in sorted(os.listdir(packages)) if os.path.isdir(packages) else []:
            if os.path.isdir(os.path.join(packages, tool)):
                for case in sorted(os.listdir(os.path.join(packages, tool))):
                    root = os.path.join(packages, tool, case)
                    add_package(out, root)
                    for path in walk_files(root):
                        if os.path.basename(path).lower() in MANIFEST_NAMES:
                            add_manifest(out, path)

    for target in sorted(os.listdir(out)):
        print(f"make_seeds: {target}: {len(os.listdir(os.path.join(out, target)))} seeds")


if __name__ == "__main__":
    main()
