#!/usr/bin/env python3
"""Keras check: the architecture a Synapse model file stores loads in Keras 3.

Trains the MNIST MLP, the MNIST CNN and the IMDB text LSTM examples briefly
(--save), then for each model file:

1. reads the `architecture` metadata as it is and builds it with
   `keras.models.model_from_json` (no conversion: the file holds Keras 3's form);
2. puts the weights in with `set_weights`, layer by layer, by name: Keras' variable
   `<layer>/<name>` is the file's tensor `<layer>.<name>`;
3. predicts on the same inputs as `synapse run-model` and checks that the largest
   difference is at most 1e-5;
4. writes the model as a `.keras` file with `synapse export-keras` and checks that
   `keras.models.load_model` opens it and predicts the same, within 1e-5.

Functional models (Keras' `Functional` config with `inbound_nodes`): the Swift test
`FunctionalInteropExport` writes the README's small ResNet and a two-input,
two-output model with a shared layer; Keras builds both with `model_from_json`, the
ResNet predicts what `synapse run-model` predicts (within 1e-5) and the other has
Synapse's inputs, outputs and shapes. (`export-keras` writes Sequential models only.)

Runs inside $HOME/.cache/synapse-venv (keras is installed there when missing; it
runs on its PyTorch backend). Builds with the flags of `make test`.
Usage: scripts/keras_check.py [--keep DIR]
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures_common as common  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-5


def run(*args, capture=False):
    print("$ " + " ".join(args), flush=True)
    if capture:
        return subprocess.run(list(args), cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    subprocess.check_call(list(args), cwd=ROOT, stdout=subprocess.DEVNULL)
    return ""


def ensure_keras():
    try:
        import keras  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "keras"])


def architecture_json(path):
    """The `architecture` entry of a safetensors file's metadata."""
    with open(path, "rb") as file:
        length = struct.unpack("<Q", file.read(8))[0]
        header = json.loads(file.read(length))
    return header["__metadata__"]["architecture"]


def keras_model(path):
    import keras
    from safetensors.numpy import load_file
    model = keras.models.model_from_json(architecture_json(path))
    tensors = load_file(path)
    used = set()
    for layer in model.layers:
        names = [f"{layer.name}.{variable.path.split('/')[-1]}" for variable in layer.weights]
        layer.set_weights([tensors[name] for name in names])
        used.update(names)
    unused = sorted(set(tensors) - used)
    if unused:
        raise ValueError(f"tensors not used by the Keras model: {unused}")
    return model


def compare(name, path, x, synapse, work):
    import numpy as np
    from safetensors.numpy import load_file, save_file
    x_path, y_path = os.path.join(work, f"{name}.x.safetensors"), os.path.join(work, f"{name}.y.safetensors")
    save_file({"x": x}, x_path)
    run(synapse, "run-model", path, "--input", x_path, "--output", y_path)
    y_synapse = load_file(y_path)["y"]
    import keras
    keras_path = os.path.join(work, f"{name}.keras")
    run(synapse, "export-keras", path, keras_path)
    results = []
    for how, model in [("model_from_json + set_weights", keras_model(path)),
                       ("load_model(.keras)", keras.models.load_model(keras_path))]:
        y_keras = np.asarray(model.predict(x, verbose=0))
        difference = float(np.max(np.abs(y_synapse.astype(np.float64) - y_keras.astype(np.float64))))
        ok = difference <= TOLERANCE and y_keras.shape == y_synapse.shape
        print(f"{name} ({how}): {len(model.layers)} Keras layers, max |synapse - keras| = {difference:.3g} -> "
              f"{'OK' if ok else 'FAIL'}", flush=True)
        results.append(ok)
    return all(results)


def check_functional(synapse, work):
    """The functional models written by the Swift test FunctionalInteropExport."""
    import numpy as np
    try:
        scratch = os.environ.get("SYNAPSE_SCRATCH", ".build")
        environment = dict(os.environ, SYNAPSE_INTEROP_OUT=work)
        print("$ swift test --skip-build --filter FunctionalInteropExport (SYNAPSE_INTEROP_OUT=" + work + ")", flush=True)
        subprocess.check_call(["swift", "test", "-c", "release", "-Xswiftc", "-enable-testing", "--skip-build",
                               "--scratch-path", scratch, "--filter", "FunctionalInteropExport"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
        from safetensors.numpy import load_file, save_file
        images = np.random.default_rng(1).random((16, 28, 28, 1), dtype=np.float32)
        path = os.path.join(work, "resnet.safetensors")
        x_path, y_path = os.path.join(work, "resnet.x.safetensors"), os.path.join(work, "resnet.y.safetensors")
        save_file({"x": images}, x_path)
        run(synapse, "run-model", path, "--input", x_path, "--output", y_path)
        y_synapse = load_file(y_path)["y"]
        model = keras_model(path)
        y_keras = np.asarray(model.predict(images, verbose=0))
        difference = float(np.max(np.abs(y_synapse.astype(np.float64) - y_keras.astype(np.float64))))
        resnet_ok = difference <= TOLERANCE and y_keras.shape == y_synapse.shape
        print(f"functional resnet (model_from_json + set_weights): {len(model.layers)} Keras layers, "
              f"max |synapse - keras| = {difference:.3g} -> {'OK' if resnet_ok else 'FAIL'}", flush=True)
        pair = keras_model(os.path.join(work, "pair.safetensors"))
        left = np.random.default_rng(2).random((3, 4), dtype=np.float32)
        right = np.random.default_rng(3).random((3, 4), dtype=np.float32)
        total, joined = pair.predict([left, right], verbose=0)
        shared = pair.get_layer("shared")
        import keras
        expected = keras.ops.convert_to_numpy(shared(left)) + keras.ops.convert_to_numpy(shared(right))
        pair_ok = ([t.name for t in pair.inputs] == ["left", "right"] and total.shape == (3, 3)
                   and joined.shape == (3, 8) and float(np.max(np.abs(total - expected))) <= TOLERANCE
                   and np.array_equal(joined, np.concatenate([left, right], axis=1)))
        print(f"functional pair (two inputs, two outputs, a shared layer): {'OK' if pair_ok else 'FAIL'}", flush=True)
        return resnet_ok and pair_ok
    except Exception as error:
        print(f"functional: {type(error).__name__}: {str(error)[:300]} -> FAIL", flush=True)
        return False


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    ensure_keras()
    import numpy as np
    scratch = os.environ.get("SYNAPSE_SCRATCH", ".build")
    work = argv[argv.index("--keep") + 1] if "--keep" in argv else tempfile.mkdtemp(prefix="synapse-keras-")
    os.makedirs(work, exist_ok=True)
    run("swift", "build", "-c", "release", "-Xswiftc", "-enable-testing", "--build-tests", "--scratch-path", scratch)
    bin_dir = run("swift", "build", "-c", "release", "-Xswiftc", "-enable-testing", "--scratch-path", scratch,
                  "--show-bin-path", capture=True).strip()
    synapse = os.path.join(bin_dir, "synapse")
    rng = np.random.default_rng(0)
    images = rng.random((32, 28, 28, 1), dtype=np.float32)
    cases = [("mlp", "mnist-mlp", ["--train-limit", "1000"], images.reshape(32, 784)),
             ("cnn", "mnist-cnn", ["--train-limit", "1000"], images),
             ("text-lstm", "text-lstm", ["--train-limit", "300", "--test-limit", "100"],
              rng.integers(1, 10000, size=(8, 200)).astype(np.int32))]
    results = []
    for name, example, arguments, x in cases:
        path = os.path.join(work, f"{name}.safetensors")
        try:
            run(os.path.join(bin_dir, example), "--epochs", "1", *arguments, "--save", path)
            results.append(compare(name, path, x, synapse, work))
        except Exception as error:  # a failure to load in Keras is a failed check, not a crash of the script
            print(f"{name}: {type(error).__name__}: {str(error)[:300]} -> FAIL", flush=True)
            results.append(False)
    results.append(check_functional(synapse, work))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed (Keras model_from_json + set_weights and load_model of export-keras files; files in {work})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
