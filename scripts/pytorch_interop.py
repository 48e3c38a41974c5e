#!/usr/bin/env python3
"""PyTorch interoperability check for Synapse model files.

1. Trains the MNIST MLP and MNIST CNN examples briefly (--save), exports them
   with `synapse export-torch`, loads the state_dicts into the equivalent torch
   nn.Sequential modules and checks that both frameworks predict the same
   probabilities (max |difference| <= 1e-5) on the same inputs.
2. Trains the torch modules briefly, saves their state_dicts with
   safetensors.torch.save_file, imports them with `synapse import-torch` and
   checks the predictions again.
3. Does both for the functional `resnet` example: the torch side is a module
   built from the model file's Keras functional config, one submodule per layer
   under the layer's name, its forward following `inbound_nodes`.

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


class KerasSamePadding:
    """Keras' "same" padding for a convolution: the extra row and column of an odd
    total go at the bottom and right (PyTorch's padding="same" is symmetric only)."""

    @staticmethod
    def pad(x, kernel, stride):
        import torch.nn.functional as F
        pads = []
        for size, k, s in ((x.shape[3], kernel[1], stride[1]), (x.shape[2], kernel[0], stride[0])):
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads)


def torch_functional(nn, architecture):
    """A torch module for a Synapse functional model's architecture (the layers the
    resnet example uses): one submodule per layer, named as the layer, NCHW inside."""
    import torch
    import torch.nn.functional as F
    layers = architecture["config"]["layers"]

    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.specs = []
            self._channels = {}
            for layer in layers:
                kind, config, name = layer["class_name"], layer["config"], layer["config"]["name"]
                inbound = [] if kind in ("InputLayer", "Input") else [
                    argument["config"]["keras_history"][0] for argument in _keras_tensors(layer["inbound_nodes"][0]["args"])]
                if kind == "Conv2D":
                    channels = self._channels[inbound[0]]
                    setattr(self, name, nn.Conv2d(channels, config["filters"], tuple(config["kernel_size"]), tuple(config["strides"]),
                                                  bias=config["use_bias"]))
                    self._channels[name] = config["filters"]
                elif kind == "BatchNormalization":
                    setattr(self, name, nn.BatchNorm2d(self._channels[inbound[0]], eps=config["epsilon"], momentum=1 - config["momentum"]))
                    self._channels[name] = self._channels[inbound[0]]
                elif kind == "Dense":
                    setattr(self, name, nn.Linear(self._channels[inbound[0]], config["units"], bias=config["use_bias"]))
                    self._channels[name] = config["units"]
                elif kind in ("InputLayer", "Input"):
                    self._channels[name] = (config.get("batch_shape") or config.get("batch_input_shape"))[-1]
                else:
                    self._channels[name] = self._channels[inbound[0]]
                self.specs.append((kind, name, config, inbound))

        def forward(self, x):
            values = {}
            for kind, name, config, inbound in self.specs:
                inputs = [values[source] for source in inbound]
                if kind in ("InputLayer", "Input"):
                    y = x
                elif kind == "Conv2D":
                    conv = getattr(self, name)
                    padded = KerasSamePadding.pad(inputs[0], conv.kernel_size, conv.stride) if config["padding"] == "same" else inputs[0]
                    y = conv(padded)
                elif kind in ("BatchNormalization", "Dense"):
                    y = getattr(self, name)(inputs[0])
                elif kind == "Add":
                    y = sum(inputs[1:], inputs[0])
                elif kind == "GlobalAveragePooling2D":
                    y = inputs[0].mean(dim=(2, 3))
                elif kind != "Activation":
                    raise ValueError(f"layer {name}: {kind} is not in this check's torch mapping")
                else:
                    y = inputs[0]
                activation = config.get("activation", "linear")
                y = {"linear": lambda t: t, "relu": F.relu, "softmax": lambda t: F.softmax(t, dim=1)}[activation](y)
                values[name] = y
            outputs = architecture["config"]["output_layers"]   # ["name", 0, 0], or a list of them
            return values[outputs[0] if isinstance(outputs[0], str) else outputs[0][0]]

    return Functional()


def _keras_tensors(value):
    """The __keras_tensor__ objects inside a node's (nested) arguments, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [value]
        return [t for item in value.values() for t in _keras_tensors(item)]
    if isinstance(value, list):
        return [t for item in value for t in _keras_tensors(item)]
    return []


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

    # The functional resnet: Synapse -> PyTorch and back, BatchNorm's buffers included.
    import json
    from safetensors import safe_open
    model = os.path.join(work, "resnet.safetensors")
    run(os.path.join(bin_dir, "resnet"), "--epochs", "1", "--train-limit", "512", "--width", "8", "--save", model)
    with safe_open(model, "np") as handle:
        architecture = json.loads(handle.metadata()["architecture"])
    exported = os.path.join(work, "resnet-torch.safetensors")
    run(synapse, "export-torch", model, exported)
    module = torch_functional(nn, architecture)
    # Strict: every key matches (BatchNorm fills in its num_batches_tracked counter).
    module.load_state_dict(load_file(exported), strict=True)
    print(f"resnet state_dict: {len(load_file(exported))} tensors load strictly", flush=True)
    to_nchw = lambda t: t.permute(0, 3, 1, 2)  # noqa: E731
    results.append(compare("resnet synapse->torch", model, module, x_images, to_nchw, synapse, work))
    labels = torch.from_numpy(rng.integers(0, 10, size=64))
    optimizer = torch.optim.SGD(module.parameters(), lr=0.05)
    module.train()
    for _ in range(10):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(module(to_nchw(torch.from_numpy(x_images))), labels).backward()
        optimizer.step()
    trained = os.path.join(work, "resnet-trained-torch.safetensors")
    save_file({key: value.contiguous() for key, value in module.state_dict().items()}, trained)
    imported = os.path.join(work, "resnet-imported.safetensors")
    run(synapse, "import-torch", model, trained, imported)
    results.append(compare("resnet torch->synapse", imported, module, x_images, to_nchw, synapse, work))

    print(f"{sum(results)}/{len(results)} interop checks passed (files in {work})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
