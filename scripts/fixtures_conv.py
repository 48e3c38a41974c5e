"""Fixture group "conv": 2-D convolution, transposed convolution and pooling on
NHWC images (Sources/SynapseCore/Ops/Convolution.swift and Pooling.swift).

Layouts. Synapse stores images NHWC and kernels as Keras does:
conv2D `[kh, kw, in, out]`, conv2DTranspose `[kh, kw, out, in]`. torch wants NCHW
images and `[out, in, kh, kw]` (conv2d) / `[in, out, kh, kw]` (conv_transpose2d)
weights; both kernel layouts reach torch's with the same permutation (3, 2, 0, 1).
Inputs and outputs in the fixture are in Synapse's layouts; only the torch
evaluation permutes.

Padding follows Keras / TensorFlow, which torch cannot express directly:
- "same" pads `total = max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0)` with
  `total // 2` before and the rest after (the odd pixel goes to the bottom/right);
  torch's symmetric `padding=` cannot do that, so the reference pads explicitly
  with F.pad and runs the op with padding 0.
- max pooling pads with −inf (a padded position never wins);
- average pooling does not count padded positions: the reference divides the
  window sums of the zero-padded image by the window sums of a padded ones image
  (`count_include_pad=False` only applies to torch's own symmetric padding);
- transposed convolution has Keras' output sizes: `(in − 1)·stride + max(k, stride)`
  for "valid" (torch's `output_padding` adds the missing `stride − k` rows), and
  `in·stride` for "same", cropped from the full (unpadded) transposed output with
  the forward convolution's `total // 2` rows removed at the top/left.

Every case records outputs and the gradients with respect to the image and the
kernel (float64 torch autograd on the float32 inputs).
"""

import numpy as np
import torch
import torch.nn.functional as F

from fixtures_common import Inputs, make_case


def _same_padding(size, window, stride, dilation=1):
    """(before, after) of TensorFlow's "same" padding along one axis."""
    effective = (window - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _to_nchw(x):
    return x.permute(0, 3, 1, 2).contiguous()


def _to_nhwc(x):
    return x.permute(0, 2, 3, 1)


def _to_torch_kernel(kernel):
    # [kh, kw, a, b] → [b, a, kh, kw]: conv2d's [out, in, kh, kw] from Keras'
    # [kh, kw, in, out], and conv_transpose2d's [in, out, kh, kw] from [kh, kw, out, in].
    return kernel.permute(3, 2, 0, 1).contiguous()


def _pad_nchw(x, height, width, padding, strides, dilation=(1, 1), value=0.0):
    if padding == "valid":
        return x
    top, bottom = _same_padding(x.shape[2], height, strides[0], dilation[0])
    left, right = _same_padding(x.shape[3], width, strides[1], dilation[1])
    return F.pad(x, (left, right, top, bottom), value=value)


def conv2d_reference(x, kernel, strides, padding, dilation):
    image = _to_nchw(x)
    kh, kw = kernel.shape[0], kernel.shape[1]
    image = _pad_nchw(image, kh, kw, padding, strides, dilation)
    y = F.conv2d(image, _to_torch_kernel(kernel), stride=tuple(strides), dilation=tuple(dilation))
    return _to_nhwc(y)


def conv2d_transpose_reference(x, kernel, strides, padding):
    kh, kw = kernel.shape[0], kernel.shape[1]
    in_h, in_w = x.shape[1], x.shape[2]
    # Full transposed output, (in − 1)·s + max(k, s): Keras' "valid" size.
    extra = (max(strides[0] - kh, 0), max(strides[1] - kw, 0))
    y = F.conv_transpose2d(_to_nchw(x), _to_torch_kernel(kernel), stride=tuple(strides), output_padding=extra)
    if padding == "same":
        top = max(kh - strides[0], 0) // 2
        left = max(kw - strides[1], 0) // 2
        y = y[:, :, top:top + in_h * strides[0], left:left + in_w * strides[1]]
    return _to_nhwc(y)


def max_pool_reference(x, pool, strides, padding):
    image = _pad_nchw(_to_nchw(x), pool[0], pool[1], padding, strides, value=float("-inf"))
    return _to_nhwc(F.max_pool2d(image, tuple(pool), stride=tuple(strides)))


def average_pool_reference(x, pool, strides, padding):
    image = _to_nchw(x)
    if padding == "valid":
        return _to_nhwc(F.avg_pool2d(image, tuple(pool), stride=tuple(strides)))
    sums = F.avg_pool2d(_pad_nchw(image, pool[0], pool[1], padding, strides), tuple(pool),
                        stride=tuple(strides), divisor_override=1)
    ones = torch.ones_like(image[:1, :1]).detach()
    counts = F.avg_pool2d(_pad_nchw(ones, pool[0], pool[1], padding, strides), tuple(pool),
                          stride=tuple(strides), divisor_override=1)
    return _to_nhwc(sums / counts)


def _distinct(name, shape):
    """Distinct values (a shuffled ramp) so max pooling has no ties."""
    rng = Inputs(name).rng
    count = int(np.prod(shape))
    values = (np.arange(count, dtype=np.float64) - count / 2) * 0.125
    rng.shuffle(values)
    return values.reshape(shape).astype(np.float32)


def conv2d_cases(cases):
    # (label, input NHWC, kernel [kh, kw, in, out], strides, padding, dilation)
    table = [
        ("valid_3x3", [2, 5, 5, 3], [3, 3, 3, 4], [1, 1], "valid", [1, 1]),
        ("valid_3x3_stride2_odd_remainder", [1, 8, 7, 2], [3, 3, 2, 3], [2, 2], "valid", [1, 1]),
        ("valid_rectangular_kernel_strides_2x1", [1, 7, 6, 2], [3, 2, 2, 2], [2, 1], "valid", [1, 1]),
        ("valid_single_channel_like_mnist", [2, 6, 6, 1], [3, 3, 1, 4], [1, 1], "valid", [1, 1]),
        ("same_3x3_stride1", [2, 5, 4, 3], [3, 3, 3, 2], [1, 1], "same", [1, 1]),
        ("same_3x3_stride2_even_input_pads_bottom_right", [1, 6, 6, 2], [3, 3, 2, 3], [2, 2], "same", [1, 1]),
        ("same_3x3_stride2_odd_input", [1, 7, 5, 2], [3, 3, 2, 2], [2, 2], "same", [1, 1]),
        ("same_2x2_stride1_pads_bottom_right_only", [1, 4, 5, 2], [2, 2, 2, 3], [1, 1], "same", [1, 1]),
        ("same_4x4_stride1_pads_1_before_2_after", [1, 6, 6, 1], [4, 4, 1, 2], [1, 1], "same", [1, 1]),
        ("same_5x3_strides_2x1", [1, 7, 6, 2], [5, 3, 2, 2], [2, 1], "same", [1, 1]),
        ("same_2x2_stride3", [1, 7, 8, 2], [2, 2, 2, 2], [3, 3], "same", [1, 1]),
        ("valid_dilation2", [1, 7, 7, 2], [3, 3, 2, 2], [1, 1], "valid", [2, 2]),
        ("valid_dilation_2x3", [1, 8, 9, 2], [2, 3, 2, 3], [1, 1], "valid", [2, 3]),
        ("same_dilation2", [1, 6, 6, 2], [3, 3, 2, 2], [1, 1], "same", [2, 2]),
        ("same_dilation_2x1_even_kernel", [1, 6, 5, 2], [2, 2, 2, 3], [1, 1], "same", [2, 1]),
        ("pointwise_1x1", [2, 4, 4, 3], [1, 1, 3, 5], [1, 1], "valid", [1, 1]),
        ("pointwise_1x1_stride2", [1, 5, 5, 3], [1, 1, 3, 2], [2, 2], "valid", [1, 1]),
        ("pointwise_1x1_same_stride2", [1, 5, 4, 2], [1, 1, 2, 2], [2, 2], "same", [1, 1]),
        ("kernel_as_large_as_image", [2, 4, 3, 2], [4, 3, 2, 3], [1, 1], "valid", [1, 1]),
    ]
    for label, shape, kernel_shape, strides, padding, dilation in table:
        name = f"conv2D/{label}"
        g = Inputs(name)
        cases.append(make_case(
            name, "conv2D", [("x", g.normal(*shape)), ("kernel", g.normal(*kernel_shape, scale=0.5))],
            lambda x, k, s=strides, p=padding, d=dilation: conv2d_reference(x, k, s, p, d),
            {"strides": strides, "padding": padding, "dilation": dilation}))
    # Defaults: strides 1, "valid", dilation 1.
    name = "conv2D/defaults_are_stride1_valid_dilation1"
    g = Inputs(name)
    cases.append(make_case(
        name, "conv2D", [("x", g.normal(1, 5, 4, 2)), ("kernel", g.normal(2, 3, 2, 2, scale=0.5))],
        lambda x, k: conv2d_reference(x, k, [1, 1], "valid", [1, 1])))


def conv2d_transpose_cases(cases):
    # (label, input NHWC, kernel [kh, kw, out, in], strides, padding)
    table = [
        ("valid_3x3_stride1", [2, 3, 4, 2], [3, 3, 3, 2], [1, 1], "valid"),
        ("valid_3x3_stride2", [1, 3, 3, 2], [3, 3, 2, 2], [2, 2], "valid"),
        ("valid_2x2_stride2", [1, 3, 4, 3], [2, 2, 2, 3], [2, 2], "valid"),
        ("valid_kernel_smaller_than_stride", [1, 3, 2, 2], [1, 2, 2, 2], [2, 3], "valid"),
        ("valid_rectangular_strides_2x1", [1, 3, 3, 2], [3, 2, 2, 2], [2, 1], "valid"),
        ("same_3x3_stride1", [1, 4, 3, 2], [3, 3, 2, 2], [1, 1], "same"),
        ("same_3x3_stride2", [2, 3, 3, 2], [3, 3, 3, 2], [2, 2], "same"),
        ("same_4x4_stride2", [1, 3, 4, 2], [4, 4, 2, 2], [2, 2], "same"),
        ("same_5x5_stride2", [1, 3, 3, 1], [5, 5, 2, 1], [2, 2], "same"),
        ("same_2x2_stride2", [1, 3, 3, 2], [2, 2, 2, 2], [2, 2], "same"),
        ("same_kernel_smaller_than_stride", [1, 2, 3, 2], [2, 1, 2, 2], [3, 2], "same"),
        ("same_rectangular_strides_2x1", [1, 3, 4, 2], [3, 4, 2, 2], [2, 1], "same"),
    ]
    for label, shape, kernel_shape, strides, padding in table:
        name = f"conv2DTranspose/{label}"
        g = Inputs(name)
        cases.append(make_case(
            name, "conv2DTranspose", [("x", g.normal(*shape)), ("kernel", g.normal(*kernel_shape, scale=0.5))],
            lambda x, k, s=strides, p=padding: conv2d_transpose_reference(x, k, s, p),
            {"strides": strides, "padding": padding}))
    # Defaults: strides 1, "valid".
    name = "conv2DTranspose/defaults_are_stride1_valid"
    g = Inputs(name)
    cases.append(make_case(
        name, "conv2DTranspose", [("x", g.normal(1, 3, 2, 2)), ("kernel", g.normal(2, 3, 3, 2, scale=0.5))],
        lambda x, k: conv2d_transpose_reference(x, k, [1, 1], "valid")))


def pooling_cases(cases):
    # (label, input NHWC, pool, strides or None (= pool, Keras), padding)
    table = [
        ("2x2_default_strides_valid", [2, 4, 6, 3], [2, 2], None, "valid"),
        ("2x2_valid_odd_input_drops_last_row", [1, 5, 5, 2], [2, 2], None, "valid"),
        ("3x3_stride2_valid", [1, 7, 6, 2], [3, 3], [2, 2], "valid"),
        ("2x3_strides_1x2_valid", [1, 5, 7, 2], [2, 3], [1, 2], "valid"),
        ("2x2_same_odd_input_pads_bottom_right", [1, 5, 5, 2], [2, 2], None, "same"),
        ("3x3_stride1_same", [1, 4, 5, 2], [3, 3], [1, 1], "same"),
        ("2x2_stride1_same_pads_after_only", [1, 4, 4, 2], [2, 2], [1, 1], "same"),
        ("3x3_stride2_same_even_input", [2, 6, 6, 2], [3, 3], [2, 2], "same"),
        ("4x4_stride1_same_pads_1_before_2_after", [1, 5, 5, 1], [4, 4], [1, 1], "same"),
        ("3x2_strides_2x1_same", [1, 7, 4, 3], [3, 2], [2, 1], "same"),
    ]
    for label, shape, pool, strides, padding in table:
        effective_strides = strides or pool
        params = {"poolSize": pool, "padding": padding}
        if strides is not None:
            params["strides"] = strides
        name = f"maxPool2D/{label}"
        cases.append(make_case(
            name, "maxPool2D", [("x", _distinct(name, shape))],
            lambda x, q=pool, s=effective_strides, p=padding: max_pool_reference(x, q, s, p), params))
        name = f"averagePool2D/{label}"
        cases.append(make_case(
            name, "averagePool2D", [("x", Inputs(name).normal(*shape))],
            lambda x, q=pool, s=effective_strides, p=padding: average_pool_reference(x, q, s, p), params))
    # Defaults: a 2×2 pool, strides = pool size, "valid".
    name = "maxPool2D/defaults_are_2x2_valid"
    cases.append(make_case(name, "maxPool2D", [("x", _distinct(name, [1, 4, 4, 2]))],
                           lambda x: max_pool_reference(x, [2, 2], [2, 2], "valid")))
    name = "averagePool2D/defaults_are_2x2_valid"
    cases.append(make_case(name, "averagePool2D", [("x", Inputs(name).normal(1, 4, 4, 2))],
                           lambda x: average_pool_reference(x, [2, 2], [2, 2], "valid")))


def conv_cases():
    """Every case of the "conv" group, in a stable order."""
    cases = []
    conv2d_cases(cases)
    conv2d_transpose_cases(cases)
    pooling_cases(cases)
    return cases
