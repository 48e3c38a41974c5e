import Synchronization

/// A placeholder for the batches that will flow through a functional model (Keras'
/// `KerasTensor`): it knows its per-sample shape and dtype, and the layer call that
/// produces it, but holds no values.
///
/// Calling a layer on symbolic tensors records a ``LayerNode`` and returns the
/// layer's symbolic outputs; `Model(inputs:outputs:)` turns the recorded graph into
/// a model.
///
/// ```swift
/// let inputs = Input(shape: [28, 28, 1])
/// let x = Conv2D(32, kernelSize: 3, activation: .relu)(inputs)   // SymbolicTensor, shape [26, 26, 32]
/// let outputs = Dense(10, activation: .softmax)(Flatten()(x))
/// let model = Model(inputs: inputs, outputs: outputs)
/// ```
public final class SymbolicTensor: CustomStringConvertible {
    /// The per-sample shape, without the batch dimension.
    public let shape: [Int]
    /// The element type.
    public let dtype: DType
    /// The layer call that produces this tensor.
    public let node: LayerNode
    /// Which of the node's outputs this tensor is (0 for single-output layers).
    public let outputIndex: Int

    /// - Parameters:
    ///   - shape: per-sample shape.
    ///   - dtype: element type.
    ///   - node: the producing call.
    ///   - outputIndex: the position among the node's outputs.
    package init(shape: [Int], dtype: DType, node: LayerNode, outputIndex: Int) {
        (self.shape, self.dtype, self.node, self.outputIndex) = (shape, dtype, node, outputIndex)
    }

    /// The producing layer.
    public var layer: Layer { node.layer }

    /// "<SymbolicTensor shape=(None, 26, 26, 32) dtype=float32 from conv2d>".
    public var description: String {
        "<SymbolicTensor shape=(None" + shape.map { ", \($0)" }.joined() + ") dtype=\(dtype.rawValue) from \(node.layer.name)>"
    }
}

/// Anything a layer can be called on symbolically: a ``SymbolicTensor`` or an
/// ``Input`` (which stands for its symbolic output).
public protocol SymbolicTensorConvertible {
    /// The symbolic tensor this value stands for.
    var symbolicTensor: SymbolicTensor { get }
}

extension SymbolicTensor: SymbolicTensorConvertible {
    /// The tensor itself.
    public var symbolicTensor: SymbolicTensor { self }
}

/// One call of a layer on symbolic tensors (Keras' `Node`): which tensors went in
/// and which came out. A layer called at several places (a shared layer) has one
/// node per call and one set of weights.
public final class LayerNode {
    /// The layer that was called.
    public let layer: Layer
    /// The symbolic inputs, in the order of the call (empty for an ``Input``).
    public let inputs: [SymbolicTensor]
    /// When the call was recorded: nodes are ordered by it, and a model numbers a
    /// layer's nodes in this order.
    public let sequenceNumber: Int
    /// The per-sample shape and dtype of each output.
    public let outputSpecs: [(shape: [Int], dtype: DType)]
    /// Whether the layer was called with an array (a ``MultiInputLayer`` given a
    /// one-element array still receives an array).
    public let takesList: Bool

    private static let counter = Atomic<Int>(0)

    /// - Parameters:
    ///   - layer: the called layer.
    ///   - inputs: the symbolic inputs.
    ///   - outputSpecs: per-sample shape and dtype of each output.
    ///   - takesList: whether the call passed an array.
    package init(layer: Layer, inputs: [SymbolicTensor], outputSpecs: [(shape: [Int], dtype: DType)], takesList: Bool) {
        self.layer = layer
        self.inputs = inputs
        self.outputSpecs = outputSpecs
        self.takesList = takesList
        sequenceNumber = Self.counter.add(1, ordering: .relaxed).newValue
    }

    /// The symbolic outputs, one per output spec. Each call makes new objects;
    /// record them once (``Layer/callAsFunction(_:)-(SymbolicTensorConvertible)`` does).
    package func makeOutputs() -> [SymbolicTensor] {
        outputSpecs.enumerated().map { index, spec in
            SymbolicTensor(shape: spec.shape, dtype: spec.dtype, node: self, outputIndex: index)
        }
    }
}
