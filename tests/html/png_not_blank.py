#!/usr/bin/env python3
"""Checks a PNG screenshot is not blank, with the standard library only.

A blank or failed render is one flat colour (white page, black window). A real
page has several distinct colours and a non-trivial share of non-white pixels.
Usage: png_not_blank.py FILE.png [--min-colours N] [--min-ink FRACTION]
Exit status 0 when the image looks like a page, 1 otherwise, 2 on a bad file.

Pure Python is slow per byte, so the common row filters are undone with
whole-row operations that run in C (big-integer arithmetic, accumulate,
bytes.translate); only Paeth rows with real content take a per-byte loop.
"""
import itertools
import operator
import struct
import sys
import zlib


def undo_up(line, prev):
    """Bytewise (line + prev) mod 256 in one big-integer step (no carries
    cross bytes: add the low 7 bits, then xor in the top bits)."""
    n = len(line)
    low, top = int.from_bytes(b"\x7f" * n, "big"), int.from_bytes(b"\x80" * n, "big")
    a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
    return bytearray((((a & low) + (b & low)) ^ ((a ^ b) & top)).to_bytes(n, "big"))


def undo_sub(line, bpp):
    for c in range(bpp):  # a running sum per channel
        line[c::bpp] = bytes(map((255).__and__, itertools.accumulate(line[c::bpp], operator.add)))
    return line


def undo_paeth(line, prev, bpp):
    if not any(line):
        # All-zero residuals reproduce the previous row exactly: Paeth then
        # always predicts b (the byte above) once left == upper-left.
        return bytearray(prev)
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        line[i] = (line[i] + pred) & 0xFF
    return line


def decode(path):
    """Returns (width, height, channels, rows of bytes) for 8-bit PNGs."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("unsupported PNG (depth %d, colour type %d, interlace %d)" % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride, bpp = width * channels, channels
    if len(raw) < height * (stride + 1):
        raise ValueError("truncated image data")
    rows, prev = [], bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        # Undo the PNG row filters (PNG specification, section 9).
        if kind == 1:
            line = undo_sub(line, bpp)
        elif kind == 2:
            line = undo_up(line, prev)
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            line = undo_paeth(line, prev, bpp)
        elif kind != 0:
            raise ValueError("bad filter %d on row %d" % (kind, y))
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


# 1 for a byte visibly darker than white, else 0.
DARK = bytes(1 if v < 240 else 0 for v in range(256))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, min_colours, min_ink = argv[1], 8, 0.01
    args = argv[2:]
    while args:
        if args[0] == "--min-colours" and len(args) > 1:
            min_colours = int(args[1])
        elif args[0] == "--min-ink" and len(args) > 1:
            min_ink = float(args[1])
        else:
            print("unknown option %s" % args[0], file=sys.stderr)
            return 2
        args = args[2:]
    try:
        width, height, channels, rows = decode(path)
    except (OSError, ValueError, zlib.error) as e:
        print("%s: %s" % (path, e), file=sys.stderr)
        return 2
    colour_channels = min(channels, 3)  # alpha does not make a colour
    colours, ink = set(), 0
    for row in rows:
        planes = [row[c::channels] for c in range(colour_channels)]
        if len(colours) < 4096:
            colours.update(zip(*planes))
        # A pixel is ink when any of its colour channels is dark.
        mask = 0
        for plane in planes:
            mask |= int.from_bytes(plane.translate(DARK), "big")
        ink += bin(mask).count("1")
    total = width * height
    share = ink / total if total else 0.0
    ok = len(colours) >= min_colours and share >= min_ink
    print("%s: %dx%d, %s%d colours, %.1f%% non-white: %s"
          % (path, width, height, "at least " if len(colours) >= 4096 else "", len(colours), 100 * share,
             "ok" if ok else "looks blank"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
