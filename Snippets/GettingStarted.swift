//! Tensors, ops and automatic differentiation: the first steps with Synapse.

// snippet.tensors
import Synapse

// A tensor from nested arrays: float32, on the default device (the CPU).
let x = Tensor([[1, 2, 3], [4, 5, 6]])
print(x.shape, x.dtype)                       // [2, 3] float32

// Arithmetic broadcasts as in NumPy; ops never change their operands.
let scaled = (x * 2 + 1).relu()               // [2, 3]
let w = Tensor.randomNormal([3, 4], standardDeviation: 0.1)
let product = x.matmul(w)                     // [2, 4]
print(scaled.sum(), product.shape)
// snippet.end

// snippet.autograd
// Gradients are recorded as ops run. Mark the leaves that need one,
// compute a scalar, call backward() and read grad.
var weights = Tensor([[1, 2], [3, 4]])
weights.requiresGrad = true
let loss = (weights * weights).sum()
loss.backward()
print(weights.grad!)                          // 2 · weights
// snippet.end

// snippet.functional-gradients
// The functional form returns gradients as tensors and leaves .grad
// alone; with createGraph the gradient can itself be differentiated.
let point = Tensor([0.5, -1.0, 2.0])
let cube = { (t: Tensor) in (t * t * t).sum() }
let slope = gradient(of: cube, at: point)     // 3x²
let curvature = gradient(of: { input in
    gradient(of: cube, at: input, createGraph: true).sum()
}, at: point)                                 // 6x
print(slope, curvature)
// snippet.end

// snippet.neuron
// A neuron computes y = f(w·x + b); a Dense layer is many neurons side
// by side, sharing one input.
let layer = Dense(4, activation: .relu)
let batch = Tensor.randomNormal([32, 3])      // [batch, features]
let activations = layer(batch)                // [32, 4]
print(activations.shape, layer.parameters.count)   // kernel and bias
// snippet.end

// snippet.hide
check(slope.scalars == [0.75, 3, 12], "slope \(slope.scalars)")
check(curvature.scalars == [3, -6, 12], "curvature \(curvature.scalars)")
check(weights.grad!.scalars == [2, 4, 6, 8])
check(activations.shape == [32, 4])

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
