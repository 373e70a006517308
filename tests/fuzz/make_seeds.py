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
import fnmatch
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

# The content_data target's cases, in the order of content_cases() in
# tests/fuzz/targets.cpp (the case byte is the index): the tool folder of
# SHARED_DIR/packages/ and what selects the real data file of each package
# (its package path, matched by fnmatch, and a text it must hold).
CONTENT_CASES = [
    ("adapt", "course/en/components.json", None),
    ("adapt", "course/en/contentObjects.json", None),
    ("rise", "scormcontent/index.html", b"window.courseData"),
    ("rise", "scormcontent/locales/*.js", b"__resolveJsonp"),
    ("storyline", "html5/data/js/data.js", None),
    ("storyline", "html5/data/js/*.js", b"globalProvideData('slide'"),
    ("h5p", "*content/content.json", None),  # H5P.Accordion as main library
    ("h5p", "*content/content.json", None),  # H5P.InteractiveBook
    ("h5p", "*content/content.json", None),  # H5P.CoursePresentation
    ("h5p", "*.html", b"H5PIntegration"),
    ("exe", "*content.xml", b"<ode"),
    ("exe", "*contentv3.xml", b"exe.engine.package.Package"),
    ("ispring", "*index.html", b"presInfo"),
    ("lectora", "*.html", b"function trivNextPage("),
    ("captivate", "*assets/js/CPM.js", b"cp.model.data"),
]
MAX_CONTENT_SEED = 65536 - 1  # scripts/fuzz.sh runs content_data with -max_len=65536, case byte included

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


def add_content_seeds(out, packages):
    """content_data: the case byte + each package's real data file of that case."""
    too_big = 0
    for case, (tool, pattern, marker) in enumerate(CONTENT_CASES):
        folder = os.path.join(packages, tool)
        for package in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            root = os.path.join(folder, package)
            for path in walk_files(root):
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if not fnmatch.fnmatchcase(rel, pattern):
                    continue
                if os.path.getsize(path) > MAX_CONTENT_SEED:
                    too_big += 1
                    continue
                data = read(path)
                if marker is None or marker in data:
                    add(out, "content_data", bytes([case]) + data)
    if too_big:
        print(f"make_seeds: content_data: {too_big} real data files over {MAX_CONTENT_SEED} bytes left out")


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
        add_content_seeds(out, packages)
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
