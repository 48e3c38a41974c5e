#!/usr/bin/env python3
"""Writes Captum's attributions for small models that Synapse's attribution tests
rebuild from the same weights (Tests/SynapseExplainTests/Fixtures/*.npz).

    python3 scripts/fixtures_attribution.py

Re-executes itself inside $HOME/.cache/synapse-venv (see fixtures_common.py) and
installs Captum there when it is missing. Each archive holds the model's weights in
Synapse's (Keras') layout, the inputs, the target classes and one array per Captum
method; the models take channels-last images, as Synapse's do, so Captum's
attributions have Synapse's input layout.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import fixtures_common as common  # noqa: E402


def main(argv):
    common.ensure_venv_and_reexec(os.path.abspath(__file__), argv)
    try:
        import captum  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "captum"])
    import numpy as np
    import torch
    from captum.attr import IntegratedGradients, InputXGradient, LayerGradCam, Occlusion, Saliency

    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)   # references in float64; Synapse computes in float32
    out = os.path.join(ROOT, "Tests", "SynapseExplainTests", "Fixtures")
    os.makedirs(out, exist_ok=True)

    def numpy32(tensor):
        return tensor.detach().numpy().astype(np.float32)

    def float32_exact(module):
        # Weights Synapse can hold exactly: the references differ from Synapse's
        # float32 arithmetic only, not from rounding the weights.
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.copy_(parameter.float().double())
        return module

    # --- A small MLP: Dense(8, tanh) -> Dense(3, softmax), 6 features, 4 inputs.
    mlp = float32_exact(torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3),
                                            torch.nn.Softmax(dim=1)))
    x = torch.randn(4, 6).float().double()
    targets = [0, 2, 1, 2]
    arrays = {
        "w1": numpy32(mlp[0].weight.T), "b1": numpy32(mlp[0].bias),
        "w2": numpy32(mlp[2].weight.T), "b2": numpy32(mlp[2].bias),
        "x": numpy32(x), "targets": np.array(targets, dtype=np.int32),
        "saliency": numpy32(Saliency(mlp).attribute(x, target=targets, abs=True)),
        "input_x_gradient": numpy32(InputXGradient(mlp).attribute(x, target=targets)),
        "ig_gausslegendre_50": numpy32(IntegratedGradients(mlp).attribute(x, target=targets, n_steps=50,
                                                                          method="gausslegendre")),
        "ig_trapezoid_20": numpy32(IntegratedGradients(mlp).attribute(x, target=targets, n_steps=20,
                                                                      method="riemann_trapezoid")),
        "ig_baseline_left_16": numpy32(IntegratedGradients(mlp).attribute(x, baselines=torch.full((1, 6), 0.5),
                                                                          target=targets, n_steps=16,
                                                                          method="riemann_left")),
        "occlusion_w2_s1": numpy32(Occlusion(mlp).attribute(x, sliding_window_shapes=(2,), strides=(1,),
                                                            target=targets, baselines=0)),
        "occlusion_w4_s3": numpy32(Occlusion(mlp).attribute(x, sliding_window_shapes=(4,), strides=(3,),
                                                            target=targets, baselines=0.25)),
    }
    np.savez(os.path.join(out, "mlp.npz"), **arrays)

    # --- A small CNN on 8 x 8 x 1 images (channels last outside, NCHW inside):
    # Conv2D(4, 3, relu) -> Conv2D(5, 3, relu) -> Flatten (NHWC order) -> Dense(3).
    class CNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 4, 3)
            self.relu1 = torch.nn.ReLU()
            self.conv2 = torch.nn.Conv2d(4, 5, 3)
            self.relu2 = torch.nn.ReLU()
            self.dense = torch.nn.Linear(4 * 4 * 5, 3)

        def forward(self, images):
            h = self.relu2(self.conv2(self.relu1(self.conv1(images.permute(0, 3, 1, 2)))))
            return self.dense(h.permute(0, 2, 3, 1).reshape(images.shape[0], -1))

    cnn = float32_exact(CNN())
    images = torch.rand(3, 8, 8, 1).float().double()
    image_targets = [1, 0, 2]
    gradcam = LayerGradCam(cnn, cnn.relu2).attribute(images, target=image_targets, relu_attributions=True)
    arrays = {
        "k1": numpy32(cnn.conv1.weight.permute(2, 3, 1, 0)), "c1": numpy32(cnn.conv1.bias),
        "k2": numpy32(cnn.conv2.weight.permute(2, 3, 1, 0)), "c2": numpy32(cnn.conv2.bias),
        "w": numpy32(cnn.dense.weight.T), "b": numpy32(cnn.dense.bias),
        "x": numpy32(images), "targets": np.array(image_targets, dtype=np.int32),
        "gradcam": numpy32(gradcam[:, 0]),
        "saliency": numpy32(Saliency(cnn).attribute(images, target=image_targets, abs=True)),
        "ig_gausslegendre_32": numpy32(IntegratedGradients(cnn).attribute(images, target=image_targets, n_steps=32)),
        "occlusion_3x3_s2": numpy32(Occlusion(cnn).attribute(images, sliding_window_shapes=(3, 3, 1),
                                                             strides=(2, 2, 1), target=image_targets, baselines=0)),
    }
    np.savez(os.path.join(out, "cnn.npz"), **arrays)
    print(f"wrote mlp.npz and cnn.npz to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
