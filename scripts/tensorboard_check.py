#!/usr/bin/env python3
"""TensorBoard check: Synapse's event files read back with TensorBoard's own reader.

Trains four examples briefly with `--tensorboard DIR` (mnist-cnn, the conv
autoencoder, the VAE and char-lstm), loads every run with tensorboard's
EventAccumulator (which checks the TFRecord framing and both CRC-32C checksums of
every record) and checks:

- the epoch scalars: `epoch_loss` (train) equals the example's `--json` train_loss,
  `epoch_learning_rate` is there, validation runs hold `epoch_loss` under the same tag;
- weight and gradient histograms for every epoch, whose counts add up;
- the pictures (input grid, reconstructions, samples, weight images) decode as PNG
  with the size the summary states;
- char-lstm's text samples, one per epoch.

With `--screenshots DIR` it also serves `tensorboard --logdir` on 127.0.0.1 and
takes headless-Chromium screenshots of the scalars and images dashboards (the
README's pictures).

Runs inside $HOME/.cache/synapse-venv (installs tensorboard there when missing).
Usage: scripts/tensorboard_check.py [--keep DIR] [--screenshots DIR]
"""
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures_common as common  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (example, arguments, epochs, expected picture tags, text tags, has validation)
CASES = [
    ("mnist-cnn", ["--train-limit", "2000"], 2, ["inputs", "conv2d/kernel/image", "dense/kernel/image"], [], False),
    ("autoencoder", ["--kind", "conv", "--train-limit", "1000"], 2, ["reconstructions", "conv2d/kernel/image"], [], False),
    ("vae", ["--train-limit", "2000"], 2, ["samples", "reconstructions"], [], False),
    ("char-lstm", ["--train-limit", "20000", "--validation-limit", "4000", "--units", "64", "--sample-length", "50"], 2,
     ["lstm/kernel/image"], ["sample"], True),
]


def run(*args, capture=False):
    print("$ " + " ".join(args), flush=True)
    if capture:
        return subprocess.run(list(args), cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    subprocess.check_call(list(args), cwd=ROOT)
    return ""


def ensure_tensorboard():
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "tensorboard"])


def check_run(name, logdir, epochs, report, pictures, texts, has_validation):
    """Returns a list of failure messages (empty when everything holds)."""
    import numpy as np
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    failures = []
    everything = {"scalars": 0, "histograms": 0, "images": 0, "tensors": 0}
    train = EventAccumulator(os.path.join(logdir, "train"), size_guidance=everything)
    train.Reload()
    tags = train.Tags()
    scalars = train.Scalars("epoch_loss") if "epoch_loss" in tags["scalars"] else []
    loss = [event.value for event in scalars]
    if [event.step for event in scalars] != list(range(epochs)):
        failures.append(f"epoch_loss steps {[event.step for event in scalars]} among {tags['scalars']}")
    elif abs(loss[-1] - report["train_loss"]) > 1e-6 * max(1, abs(report["train_loss"])):
        failures.append(f"epoch_loss {loss[-1]} != train_loss {report['train_loss']}")
    if "epoch_learning_rate" not in tags["scalars"]:
        failures.append("no epoch_learning_rate")

    histograms = tags["histograms"]
    weights = [tag for tag in histograms if not tag.endswith("/gradient")]
    gradients = [tag for tag in histograms if tag.endswith("/gradient")]
    if not weights or len(gradients) != len(weights):
        failures.append(f"{len(weights)} weight and {len(gradients)} gradient histograms")
    for tag in histograms:
        events = train.Histograms(tag)
        if [event.step for event in events] != list(range(epochs)):
            failures.append(f"histogram {tag} steps {[event.step for event in events]}")
        for event in events:
            value = event.histogram_value
            if abs(sum(value.bucket) - value.num) > 0.5 or value.min > value.max:
                failures.append(f"histogram {tag} at step {event.step}: buckets {sum(value.bucket)} vs num {value.num}")

    for tag in pictures:
        if tag not in tags["images"]:
            failures.append(f"no picture {tag} among {tags['images']}")
            continue
        for event in train.Images(tag):
            image = Image.open(io.BytesIO(event.encoded_image_string))
            if image.size != (event.width, event.height):
                failures.append(f"picture {tag}: PNG {image.size} vs summary {(event.width, event.height)}")

    for tag in texts:
        from tensorboard.util import tensor_util
        events = train.Tensors(tag) if tag in tags["tensors"] else []
        samples = [tensor_util.make_ndarray(event.tensor_proto).item().decode("utf-8") for event in events]
        if len(samples) != epochs or not all(sample.strip() for sample in samples):
            failures.append(f"text {tag}: {len(samples)} samples")

    if has_validation:
        validation = EventAccumulator(os.path.join(logdir, "validation"), size_guidance=everything)
        validation.Reload()
        if "epoch_loss" not in validation.Tags()["scalars"]:
            failures.append("validation run without epoch_loss")
        else:
            values = [event.value for event in validation.Scalars("epoch_loss")]
            if abs(values[-1] - report["val_loss"]) > 1e-6 * max(1, abs(report["val_loss"])):
                failures.append(f"validation epoch_loss {values[-1]} != val_loss {report['val_loss']}")
    summary = (f"{name}: {len(tags['scalars'])} scalar tags, {len(histograms)} histogram tags, "
               f"{len(tags['images'])} picture tags, {len(tags['tensors'])} text tags")
    print(summary + (" -> OK" if not failures else " -> FAIL\n  " + "\n  ".join(failures)), flush=True)
    return failures


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def screenshots(logdir, folder):
    """Serves TensorBoard on 127.0.0.1 and takes headless-Chromium screenshots."""
    import urllib.request
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("screenshots skipped: no chromium (apt-get install chromium)")
        return
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        for _ in range(60):
            try:
                urllib.request.urlopen(base, timeout=2)
                break
            except OSError:
                time.sleep(1)
        for page, name in [("#scalars&tagFilter=epoch_(loss|accuracy)&_smoothingWeight=0", "tensorboard-scalars.png"),
                           ("#images&tagFilter=%5E(inputs%7Csamples%7Creconstructions)%24", "tensorboard-images.png")]:
            output = os.path.join(folder, name)
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--window-size=1400,1000", "--virtual-time-budget=15000", f"--screenshot={output}",
                            base + page], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
            print(f"wrote {output}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    ensure_tensorboard()
    scratch = os.environ.get("SYNAPSE_SCRATCH", ".build")
    work = argv[argv.index("--keep") + 1] if "--keep" in argv else tempfile.mkdtemp(prefix="synapse-tensorboard-")
    os.makedirs(work, exist_ok=True)
    run("swift", "build", "-c", "release", "-Xswiftc", "-enable-testing", "--build-tests", "--scratch-path", scratch)
    bin_dir = run("swift", "build", "-c", "release", "-Xswiftc", "-enable-testing", "--scratch-path", scratch, "--show-bin-path", capture=True).strip()
    results = []
    for example, arguments, epochs, pictures, texts, has_validation in CASES:
        logdir = os.path.join(work, "logs", example)
        shutil.rmtree(logdir, ignore_errors=True)
        output = run(os.path.join(bin_dir, example), *arguments, "--epochs", str(epochs), "--tensorboard", logdir,
                     "--output-dir", os.path.join(work, "out"), "--json", capture=True)
        report = json.loads(output.strip().splitlines()[-1])
        results.append(not check_run(example, logdir, epochs, report, pictures, texts, has_validation))
    if "--screenshots" in argv:
        screenshots(os.path.join(work, "logs"), argv[argv.index("--screenshots") + 1])
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed (TensorBoard read-back; files in {work})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
