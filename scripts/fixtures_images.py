#!/usr/bin/env python3
"""Writes the JPEG and PNG files that Synapse's image-decoder tests read
(Tests/SynapseIOTests/Fixtures/images), each with Pillow's decode of it as a .npy
file beside it (NAME.jpg -> NAME.npy, uint8 [height, width] or [height, width, 3]).

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
    print(f"wrote {len(os.listdir(out))} files to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
