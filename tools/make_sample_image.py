#!/usr/bin/env python3
"""Writes resources/sample.png: a procedural 96x96 RGB test picture (colour gradient, a disc and
a checker patch) for image-fed graph inputs. Standard library only; output is deterministic."""
import math
import struct
import sys
import zlib

W = H = 96


def pixel(x, y):
    r = int(255 * x / (W - 1))
    g = int(255 * y / (H - 1))
    b = int(128 + 127 * math.sin(0.15 * (x + y)))
    if (x - 60) ** 2 + (y - 36) ** 2 < 20 ** 2:  # warm disc
        r, g, b = 240, 200, 40
    if 12 <= x < 44 and 52 <= y < 84 and ((x // 8) + (y // 8)) % 2 == 0:  # checker patch
        r, g, b = 20, 20, 20
    return r, g, b


def chunk(kind, data):
    c = kind + data
    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)


rows = b"".join(b"\x00" + bytes(v for x in range(W) for v in pixel(x, y)) for y in range(H))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
out = sys.argv[1] if len(sys.argv) > 1 else "resources/sample.png"
with open(out, "wb") as f:
    f.write(png)
