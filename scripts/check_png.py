#!/usr/bin/env python3
"""Decode a PNG with nothing but the standard library (zlib + struct) and check it.

An independent decoder for the PNG files Synapse writes (SynapsePlot's encoder):
it verifies the signature, every chunk's CRC, the IHDR fields, that IDAT inflates
to exactly the expected number of bytes, and undoes the five row filters. Supports
8-bit non-interlaced grayscale (0), RGB (2), grayscale+alpha (4) and RGBA (6).

Usage:
    python3 scripts/check_png.py FILE [FILE ...]     one summary line per file
    python3 scripts/check_png.py --json FILE         one JSON object with the pixels

The JSON form holds width, height, channels, colour_type and "pixels": a flat list
of bytes, row-major, channels interleaved; the Swift tests compare it with the
pixels they drew. Exit status 0 when every file decodes, 1 otherwise (the reason
is printed to stderr).
"""
import json
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


class PNGError(Exception):
    pass


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    if data[:8] != SIGNATURE:
        raise PNGError("bad signature")
    offset = 8
    header = None
    idat = bytearray()
    chunk_types = []
    while offset < len(data):
        if offset + 8 > len(data):
            raise PNGError("truncated chunk header at byte %d" % offset)
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if len(body) != length or offset + 12 + length > len(data):
            raise PNGError("truncated %r chunk" % kind)
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise PNGError("CRC mismatch in %r chunk" % kind)
        chunk_types.append(kind.decode("latin-1"))
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        offset += 12 + length
    if not chunk_types or chunk_types[0] != "IHDR" or chunk_types[-1] != "IEND":
        raise PNGError("chunks must start with IHDR and end with IEND, got %s" % chunk_types)
    width, height, depth, colour, compression, filtering, interlace = header
    if depth != 8 or colour not in CHANNELS or compression or filtering or interlace:
        raise PNGError("unsupported IHDR %s" % (header,))
    if width == 0 or height == 0:
        raise PNGError("empty image %dx%d" % (width, height))
    channels = CHANNELS[colour]
    stride = width * channels
    raw = zlib.decompress(bytes(idat))
    if len(raw) != height * (stride + 1):
        raise PNGError("IDAT inflates to %d bytes, expected %d" % (len(raw), height * (stride + 1)))
    pixels = bytearray(height * stride)
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            upper_left = previous[x - channels] if x >= channels else 0
            if kind == 0:
                predictor = 0
            elif kind == 1:
                predictor = left
            elif kind == 2:
                predictor = up
            elif kind == 3:
                predictor = (left + up) // 2
            elif kind == 4:
                predictor = paeth(left, up, upper_left)
            else:
                raise PNGError("unknown filter type %d in row %d" % (kind, y))
            line[x] = (line[x] + predictor) & 0xFF
        pixels[y * stride:(y + 1) * stride] = line
        previous = line
    return {"width": width, "height": height, "channels": channels, "colour_type": colour,
            "chunks": chunk_types, "pixels": pixels}


def main(argv):
    as_json = "--json" in argv
    paths = [a for a in argv if a != "--json"]
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            with open(path, "rb") as handle:
                image = decode(handle.read())
        except (OSError, PNGError, zlib.error, struct.error) as error:
            print("%s: %s" % (path, error), file=sys.stderr)
            status = 1
            continue
        pixels = image["pixels"]
        if as_json:
            image["pixels"] = list(pixels)
            print(json.dumps(image))
        else:
            mean = sum(pixels) / len(pixels)
            print("%s: ok, %dx%d, %d channel(s), colour type %d, mean byte %.1f"
                  % (path, image["width"], image["height"], image["channels"], image["colour_type"], mean))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
