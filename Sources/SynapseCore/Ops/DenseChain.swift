/// The activations a fused dense chain applies in its products' output pass.
public enum DenseChainActivation: Sendable, Hashable {
    /// The identity.
    case linear
    /// `max(x, 0)`.
    case relu
    /// Softmax over each row (the last layer of a classifier).
    case softmax
}

/// One layer of ``Tensor/denseChain(_:)``: `y = activation(x · kernel + bias)`.
public struct DenseChainLayer {
    /// `[inputs, outputs]`, float32, on the input's device.
    public var kernel: Tensor
    /// `[outputs]`, or `nil` for no bias.
    public var bias: Tensor?
    /// Applied to the layer's output.
    public var activation: DenseChainActivation

    /// A dense layer of a chain.
    ///
    /// - Parameters:
    ///   - kernel: `[inputs, outputs]`, float32.
    ///   - bias: `[outputs]`, or `nil` (the default) for none.
    ///   - activation: applied to the output (default `.linear`).
    public init(kernel: Tensor, bias: Tensor? = nil, activation: DenseChainActivation = .linear) {
        self.kernel = kernel
        self.bias = bias
        self.activation = activation
    }
}

extension Tensor {
    /// The forward pass of a stack of dense layers, `x ← activation(x · kernel + bias)`
    /// for each layer in turn: the inference path of `predict` and `synapse serve` for
    /// a model of `Dense` layers.
    ///
    /// Where the backend has a fused path for the shape (the CPU backend, for one
    /// float32 row on an AVX-512 CPU: one sample's prediction), the whole chain runs in
    /// one parallel region with no intermediate tensors: each product is split along
    /// its inner dimension between the threads, each thread streaming its part of the
    /// kernel (in the layer's own `[inputs, outputs]` layout, so nothing is packed or
    /// copied), and the bias and activation are applied as the threads' partial
    /// results are added. Elsewhere, and whenever gradients are being recorded, it is
    /// the same chain of `matmul(_:bias:)`, `relu()` and `softmax()`, with the same
    /// result: the fused path adds in the same order.
    ///
    /// - Shapes: `[rows, inputs] → [rows, outputs of the last layer]`.
    ///
    /// ```swift
    /// let probabilities = x.denseChain([
    ///     DenseChainLayer(kernel: w1, bias: b1, activation: .relu),   // [784, 512]
    ///     DenseChainLayer(kernel: w2, bias: b2, activation: .softmax), // [512, 10]
    /// ])
    /// ```
    ///
    /// - Parameter layers: the layers, first to last; each kernel's first dimension
    ///   is the previous layer's outputs (the input's columns for the first).
    /// - Returns: `[rows, outputs]` of the last layer.
    public func denseChain(_ layers: [DenseChainLayer]) -> Tensor {
        require(rank == 2, "denseChain: expected an input [rows, inputs], got shape \(Shape.describe(shape))")
        require(!layers.isEmpty, "denseChain: needs at least one layer")
        var inputs = shape[1]
        for (index, layer) in layers.enumerated() {
            Tensor.requireSameDTypeAndDevice("denseChain", self, layer.kernel)
            if let bias = layer.bias { Tensor.requireSameDTypeAndDevice("denseChain", self, bias) }
            require(layer.kernel.rank == 2 && layer.kernel.shape[0] == inputs
                        && (layer.bias.map { $0.shape == [layer.kernel.shape[1]] } ?? true),
                    "denseChain: layer \(index) has kernel \(Shape.describe(layer.kernel.shape)) and bias \(layer.bias.map { Shape.describe($0.shape) } ?? "none"), expected kernel [\(inputs), outputs] and bias [outputs]")
            inputs = layer.kernel.shape[1]
        }
        let recording = GradientMode.recording && ([self] + layers.flatMap { [$0.kernel] + ($0.bias.map { [$0] } ?? []) })
            .contains { $0.node != nil }
        if dtype == .float32, !recording,
           let storage = backend.denseChain(storage, rows: shape[0], layers: layers.map {
               BackendDenseLayer(kernel: $0.kernel.storage, bias: $0.bias?.storage,
                                 inputs: $0.kernel.shape[0], outputs: $0.kernel.shape[1], activation: $0.activation)
           }) {
            return Tensor(storage: storage, shape: [shape[0], inputs], dtype: .float32)
        }
        var x = self
        for layer in layers {
            x = layer.bias.map { x.matmul(layer.kernel, bias: $0) } ?? x.matmul(layer.kernel)
            switch layer.activation {
            case .linear: break
            case .relu: x = x.relu()
            case .softmax: x = x.softmax()
            }
        }
        return x
    }
}

/// A layer of ``Backend/denseChain(_:rows:layers:)``: contiguous float32 storage.
public struct BackendDenseLayer {
    /// `[inputs, outputs]`, row-major.
    public var kernel: TensorStorage
    /// `[outputs]`, or `nil`.
    public var bias: TensorStorage?
    /// The kernel's rows.
    public var inputs: Int
    /// The kernel's columns.
    public var outputs: Int
    /// Applied to the layer's output.
    public var activation: DenseChainActivation
}

extension Backend {
    /// No fused dense chain: ``Tensor/denseChain(_:)`` composes its ops.
    ///
    /// - Parameters:
    ///   - input: `[rows, inputs]`.
    ///   - rows: the samples.
    ///   - layers: the layers.
    /// - Returns: `nil`.
    public func denseChain(_ input: TensorStorage, rows: Int, layers: [BackendDenseLayer]) -> TensorStorage? { nil }
}
