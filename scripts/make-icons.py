#!/usr/bin/env python3
"""Draws the extension's icons (extension/icons/icon{16,32,48,128}.png) with no imaging library:
a navy rounded square holding an orange clock face, for "just-in-time". Run it after changing
the design; the PNGs are committed."""
import math, struct, zlib, pathlib

NAVY, ORANGE, WHITE = (31, 42, 68), (255, 153, 0), (255, 255, 255)

def coverage(size, x, y, inside, samples=4):
    hits = 0
    for i in range(samples):
        for j in range(samples):
            if inside((x + (i + 0.5) / samples) / size, (y + (j + 0.5) / samples) / size):
                hits += 1
    return hits / (samples * samples)

def rounded_square(u, v, r=0.2):
    dx, dy = max(r - u, u - (1 - r), 0), max(r - v, v - (1 - r), 0)
    return dx * dx + dy * dy <= r * r

def ring(u, v):
    d = math.hypot(u - 0.5, v - 0.5)
    return d <= 0.36

def hands(u, v):
    cx, cy, w = 0.5, 0.5, 0.045
    up = abs(u - cx) <= w and cy - 0.25 <= v <= cy + w
    right = abs(v - cy) <= w and cx - w <= u <= cx + 0.2
    return up or right

def pixel(size, x, y):
    base = coverage(size, x, y, rounded_square)
    face = coverage(size, x, y, ring)
    hand = coverage(size, x, y, hands)
    colour = [NAVY[k] * (1 - face) + ORANGE[k] * face for k in range(3)]
    colour = [colour[k] * (1 - hand) + WHITE[k] * hand for k in range(3)]
    return bytes(int(round(c)) for c in colour) + bytes([int(round(255 * base))])

def png(size):
    rows = b"".join(b"\0" + b"".join(pixel(size, x, y) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")

out = pathlib.Path(__file__).resolve().parent.parent / "extension" / "icons"
out.mkdir(parents=True, exist_ok=True)
for size in (16, 32, 48, 128):
    (out / f"icon{size}.png").write_bytes(png(size))
