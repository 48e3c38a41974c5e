#!/usr/bin/env python3
"""ONNX export check: Synapse models against ONNX Runtime.

1. Trains small models briefly: the MNIST MLP, the MNIST CNN and the convolutional
   autoencoder examples (--save), and `synapse train` configs written here for a
   text LSTM on right-padded, masked token rows (Embedding mask_zero), a GRU, and a
   BatchNormalization model (checked in inference mode, with trained moving statistics).
2. Runs the SynapseONNXTests fixture writer (`swift test --skip-build --filter
   ONNXFixtures` with SYNAPSE_ONNX_FIXTURES set) for the models a model file cannot
   hold: Bidirectional LSTM/GRU/SimpleRNN (masked and not, every merge mode),
   TimeDistributed, Masking, Conv1D, LayerNormalization, opset 13 and 19 graphs, ...
3. Exports each saved model with `synapse export-onnx`, checks every .onnx with
   `onnx.checker.check_model(model, full_check=True)`, runs ONNX Runtime on the same
   inputs as `synapse run-model` (or the fixture's inputs) and compares:
   `NAME: max |synapse - onnxruntime| = X -> OK/FAIL` (tolerance 1e-5).
4. The other direction: PyTorch models (an MLP, a CNN with batch normalization and
   both poolings, a CNN flattening with `x.view(x.size(0), -1)`, a batch-first LSTM and GRU classifying on the last step, and a
   token Embedding + LSTM) trained briefly on random data in torch, written by
   `torch.onnx.export` (opset 17), read with `synapse import-onnx`, run with
   `synapse run-model` on the same inputs (NHWC for the CNN) and compared with
   torch's outputs: `torch NAME: max |synapse - torch| = X -> OK/FAIL` (1e-5).

Builds nothing: it uses the `synapse` binary, the examples and the test bundle in
$SYNAPSE_SCRATCH (default .build), built with
`swift build -c release -Xswiftc -enable-testing --build-tests --scratch-path $SYNAPSE_SCRATCH`.
Runs inside $HOME/.cache/synapse-venv (onnx and onnxruntime are installed into it
when missing). Usage: scripts/onnx_check.py [--keep DIR] [--torch-only]
"""
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures_common as common  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-5
ONNX_PACKAGES = ["onnx", "onnxruntime"]


def ensure_onnx_packages():
    """Installs onnx and onnxruntime into the running venv when missing, then re-executes."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        print(f"installing {' '.join(ONNX_PACKAGES)} into {sys.prefix}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *ONNX_PACKAGES])
        os.execv(sys.executable, [sys.executable, *sys.argv])


def run(*args, env=None):
    print("$ " + " ".join(args), flush=True)
    subprocess.check_call(list(args), cwd=ROOT, env=env)


LSTM_CONFIG = """name: onnx-text-lstm
data:
  npz: tokens.npz
model:
  - Embedding: {input_dim: 40, output_dim: 8, mask_zero: true}
  - LSTM: {units: 12, return_sequences: true}
  - LSTM: {units: 8}
  - Dense: {units: 2, activation: softmax}
training:
  optimizer: adam
  loss: sparse_categorical_crossentropy
  epochs: 2
  batch_size: 32
  seed: 1
"""

GRU_CONFIG = """name: onnx-gru
data:
  npz: sequences.npz
model:
  - GRU: {units: 10, return_sequences: true}
  - SimpleRNN: {units: 6, activation: relu, go_backwards: true}
  - Dense: {units: 3, activation: softmax}
training:
  optimizer: adam
  loss: sparse_categorical_crossentropy
  epochs: 2
  batch_size: 32
  seed: 1
"""

BATCHNORM_CONFIG = """name: onnx-batchnorm
data:
  npz: images.npz
model:
  - Conv2D: {filters: 6, kernel_size: 3, padding: same}
  - BatchNormalization: {}
  - Activation: {activation: relu}
  - MaxPooling2D: {pool_size: 2}
  - Conv2D: {filters: 8, kernel_size: 2, strides: 2, activation: relu}
  - BatchNormalization: {momentum: 0.5}
  - GlobalAveragePooling2D: {}
  - Dense: {units: 16}
  - BatchNormalization: {}
  - Dense: {units: 3, activation: softmax}
training:
  optimizer: adam
  loss: sparse_categorical_crossentropy
  epochs: 3
  batch_size: 32
  seed: 1
"""


def right_padded_tokens(rng, rows, time, vocabulary):
    import numpy as np
    tokens = rng.integers(1, vocabulary, size=(rows, time))
    lengths = rng.integers(1, time + 1, size=rows)
    tokens[np.arange(time)[None, :] >= lengths[:, None]] = 0
    return tokens.astype(np.float32)


def write_configs(work, rng):
    """Writes the configs and their .npz data; returns (name, config path, input) triples."""
    import numpy as np
    cases = []
    tokens = right_padded_tokens(rng, 400, 12, 40)
    labels = (tokens[:, 0] > 20).astype(np.int64)
    np.savez(os.path.join(work, "tokens.npz"), x=tokens, y=labels)
    cases.append(("text-lstm-masked", LSTM_CONFIG, "lstm.yaml", right_padded_tokens(rng, 48, 12, 40)))

    sequences = rng.standard_normal((400, 9, 4)).astype(np.float32)
    np.savez(os.path.join(work, "sequences.npz"), x=sequences, y=rng.integers(0, 3, size=400))
    cases.append(("gru", GRU_CONFIG, "gru.yaml", rng.standard_normal((48, 9, 4)).astype(np.float32)))

    images = (rng.random((400, 12, 12, 2)) * 3 + 1).astype(np.float32)
    np.savez(os.path.join(work, "images.npz"), x=images, y=rng.integers(0, 3, size=400))
    cases.append(("batchnorm", BATCHNORM_CONFIG, "batchnorm.yaml",
                  (rng.random((48, 12, 12, 2)) * 3 + 1).astype(np.float32)))

    triples = []
    for name, text, filename, x in cases:
        path = os.path.join(work, filename)
        with open(path, "w") as handle:
            handle.write(text)
        triples.append((name, path, x))
    return triples


def check_onnx(name, onnx_path, x, y_synapse):
    """Validates the file and compares ONNX Runtime's output with Synapse's."""
    import numpy as np
    import onnx
    import onnxruntime
    try:
        model = onnx.load(onnx_path)
        onnx.checker.check_model(model, full_check=True)
        session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
        feed = session.get_inputs()[0]
        dtype = np.int32 if feed.type == "tensor(int32)" else np.float32
        y_onnx = session.run(["output"], {feed.name: x.astype(dtype)})[0]
    except Exception as error:  # a broken file is a failed check, not a crash
        print(f"{name}: {type(error).__name__}: {error} -> FAIL", flush=True)
        return False
    if y_onnx.shape != y_synapse.shape:
        print(f"{name}: output shape {y_onnx.shape} != synapse {y_synapse.shape} -> FAIL", flush=True)
        return False
    difference = float(np.max(np.abs(y_synapse.astype(np.float64) - y_onnx.astype(np.float64))))
    ok = difference <= TOLERANCE
    print(f"{name}: max |synapse - onnxruntime| = {difference:.3g} -> {'OK' if ok else 'FAIL'}", flush=True)
    return ok


def check_saved_model(name, model_path, x, synapse, work):
    from safetensors.numpy import load_file, save_file
    onnx_path = os.path.join(work, f"{name}.onnx")
    x_path, y_path = os.path.join(work, f"{name}.x.safetensors"), os.path.join(work, f"{name}.y.safetensors")
    try:
        run(synapse, "export-onnx", model_path, onnx_path)
        save_file({"x": x}, x_path)
        run(synapse, "run-model", model_path, "--input", x_path, "--output", y_path)
    except subprocess.CalledProcessError as error:
        print(f"{name}: {error} -> FAIL", flush=True)
        return False
    return check_onnx(name, onnx_path, x, load_file(y_path)["y"])


def torch_models():
    """(name, module, example input in torch's layout) for the PyTorch import checks."""
    import torch
    from torch import nn

    class LastStep(nn.Module):
        """A batch-first recurrent layer classified on its last step, as tutorials write it."""

        def __init__(self, cell, features, units, classes, vocabulary=None):
            super().__init__()
            self.embedding = nn.Embedding(vocabulary, features) if vocabulary else None
            self.rnn = cell(features, units, batch_first=True)
            self.head = nn.Linear(units, classes)

        def forward(self, x):
            if self.embedding is not None:
                x = self.embedding(x)
            y, _ = self.rnn(x)
            return torch.softmax(self.head(y[:, -1, :]), dim=1)

    class ViewCNN(nn.Module):
        """A CNN that flattens with `x.view(x.size(0), -1)` (a Reshape to a shape computed from Shape)."""

        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 5, 3, stride=2, padding=2)
            self.head = nn.Linear(5 * 5 * 5, 4)

        def forward(self, x):
            y = torch.sigmoid(self.conv(x))
            return self.head(y.view(y.size(0), -1))

    generator = torch.Generator().manual_seed(0)
    mlp = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 16), nn.Tanh(),
                        nn.Linear(16, 3), nn.Softmax(dim=1))
    cnn = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.AvgPool2d(2),
                        nn.Flatten(), nn.Linear(16 * 2 * 2, 10), nn.LogSoftmax(dim=1))
    return [
        ("mlp", mlp, torch.randn(64, 20, generator=generator)),
        ("cnn", cnn, torch.randn(64, 1, 12, 12, generator=generator)),
        ("view-cnn", ViewCNN(), torch.randn(64, 3, 7, 7, generator=generator)),
        ("lstm", LastStep(nn.LSTM, 6, 16, 4), torch.randn(64, 9, 6, generator=generator)),
        ("gru", LastStep(nn.GRU, 6, 12, 4), torch.randn(64, 9, 6, generator=generator)),
        ("embedding-lstm", LastStep(nn.LSTM, 8, 10, 2, vocabulary=30),
         torch.randint(0, 30, (64, 11), generator=generator)),
    ]


def check_torch_imports(synapse, work):
    """Trains PyTorch models briefly, exports them with torch.onnx.export, imports
    them with `synapse import-onnx` and compares `synapse run-model` with torch."""
    import numpy as np
    import torch
    from safetensors.numpy import load_file, save_file
    torch.manual_seed(0)
    results = []
    for name, module, x in torch_models():
        label = f"torch {name}"
        try:
            # Brief training on random targets, so no weight is at its initial value.
            optimizer = torch.optim.Adam(module.parameters(), lr=1e-2)
            module.train()
            classes = module(x).shape[1]
            targets = torch.randint(0, classes, (x.shape[0],))
            for _ in range(30):
                optimizer.zero_grad()
                output = module(x)
                if name == "cnn":
                    log_probabilities = output
                elif name == "view-cnn":
                    log_probabilities = torch.log_softmax(output, dim=1)
                else:
                    log_probabilities = torch.log(output + 1e-7)
                loss = nn_functional_nll(log_probabilities, targets)
                loss.backward()
                optimizer.step()
            module.eval()
            with torch.no_grad():
                expected = module(x).numpy().astype(np.float64)
            onnx_path = os.path.join(work, f"torch-{name}.onnx")
            torch.onnx.export(module, (x[:2],), onnx_path, opset_version=17, dynamo=False,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
            model_path = os.path.join(work, f"torch-{name}.safetensors")
            run(synapse, "import-onnx", onnx_path, model_path)
            x_synapse = x.numpy()
            if x_synapse.ndim == 4:
                x_synapse = x_synapse.transpose(0, 2, 3, 1)  # NCHW -> NHWC
            x_path = os.path.join(work, f"torch-{name}.x.safetensors")
            y_path = os.path.join(work, f"torch-{name}.y.safetensors")
            save_file({"x": np.ascontiguousarray(x_synapse.astype(np.float32))}, x_path)
            run(synapse, "run-model", model_path, "--input", x_path, "--output", y_path)
            actual = load_file(y_path)["y"].astype(np.float64)
        except Exception as error:  # a failed step is a failed check, not a crash
            print(f"{label}: {type(error).__name__}: {error} -> FAIL", flush=True)
            results.append(False)
            continue
        if actual.shape != expected.shape:
            print(f"{label}: output shape {actual.shape} != torch {expected.shape} -> FAIL", flush=True)
            results.append(False)
            continue
        difference = float(np.max(np.abs(actual - expected)))
        ok = difference <= TOLERANCE
        print(f"{label}: max |synapse - torch| = {difference:.3g} -> {'OK' if ok else 'FAIL'}", flush=True)
        results.append(ok)
    return results


def nn_functional_nll(log_probabilities, targets):
    import torch.nn.functional as functional
    return functional.nll_loss(log_probabilities, targets)


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    ensure_onnx_packages()
    import numpy as np
    from safetensors.numpy import load_file

    scratch = os.path.abspath(os.path.join(ROOT, os.environ.get("SYNAPSE_SCRATCH", ".build")))
    bin_dir = os.path.join(scratch, "release")
    synapse = os.path.join(bin_dir, "synapse")
    for binary in ["synapse", "mnist-mlp", "mnist-cnn", "autoencoder"]:
        if not os.path.exists(os.path.join(bin_dir, binary)):
            print(f"error: {os.path.join(bin_dir, binary)} is missing; build first with "
                  f"swift build -c release -Xswiftc -enable-testing --build-tests --scratch-path {scratch}",
                  file=sys.stderr)
            return 2
    work = argv[argv.index("--keep") + 1] if "--keep" in argv else tempfile.mkdtemp(prefix="synapse-onnx-")
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(0)
    results = []
    if "--torch-only" in argv:
        results = check_torch_imports(synapse, work)
        print(f"{sum(results)}/{len(results)} onnx checks passed (files in {work})")
        return 0 if results and all(results) else 1

    # 1. Examples trained briefly and saved.
    images = rng.random((32, 28, 28, 1), dtype=np.float32)
    examples = [("mnist-mlp", ["mnist-mlp"], images.reshape(32, 784)),
                ("mnist-cnn", ["mnist-cnn"], images),
                ("conv-autoencoder", ["autoencoder", "--kind", "conv"], images[:16])]
    for name, command, x in examples:
        model = os.path.join(work, f"{name}.safetensors")
        run(os.path.join(bin_dir, command[0]), *command[1:], "--epochs", "1", "--train-limit", "1000", "--save", model,
            "--output-dir", work)
        results.append(check_saved_model(name, model, x, synapse, work))

    # 2. Configs trained with `synapse train`.
    for name, config, x in write_configs(work, rng):
        output = os.path.join(work, f"run-{name}")
        run(synapse, "train", config, "--output-dir", output, "--quiet")
        results.append(check_saved_model(name, os.path.join(output, "model.safetensors"), x, synapse, work))

    # 3. In-memory models (Bidirectional, TimeDistributed, ...) from the Swift fixture writer.
    fixtures = os.path.join(work, "fixtures")
    os.makedirs(fixtures, exist_ok=True)
    env = dict(os.environ, SYNAPSE_ONNX_FIXTURES=fixtures)
    try:
        run("swift", "test", "-c", "release", "--skip-build", "--scratch-path", scratch,
            "--filter", "ONNXFixtureTests", env=env)
    except subprocess.CalledProcessError as error:
        print(f"fixtures: {error} -> FAIL", flush=True)
        results.append(False)
    for onnx_path in sorted(glob.glob(os.path.join(fixtures, "*.onnx"))):
        name = os.path.basename(onnx_path)[:-len(".onnx")]
        x = load_file(os.path.join(fixtures, f"{name}.x.safetensors"))["x"]
        y = load_file(os.path.join(fixtures, f"{name}.y.safetensors"))["y"]
        results.append(check_onnx(f"fixture {name}", onnx_path, x, y))

    # 4. PyTorch models exported by torch.onnx.export, imported into Synapse.
    results.extend(check_torch_imports(synapse, work))

    print(f"{sum(results)}/{len(results)} onnx checks passed (files in {work})")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
