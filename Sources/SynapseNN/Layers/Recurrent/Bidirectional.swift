/// Runs a recurrent layer over the sequence in both directions and merges the two
/// results (Keras' `Bidirectional`).
///
/// The backward copy is the same layer type and configuration with `goBackwards`
/// flipped (its own weights, named `backward_<name>`); with `returnSequences` its
/// outputs are put back in forward time order before merging, so step `t` of the
/// result sees the whole sequence. A mask (from `Embedding(maskZero:)` or `Masking`)
/// goes to both directions.
///
/// ```swift
/// let model = Sequential {
///     Input(shape: [200], dtype: .int32)
///     Embedding(inputDim: 10_000, outputDim: 64, maskZero: true)
///     Bidirectional(LSTM(32))                  // [batch, 64]: forward and backward concatenated
///     Dense(2, activation: .softmax)
/// }
/// ```
///
/// Shapes: `[batch, time, features]` → `[batch, (time,) units]` for `sum`, `mul` and
/// `ave`, `[batch, (time,) 2·units]` for `concat`. Layers with `returnState` are not
/// supported. Not yet stored in model files (``LayerRegistry`` does not list it).
public final class Bidirectional: Layer {
    /// How the two directions are combined (Keras' `merge_mode`).
    public enum MergeMode: String, Sendable, CaseIterable {
        /// Forward then backward along the last axis (the default).
        case concat
        /// Elementwise sum.
        case sum
        /// Elementwise product.
        case mul
        /// Elementwise mean.
        case ave
    }

    /// The layer run in the given direction.
    public let forwardLayer: RecurrentLayer
    /// Its copy run from the last step to the first.
    public let backwardLayer: RecurrentLayer
    /// How the two outputs are combined.
    public let mergeMode: MergeMode

    /// - Parameters:
    ///   - layer: a `SimpleRNN`, `LSTM` or `GRU` without `returnState`, not yet built.
    ///   - mergeMode: `.concat` (default), `.sum`, `.mul` or `.ave`.
    ///   - backwardLayer: a layer for the backward direction (it must process
    ///     backwards: `goBackwards: true`); by default a copy of `layer` with
    ///     `goBackwards` flipped.
    ///   - name: layer name (default "bidirectional_N").
    public init(_ layer: RecurrentLayer, mergeMode: MergeMode = .concat, backwardLayer: RecurrentLayer? = nil,
                name: String? = nil) {
        require(!layer.returnState, "Bidirectional: layers with returnState are not supported (\(layer.name))")
        require(!layer.isBuilt, "Bidirectional: pass an unbuilt layer; \(layer.name) already has weights")
        let backward = backwardLayer ?? Self.reversedCopy(of: layer)
        require(backward.goBackwards != layer.goBackwards,
                "Bidirectional: the backward layer must run in the other direction (goBackwards \(!layer.goBackwards))")
        require(backward.returnSequences == layer.returnSequences,
                "Bidirectional: both directions must agree on returnSequences")
        self.forwardLayer = layer
        self.backwardLayer = backward
        self.mergeMode = mergeMode
        super.init(name: name)
    }

    /// The same configuration with `goBackwards` flipped, through the layer's model-file config.
    private static func reversedCopy(of layer: RecurrentLayer) -> RecurrentLayer {
        do {
            var config = try LayerRegistry.config(of: layer)
            config["go_backwards"] = .bool(!layer.goBackwards)
            config["name"] = .string("backward_" + layer.name)
            guard let copy = try LayerRegistry.makeLayer(from: config) as? RecurrentLayer else {
                fatalError("Bidirectional: the copy of \(layer.name) is not a recurrent layer")
            }
            return copy
        } catch {
            fatalError("Bidirectional: cannot copy \(layer.name) for the backward direction: \(error)")
        }
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [forwardLayer, backwardLayer] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        merge(forwardLayer(input, training: training), backwardLayer(input, training: training))
    }

    public override func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        merge(forwardLayer(input, mask: mask, training: training), backwardLayer(input, mask: mask, training: training))
    }

    /// With `returnSequences` the mask goes on unchanged (outputs are in forward
    /// order); otherwise it is consumed.
    ///
    /// - Parameters:
    ///   - input: the layer's input, `[batch, time, features]`.
    ///   - output: its output.
    ///   - mask: the input's mask, bool `[batch, time]`, or `nil`.
    /// - Returns: `mask` with `returnSequences`, otherwise `nil`.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? {
        forwardLayer.returnSequences ? mask : nil
    }

    private func merge(_ forward: Tensor, _ backward: Tensor) -> Tensor {
        var backward = backward
        if forwardLayer.returnSequences {
            // The backward layer emits its steps in processing order (last step first).
            let time = backward.shape[1]
            backward = backward.gather(Tensor(int32: (0..<time).reversed().map { Int32($0) }).to(backward.device), axis: 1)
        }
        switch mergeMode {
        case .concat: return Tensor.concatenate([forward, backward], axis: -1)
        case .sum: return forward + backward
        case .mul: return forward * backward
        case .ave: return (forward + backward) * 0.5
        }
    }
}
