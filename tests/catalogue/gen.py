#!/usr/bin/env python3
"""Generates the catalogue's binary and big inputs at test time, so no MBs and
no hand-crafted binaries live in git.

    python3 gen.py OUT_DIR          # writes every input below OUT_DIR/gen/

Each generator writes one file (or one package folder) named like the
`gen/...` inputs in cases.tsv. The well-formed bases come from inputs/xml/.
"""
import os
import warnings
import struct
import sys
import zipfile
import zlib

# zipfile warns on the duplicate names the traps need.
warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
HERE = os.path.dirname(os.path.abspath(__file__))
BASE = open(os.path.join(HERE, "inputs", "xml", "ok-scorm12.xml"), "rb").read()
# The base without its XML declaration, for declarations of other encodings.
BODY = BASE.split(b"?>", 1)[1].lstrip()
CMI5 = b"""<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/c"><title><langstring lang="en">C</langstring></title>
    <description><langstring lang="en">D</langstring></description></course>
  <au id="https://example.org/c/au1"><title><langstring lang="en">A</langstring></title>
    <description><langstring lang="en">D</langstring></description><url>index.html</url></au>
</courseStructure>
"""

GENERATORS = {}


def gen(name):
    def register(fn):
        GENERATORS[name] = fn
        return fn
    return register


# --- issue 10, finding 1: a 4-byte manifest -----------------------------------
@gen("xml/four-bytes.xml")
def four_bytes(path):
    write(path, b"\x00\x3c\x00\x00")


# --- encodings ------------------------------------------------------------------
def declared(encoding):
    return b'<?xml version="1.0" encoding="' + encoding.encode() + b'"?>\n' + BODY


def encoded_generator(bom, declaration, codec):
    """The base, declared as `declaration` (None: no declaration), encoded
    with `codec`, after `bom`."""
    def run(path):
        text = (declared(declaration) if declaration else BODY).decode()
        write(path, bom + text.encode(codec))
    return run


# name: (BOM, declared encoding, actual encoding)
ENCODINGS = {
    "utf16le-bom": (b"\xff\xfe", "UTF-16", "utf-16-le"),
    "utf16be-bom": (b"\xfe\xff", "UTF-16", "utf-16-be"),
    "utf16le-nobom": (b"", "UTF-16", "utf-16-le"),
    "utf16be-nobom": (b"", "UTF-16", "utf-16-be"),
    # No BOM and no declaration: nothing says UTF-16, so it is not XML.
    "utf16-nodecl-nobom": (b"", None, "utf-16-le"),
    "utf32le-bom": (b"\xff\xfe\x00\x00", "UTF-32", "utf-32-le"),
    "utf32be-bom": (b"\x00\x00\xfe\xff", "UTF-32", "utf-32-be"),
    "utf32le-nobom": (b"", "UTF-32", "utf-32-le"),
    # The BOM says UTF-8, the declaration UTF-16.
    "utf8-bom-declares-utf16": (b"\xef\xbb\xbf", "UTF-16", "utf-8"),
    # UTF-16 with a BOM whose declaration lies (says UTF-8): the BOM wins.
    "utf16-declares-utf8": (b"\xff\xfe", "UTF-8", "utf-16-le"),
}
for _name, _how in ENCODINGS.items():
    GENERATORS["xml/%s.xml" % _name] = encoded_generator(*_how)


def with_title(title_bytes):
    """The base with the organization's title replaced (line 8)."""
    return BASE.replace(b"<title>Catalogue course</title>", b"<title>" + title_bytes + b"</title>")


def titled_generator(title):
    def run(path):
        write(path, with_title(title))
    return run


# Byte sequences in the title (line 9) that are not well-formed UTF-8 or XML.
BAD_TITLES = {
    "invalid-utf8": b"caf\xc3\x28",
    "overlong-utf8": b"slash \xc0\xaf",
    "surrogate-utf8": b"half \xed\xa0\x80 pair",
    "latin1-declared-utf8": b"caf\xe9",
    "nul-in-text": b"before\x00after",
}
for _name, _title in BAD_TITLES.items():
    GENERATORS["xml/%s.xml" % _name] = titled_generator(_title)


@gen("xml/nul-padding.xml")
def nul_padding(path):
    # A manifest followed by 4 KiB of NULs (a file cut by a crash, then padded).
    write(path, BASE + b"\x00" * 4096)


# --- truncated at every structural point -----------------------------------------
TRUNCATIONS = {
    "in-declaration": b'<?xml version="1.',
    "after-declaration": b"?>",
    "in-start-tag-name": b"<organiza",
    "in-attribute-name": b"<manifest identi",
    "after-equals": b"<manifest identifier=",
    "in-attribute-value": b'<manifest identifier="com.exa',
    "in-text": b"<title>Catalogue co",
    "in-end-tag": b"</tit",
    "in-comment": b"<!-- The catalogue",
    "after-empty-element": b'<file href="index.html"/>',
    "before-root-end": b"</resources>",
}


def truncation_generator(point):
    def run(path):
        cut = BASE.index(TRUNCATIONS[point]) + len(TRUNCATIONS[point])
        write(path, BASE[:cut])
    return run


for _point in TRUNCATIONS:
    GENERATORS["xml/truncated-" + _point + ".xml"] = truncation_generator(_point)


# --- size and depth ------------------------------------------------------------------
@gen("xml/deep-100k.xml")
def deep_xml(path):
    n = 100_000
    write(path, b"<manifest>" + b"<item>" * n + b"</item>" * n + b"</manifest>")


@gen("xml/huge-attribute.xml")
def huge_attribute(path):
    # A 32 MiB identifier: over libxml2's 10 MB limit on one attribute.
    write(path, BASE.replace(b'identifier="com.example.catalogue"',
                             b'identifier="' + b"a" * (32 << 20) + b'"'))


@gen("xml/huge-text.xml")
def huge_text(path):
    write(path, with_title(b"x" * (32 << 20)))


@gen("xml/href-too-long.xml")
def href_too_long(path):
    # A <file> href longer than any name a zip can hold (65,535 bytes): one
    # plain (the readers' fast path), one that needs resolving ("./").
    write(path, BASE.replace(b'<file href="index.html"/>',
                             b'<file href="index.html"/>\n      <file href="' + b"a" * 70_000 + b'"/>'
                             b'\n      <file href="./' + b"b" * 70_000 + b'"/>'))


def attributes_generator(count):
    # count attributes on the root element (libxml2 compares each new
    # attribute with those before it: the time grows with count squared).
    def run(path):
        attrs = b"".join(b' a%d="v"' % i for i in range(count))
        write(path, BASE.replace(b'<manifest identifier', b"<manifest" + attrs + b" identifier"))
    return run


GENERATORS["xml/attributes-20k.xml"] = attributes_generator(20_000)
GENERATORS["xml/attributes-200k.xml"] = attributes_generator(200_000)


@gen("xml/over-max-manifest-bytes.xml")
def over_max(path):
    # 300 MB (over the 256 MiB default of max_manifest_bytes), sparse on disk:
    # a real start, then a hole of NULs. Must be refused by its size, at once.
    with open(path, "wb") as f:
        f.write(BASE[:200])
        f.truncate(300_000_000)


@gen("cmi5/four-bytes.xml")
def cmi5_four_bytes(path):
    write(path, b"\x00\x3c\x00\x00")


@gen("cmi5/deep-100k.xml")
def cmi5_deep(path):
    n = 100_000
    write(path, CMI5.replace(b"</courseStructure>", b"<block>" * n + b"</block>" * n + b"</courseStructure>"))


# --- issue 10, findings 2-4: role maps and configs ---------------------------------------
ROLES_HEAD = b'{"version": 1, "roles": [], "rules": [], "people": '


@gen("roles/deep-arrays-1m.json")
def roles_deep_arrays(path):
    n = 1_000_000
    write(path, ROLES_HEAD + b"[" * n + b"]" * n + b"}")


@gen("roles/deep-objects-100k.json")
def roles_deep_objects(path):
    n = 100_000
    write(path, b'{"version": 1, "x": ' + b'{"a":' * n + b"1" + b"}" * n + b"}")


@gen("roles/huge-string.json")
def roles_huge_string(path):
    write(path, b'{"version": 1, "roles": [{"id": "voice", "title": "' + b"v" * (64 << 20) + b'"}]}')


@gen("roles/glob-million.json")
def roles_glob_million(path):
    write(path, b'{"version": 1, "rules": [{"name": "g", "match": {"paths": ["' + b"**/" * 1_000_000 +
          b'x"]}, "roles": ["writer"]}]}')


@gen("roles/glob-thousand.json")
def roles_glob_thousand(path):
    # 4 KB: a thousand "**/" then a name that is nowhere, so every split is tried.
    write(path, b'{"version": 1, "rules": [{"name": "g", "match": {"paths": ["' + b"**/" * 1365 +
          b'x"]}, "roles": ["writer"]}]}')


@gen("pkg/deep-paths")
def deep_paths_package(path):
    # A package whose page sits 40 folders down: a backtracking glob matcher
    # tries every way to spread the "**/" segments over those folders.
    deep = b"/".join([b"level"] * 40) + b"/page.html"
    os.makedirs(os.path.join(path, os.path.dirname(deep.decode())))
    write(os.path.join(path, "imsmanifest.xml"), BASE.replace(b"index.html", deep))
    write(os.path.join(path, deep.decode()), INDEX)


@gen("roles/people-100k-empty-agents.json")
def roles_people(path):
    people = b",".join(b'{"agent": {}, "name": "P%d", "roles": ["writer"]}' % i for i in range(100_000))
    write(path, b'{"version": 1, "people": [' + people + b"]}")


@gen("roles/invalid-utf8.json")
def roles_invalid_utf8(path):
    write(path, b'{"version": 1, "roles": [{"id": "voice", "title": "caf\xc3\x28"}]}')


@gen("roles/nul-byte.json")
def roles_nul(path):
    write(path, b'{"version": 1,\x00 "roles": []}')


@gen("roles/utf16-bom.json")
def roles_utf16(path):
    write(path, b"\xff\xfe" + '{"version": 1}'.encode("utf-16-le"))


@gen("configs/deep-arrays-1m.json")
def config_deep(path):
    n = 1_000_000
    write(path, b'{"course_iri": "https://lms.example.org/c", "targets": ' + b"[" * n + b"]" * n + b"}")


@gen("configs/huge.json")
def config_huge(path):
    write(path, b'{"course_iri": "https://lms.example.org/' + b"c" * (64 << 20) + b'", "targets": []}')


@gen("csv/huge-bad.csv")
def csv_huge_bad(path):
    # 100,000 rows, each naming a piece that does not exist: the errors must be
    # capped, not printed 100,000 times.
    write(path, b"piece,role,status,by\n" + b"".join(b"NOPE-%d,writer,done,ana\n" % i for i in range(100_000)))


@gen("csv/nul-byte.csv")
def csv_nul(path):
    write(path, b"piece,role,status,by\nSCO-WELCOME,writer,done,an\x00a\n")


@gen("csv/invalid-utf8.csv")
def csv_invalid_utf8(path):
    write(path, b"piece,role,status,by,note\nSCO-WELCOME,writer,done,ana,caf\xc3\x28\n")


# --- zips ----------------------------------------------------------------------------------
INDEX = b"<html><body>index</body></html>"


def course_entries():
    return [("imsmanifest.xml", BASE), ("index.html", INDEX)]


def write_zip(path, entries, compression=zipfile.ZIP_DEFLATED, **kw):
    with zipfile.ZipFile(path, "w", compression, **kw) as z:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                z.writestr(name, data)
            else:
                z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=compression)


@gen("zip/ok.zip")
def zip_ok(path):
    write_zip(path, course_entries())


@gen("zip/slip.zip")
def zip_slip(path):
    write_zip(path, course_entries() + [("../../evil.sh", b"#!/bin/sh\n")])


@gen("zip/slip-inner.zip")
def zip_slip_inner(path):
    write_zip(path, course_entries() + [("a/../../evil.sh", b"x")])


@gen("zip/absolute.zip")
def zip_absolute(path):
    write_zip(path, course_entries() + [("/etc/cron.d/evil", b"x")])


@gen("zip/drive-letter.zip")
def zip_drive(path):
    write_zip(path, course_entries() + [("C:/Windows/evil.dll", b"x")])


@gen("zip/backslash-slip.zip")
def zip_backslash_slip(path):
    write_zip(path, course_entries() + [("..\\..\\evil.bat", b"x")])


@gen("zip/backslash.zip")
def zip_backslash(path):
    manifest = BASE.replace(b'href="index.html">', b'href="pages/index.html">').replace(
        b'<file href="index.html"/>', b'<file href="pages/index.html"/>')
    write_zip(path, [("imsmanifest.xml", manifest), ("pages\\index.html", INDEX)])


@gen("zip/control-char.zip")
def zip_control(path):
    write_zip(path, course_entries() + [("evil\x1b[2J.html", b"x")])


@gen("zip/symlink.zip")
def zip_symlink(path):
    link = zipfile.ZipInfo("passwd.html", (2026, 1, 1, 0, 0, 0))
    link.create_system = 3  # Unix
    link.external_attr = (0o120777 << 16)  # S_IFLNK
    write_zip(path, course_entries() + [(link, b"/etc/passwd")])


@gen("zip/bomb-ratio.zip")
def zip_bomb_ratio(path):
    # 64 MiB of zeros deflate to ~64 KiB: a ratio of ~1000 (the limit is 200).
    write_zip(path, course_entries() + [("video.bin", b"\x00" * (64 << 20))])


@gen("zip/bomb-total.zip")
def zip_bomb_total(path):
    # Three stored 1-byte entries whose headers declare 3.75 GiB each, stored
    # (ratio 1, so the ratio check passes): 11 GiB in all, over the 8 GiB
    # default of max_expanded_bytes.
    write_zip(path, course_entries() + [("d%d.bin" % i, b"z") for i in range(3)], zipfile.ZIP_STORED)

    def declare_huge(data, at, central):  # compressed and uncompressed sizes
        struct.pack_into("<II", data, at + (20 if central else 18), 0xF0000000, 0xF0000000)
    patch_headers(path, lambda name: name.startswith(b"d"), declare_huge)


@gen("zip/duplicate-file.zip")
def zip_duplicate_file(path):
    write_zip(path, course_entries() + [("index.html", b"<html>the other one</html>")])


@gen("zip/duplicate-manifest.zip")
def zip_duplicate_manifest(path):
    # The second copy is the one some LMSs deploy: it was never checked.
    other = BASE.replace(b"Catalogue course", b"Unchecked copy")
    write_zip(path, course_entries() + [("imsmanifest.xml", other)])


@gen("zip/lying-size-unlisted.zip")
def zip_lying_unlisted(path):
    # extra.bin holds 1 MiB but its headers say 10 bytes; no resource lists it.
    write_zip(path, course_entries() + [("extra.bin", os.urandom(1 << 20))], zipfile.ZIP_STORED)
    patch_sizes(path, lambda name: name == b"extra.bin", 10)


@gen("zip/lying-size-listed.zip")
def zip_lying_listed(path):
    write_zip(path, [("imsmanifest.xml", BASE), ("index.html", INDEX * 1000)])
    patch_sizes(path, lambda name: name == b"index.html", 10)


@gen("zip/bad-crc.zip")
def zip_bad_crc(path):
    write_zip(path, course_entries(), zipfile.ZIP_STORED)
    patch_crc(path, lambda name: name == b"index.html")


@gen("zip/encrypted.zip")
def zip_encrypted(path):
    # Sets the "encrypted" flag on index.html (traditional PKWARE encryption).
    write_zip(path, course_entries(), zipfile.ZIP_STORED)
    patch_flags(path, lambda name: name == b"index.html", 0x1)


@gen("zip/zip64.zip")
def zip_zip64(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for name, data in course_entries():
            with z.open(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), "w", force_zip64=True) as f:
                f.write(data)


@gen("zip/truncated-central-directory.zip")
def zip_truncated_cd(path):
    write_zip(path, course_entries())
    data = open(path, "rb").read()
    cd = data.rindex(b"PK\x01\x02")
    write(path, data[:cd + 20])


@gen("zip/truncated-half.zip")
def zip_truncated_half(path):
    write_zip(path, course_entries() + [("big.bin", os.urandom(64 << 10))], zipfile.ZIP_STORED)
    data = open(path, "rb").read()
    write(path, data[:len(data) // 2])


@gen("zip/not-a-zip.zip")
def zip_not(path):
    write(path, b"PK\x03\x04" + os.urandom(4096))


@gen("zip/empty-archive.zip")
def zip_empty(path):
    write_zip(path, [])


@gen("zip/manifest-in-folder.zip")
def zip_nested(path):
    write_zip(path, [("course/imsmanifest.xml", BASE), ("course/index.html", INDEX)])


@gen("zip/cd-count-lies.zip")
def zip_cd_count(path):
    # The end record claims 65,535 entries; the archive holds two.
    write_zip(path, course_entries())
    data = bytearray(open(path, "rb").read())
    eocd = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 0xFFFF, 0xFFFF)
    write(path, bytes(data))


# --- helpers -------------------------------------------------------------------------------
def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def patch_headers(path, want, patch):
    """Calls patch(data, header_offset, is_central) for every local and central
    header whose name satisfies want(name)."""
    data = bytearray(open(path, "rb").read())
    pos = 0
    while True:
        local = data.find(b"PK\x03\x04", pos)
        if local < 0:
            break
        n = struct.unpack_from("<H", data, local + 26)[0]
        if want(bytes(data[local + 30:local + 30 + n])):
            patch(data, local, False)
        pos = local + 4
    pos = 0
    while True:
        central = data.find(b"PK\x01\x02", pos)
        if central < 0:
            break
        n = struct.unpack_from("<H", data, central + 28)[0]
        if want(bytes(data[central + 46:central + 46 + n])):
            patch(data, central, True)
        pos = central + 4
    write(path, bytes(data))


def patch_sizes(path, want, size):
    # Uncompressed size: local header offset 22, central header offset 24.
    patch_headers(path, want, lambda d, at, central: struct.pack_into("<I", d, at + (24 if central else 22), size))


def patch_crc(path, want):
    def flip(d, at, central):
        off = at + (16 if central else 14)
        struct.pack_into("<I", d, off, struct.unpack_from("<I", d, off)[0] ^ 0xDEADBEEF)
    patch_headers(path, want, flip)


def patch_flags(path, want, bits):
    def setbits(d, at, central):
        off = at + (8 if central else 6)
        struct.pack_into("<H", d, off, struct.unpack_from("<H", d, off)[0] | bits)
    patch_headers(path, want, setbits)


def generate(out_dir):
    for name, fn in GENERATORS.items():
        path = os.path.join(out_dir, "gen", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path):
            fn(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen.py OUT_DIR")
    generate(sys.argv[1])
    print("generated %d inputs in %s/gen" % (len(GENERATORS), sys.argv[1]))
