#!/usr/bin/env python3
"""PyTorch interoperability check for Synapse model files.

1. Trains the MNIST MLP and MNIST CNN examples briefly (--save), exports them
   with `synapse export-torch`, loads the state_dicts into the equivalent torch
   nn.Sequential modules and checks that both frameworks predict the same
   probabilities (max |difference| <= 1e-5) on the same inputs.
2. Trains the torch modules briefly, saves their state_dicts with
   safetensors.torch.save_file, imports them with `synapse import-torch` and
   checks the predictions again.

Runs inside $HOME/.cache/synapse-venv (created with numpy, torch and safetensors
when missing). Builds with `swift build -c release -Xswiftc -enable-testing --build-tests --scratch-path $SYNAPSE_SCRATCH`
(the flags of `make test`, so after it nothing is rebuilt)
(default .build). Usage: scripts/pytorch_interop.py [--keep DIR]
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures_common as common  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-5


def run(*args):
    print("$ " + " ".join(args), flush=True)
    subprocess.check_call(list(args), cwd=ROOT)


def torch_mlp(nn):
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, 10), nn.Softmax(dim=1))


def torch_cnn(nn):
    # Synapse's Conv2D(relu) is Conv2d + ReLU (two slots); Flatten of NCHW needs
    # the (c, h, w) row order that export-torch gives the first Dense kernel.
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1))


def compare(label, synapse_model, torch_module, x_nhwc, to_torch_input, synapse, work):
    """Runs both models on x and checks the probabilities agree."""
    import numpy as np
    import torch
    from safetensors.numpy import load_file as load_np, save_file as save_np
    x_path, y_path = os.path.join(work, "x.safetensors"), os.path.join(work, "y.safetensors")
    save_np({"x": x_nhwc}, x_path)
    run(synapse, "run-model", synapse_model, "--input", x_path, "--output", y_path)
    y_synapse = load_np(y_path)["y"]
    with torch.no_grad():
        y_torch = torch_module.eval()(to_torch_input(torch.from_numpy(x_nhwc))).numpy()
    difference = float(np.max(np.abs(y_synapse - y_torch)))
    same_classes = bool(np.all(y_synapse.argmax(1) == y_torch.argmax(1)))
    ok = difference <= TOLERANCE and same_classes
    print(f"{label}: max |synapse - torch| = {difference:.3g}, same predicted classes: {same_classes} -> {'OK' if ok else 'FAIL'}",
          flush=True)
    return ok


def train_torch(module, x, y, steps=20):
    import torch
    optimizer = torch.optim.SGD(module.parameters(), lr=0.05)
    module.train()
    for _ in range(steps):
        optimizer.zero_grad()
        probabilities = module(x)
        loss = torch.nn.functional.nll_loss(torch.log(probabilities + 1e-7), y)
        loss.backward()
        optimizer.step()
    return module


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    import numpy as np
    import torch
    from torch import nn
    from safetensors.torch import load_file, save_file

    torch.manual_seed(0)
    scratch = os.environ.get("SYNAPSE_SCRATCH", ".build")
    work = argv[argv.index("--keep") + 1] if "--keep" in argv else tempfile.mkdtemp(prefix="synapse-interop-")
    os.makedirs(work, exist_ok=True)
    run("swift", "build", "-c", "release", "-Xswiftc", "-enable-testing", "--build-tests", "--scratch-path", scratch)
    bin_dir = subprocess.check_output(["swift", "build", "-c", "release", "-Xswiftc", "-enable-testing", "--scratch-path", scratch, "--show-bin-path"],
                                      cwd=ROOT, text=True).strip()
    synapse = os.path.join(bin_dir, "synapse")
    rng = np.random.default_rng(0)
    x_images = rng.random((64, 28, 28, 1), dtype=np.float32)
    results = []
    cases = [("mlp", "mnist-mlp", torch_mlp, x_images.reshape(64, 784), lambda t: t),
             ("cnn", "mnist-cnn", torch_cnn, x_images, lambda t: t.permute(0, 3, 1, 2))]
    for name, example, make_torch, x, to_torch_input in cases:
        # (i) Synapse -> PyTorch
        model = os.path.join(work, f"{name}.safetensors")
        run(os.path.join(bin_dir, example), "--epochs", "1", "--train-limit", "2000", "--save", model)
        exported = os.path.join(work, f"{name}-torch.safetensors")
        run(synapse, "export-torch", model, exported)
        module = make_torch(nn)
        module.load_state_dict(load_file(exported))
        results.append(compare(f"{name} synapse->torch", model, module, x, to_torch_input, synapse, work))

        # (ii) PyTorch -> Synapse
        module = make_torch(nn)
        labels = torch.from_numpy(rng.integers(0, 10, size=64))
        train_torch(module, to_torch_input(torch.from_numpy(x)), labels)
        trained = os.path.join(work, f"{name}-trained-torch.safetensors")
        save_file({key: value.contiguous() for key, value in module.state_dict().items()}, trained)
        imported = os.path.join(work, f"{name}-imported.safetensors")
        run(synapse, "import-torch", model, trained, imported)
        results.append(compare(f"{name} torch->synapse", imported, module, x, to_torch_input, synapse, work))

    print(f"{sum(results)}/{len(results)} interop checks passed (files in {work})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
