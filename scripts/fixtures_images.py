#!/usr/bin/env python3
"""Writes the JPEG and PNG files that Synapse's image-decoder tests read
(Tests/SynapseIOTests/Fixtures/images), each with the pixels it must decode to as
a .npy file beside it (NAME.jpg -> NAME.npy, uint8 [height, width] or
[height, width, channels]).

JPEG: Pillow writes the file and its decode is the reference. PNG: Pillow writes the
palette and 1-bit files, pypng the 16-bit, 2/4-bit and Adam7-interlaced ones (which
Pillow cannot write); the reference is Pillow's decode where Pillow gives 8-bit
samples, else the source array with 16-bit samples cut to their high byte and
1-4-bit grey scaled to 0...255 (libpng's conversions).

    python3 scripts/fixtures_images.py

Re-executes itself inside $HOME/.cache/synapse-venv (see fixtures_common.py).
Pillow decodes JPEG with libjpeg-turbo, as Synapse does, so the pixels agree to
within rounding; the damaged files (truncated, CMYK) have no reference: the tests
expect a readable error.
"""

import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import fixtures_common as common  # noqa: E402


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    import numpy as np
    from PIL import Image

    out = os.path.join(ROOT, "Tests", "SynapseIOTests", "Fixtures", "images")
    os.makedirs(out, exist_ok=True)

    def path(name):
        return os.path.join(out, name)

    # A smooth colour picture with an edge, 20 wide and 12 high (not a multiple of the
    # 16-pixel blocks of 4:2:0 subsampling, so the decoder's edge handling counts).
    y, x = np.mgrid[0:12, 0:20]
    rgb = np.stack([x * 12, y * 20, np.where(x > 9, 200, 40) + y], axis=-1).clip(0, 255).astype(np.uint8)
    picture = Image.fromarray(rgb, "RGB")
    grey = Image.fromarray((x * 10 + y * 5).clip(0, 255).astype(np.uint8), "L")

    def save_with_reference(image, name, **options):
        image.save(path(name), **options)
        decoded = np.asarray(Image.open(path(name)).convert("L" if image.mode == "L" else "RGB"))
        np.save(path(os.path.splitext(name)[0] + ".npy"), decoded)

    save_with_reference(picture, "colour_420.jpg", quality=90, subsampling=2)
    save_with_reference(picture, "colour_444.jpg", quality=95, subsampling=0)
    save_with_reference(picture, "colour_progressive.jpg", quality=85, progressive=True)
    save_with_reference(grey, "grey.jpg", quality=90)

    # Damaged and unsupported files.
    whole = open(path("colour_420.jpg"), "rb").read()
    open(path("truncated.jpg"), "wb").write(whole[: len(whole) // 2])
    picture.convert("CMYK").save(path("cmyk.jpg"), quality=90)
    # A PNG under a .jpg name: read by its content.
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")
    open(path("png_named.jpg"), "wb").write(buffer.getvalue())
    write_pngs(out, np, Image)
    print(f"wrote {len(os.listdir(out))} files to {out}")


def write_pngs(out, np, Image):
    import png

    def path(name):
        return os.path.join(out, name)

    def reference(name, array):
        np.save(path(os.path.splitext(name)[0] + ".npy"), np.ascontiguousarray(array.astype(np.uint8)))

    # 13 x 11: odd sizes, so every Adam7 pass has a ragged edge.
    y, x = np.mgrid[0:11, 0:13]
    rgb = np.stack([x * 19, y * 23, (x * y * 7) % 256], axis=-1).astype(np.uint8)

    # Palette (Pillow): 8-bit indices, then with transparency (decodes to RGBA).
    paletted = Image.fromarray(rgb, "RGB").quantize(colors=16)
    paletted.save(path("palette.png"))
    reference("palette.png", np.asarray(Image.open(path("palette.png")).convert("RGB")))
    paletted.info["transparency"] = bytes([0, 128] + [255] * 14)
    paletted.save(path("palette_alpha.png"), transparency=bytes([0, 128] + [255] * 14))
    reference("palette_alpha.png", np.asarray(Image.open(path("palette_alpha.png")).convert("RGBA")))

    # 1-bit grey (Pillow mode "1"): 0 or 255.
    bits = ((x + y) % 3 == 0)
    Image.fromarray(bits).save(path("grey_1bit.png"))
    reference("grey_1bit.png", bits * 255)

    # pypng: 4-bit grey, 2-bit palette, 16-bit grey and RGB, interlaced RGBA and 16-bit grey.
    grey4 = (x + y) % 16
    png.Writer(13, 11, greyscale=True, bitdepth=4).write(open(path("grey_4bit.png"), "wb"), grey4.tolist())
    reference("grey_4bit.png", grey4 * 17)

    palette4 = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (250, 250, 250)]
    indices = (x * 3 + y) % 4
    png.Writer(13, 11, palette=palette4, bitdepth=2).write(open(path("palette_2bit.png"), "wb"), indices.tolist())
    reference("palette_2bit.png", np.array(palette4)[indices])

    grey16 = (x * 5000 + y * 300).astype(np.uint16)
    png.Writer(13, 11, greyscale=True, bitdepth=16).write(open(path("grey_16bit.png"), "wb"), grey16.tolist())
    reference("grey_16bit.png", grey16 >> 8)

    rgb16 = (rgb.astype(np.uint16) * 257 + 100).clip(0, 65535)
    png.Writer(13, 11, greyscale=False, bitdepth=16).write(open(path("rgb_16bit.png"), "wb"),
                                                          rgb16.reshape(11, 13 * 3).tolist())
    reference("rgb_16bit.png", rgb16 >> 8)

    rgba = np.concatenate([rgb, ((x * 11 + y * 13) % 256)[..., None].astype(np.uint8)], axis=-1)
    png.Writer(13, 11, greyscale=False, alpha=True, interlace=True).write(
        open(path("rgba_interlaced.png"), "wb"), rgba.reshape(11, 13 * 4).tolist())
    reference("rgba_interlaced.png", np.asarray(Image.open(path("rgba_interlaced.png")).convert("RGBA")))
    assert (np.asarray(Image.open(path("rgba_interlaced.png")).convert("RGBA")) == rgba).all()

    png.Writer(13, 11, greyscale=True, bitdepth=16, interlace=True).write(
        open(path("grey_16bit_interlaced.png"), "wb"), grey16.tolist())
    reference("grey_16bit_interlaced.png", grey16 >> 8)

    png.Writer(13, 11, palette=palette4, bitdepth=2, interlace=True).write(
        open(path("palette_2bit_interlaced.png"), "wb"), indices.tolist())
    reference("palette_2bit_interlaced.png", np.array(palette4)[indices])


if __name__ == "__main__":
    main(sys.argv[1:])
