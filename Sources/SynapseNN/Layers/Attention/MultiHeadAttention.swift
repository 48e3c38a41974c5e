/// Multi-head scaled dot-product attention (Keras' `MultiHeadAttention`, Vaswani et
/// al. 2017): each head projects the query, key and value, weighs the values by
/// `softmax(q·kᵀ / √keyDim)` and the heads' results are projected back.
///
/// Called on `[query, value]` or `[query, value, key]` (the key defaults to the
/// value); called on one tensor (or inside a `Sequential`) it attends to itself. Time-step masks of the
/// inputs (from `Embedding(maskZero: true)`) become the attention mask: a query
/// step never attends to a padded value step, as in Keras. `useCausalMask` adds
/// the lower-triangular mask of decoders.
///
/// - Shapes: query `[batch, Tq, Dq]`, value `[batch, Tv, Dv]`, key `[batch, Tv, Dk]`
///   → `[batch, Tq, outputDim ?? Dq]`.
/// - Weights (Keras' layout): `query_kernel` `[Dq, heads, keyDim]`, `query_bias`
///   `[heads, keyDim]`, `key_kernel` `[Dk, heads, keyDim]`, `key_bias`, `value_kernel`
///   `[Dv, heads, valueDim]`, `value_bias` `[heads, valueDim]`, `attention_output_kernel`
///   `[heads, valueDim, out]`, `attention_output_bias` `[out]`.
///
/// ```swift
/// let tokens = Input(shape: [200], dtype: .int32)
/// let x = Embedding(inputDim: 10_000, outputDim: 64, maskZero: true)(tokens)
/// let attended = MultiHeadAttention(numHeads: 4, keyDim: 16)([x, x])   // padding masked
/// let y = LayerNormalization()(Add()([x, attended]))                  // post-norm residual
/// ```
public final class MultiHeadAttention: MultiInputLayer {
    /// The number of attention heads.
    public let numHeads: Int
    /// The size of each head's query and key projections.
    public let keyDim: Int
    /// The size of each head's value projection.
    public let valueDim: Int
    /// The dropout rate on the attention probabilities (training only).
    public let dropout: Float
    /// Whether the projections have biases.
    public let useBias: Bool
    /// The output's last dimension, or `nil` for the query's.
    public let outputDim: Int?
    /// Whether a query step may only attend to value steps up to its own (decoders).
    public let useCausalMask: Bool
    /// Initializer of the four kernels.
    public let kernelInitializer: any Initializer
    /// Initializer of the biases.
    public let biasInitializer: any Initializer

    private var queryKernel: Parameter!
    private var queryBias: Parameter?
    private var keyKernel: Parameter!
    private var keyBias: Parameter?
    private var valueKernel: Parameter!
    private var valueBias: Parameter?
    private var outputKernel: Parameter!
    private var outputBias: Parameter?
    private let probabilityDropout: Dropout

    /// Creates a multi-head attention layer; the projections are created at the first call.
    ///
    /// - Parameters:
    ///   - numHeads: the number of heads (positive).
    ///   - keyDim: the size of each head's query and key projections (positive).
    ///   - valueDim: the size of each head's value projection; by default `keyDim`.
    ///   - dropout: the dropout rate on the attention probabilities, in `[0, 1)` (default 0).
    ///   - useBias: add biases to the projections (default `true`).
    ///   - outputDim: the output's last dimension; by default the query's.
    ///   - useCausalMask: mask value steps after each query step (default `false`).
    ///   - kernelInitializer: the initializer of the four kernels (default Glorot uniform).
    ///   - biasInitializer: the initializer of the biases (default zeros).
    ///   - seed: the seed of the dropout noise; by default the process-wide generator.
    ///   - name: the layer's name (default "multi_head_attention").
    public init(numHeads: Int, keyDim: Int, valueDim: Int? = nil, dropout: Float = 0, useBias: Bool = true,
                outputDim: Int? = nil, useCausalMask: Bool = false,
                kernelInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                seed: UInt64? = nil, name: String? = nil) {
        require(numHeads > 0 && keyDim > 0 && (valueDim ?? 1) > 0 && (outputDim ?? 1) > 0,
                "MultiHeadAttention: numHeads (\(numHeads)), keyDim (\(keyDim)), valueDim and outputDim must be positive")
        require(dropout >= 0 && dropout < 1, "MultiHeadAttention: dropout must be in [0, 1), got \(dropout)")
        (self.numHeads, self.keyDim, self.valueDim) = (numHeads, keyDim, valueDim ?? keyDim)
        (self.dropout, self.useBias, self.outputDim, self.useCausalMask) = (dropout, useBias, outputDim, useCausalMask)
        (self.kernelInitializer, self.biasInitializer) = (kernelInitializer, biasInitializer)
        probabilityDropout = Dropout(dropout, seed: seed, name: "dropout")
        super.init(name: name)
    }

    /// The eight projection weights, in Keras' order (biases only with `useBias`).
    public override var ownParameters: [Parameter] {
        [queryKernel, queryBias, keyKernel, keyBias, valueKernel, valueBias, outputKernel, outputBias].compactMap { $0 }
    }
    /// No sublayers with weights (the dropout is internal).
    public override var sublayers: [Layer] { [] }

    /// The per-sample output shape, `[Tq, out]`, where `out` is `outputDim` or the query's `Dq`.
    ///
    /// - Parameter inputShapes: the per-sample shapes of the query, value and key:
    ///   `[[Tq, Dq]]`, `[[Tq, Dq], [Tv, Dv]]` or `[[Tq, Dq], [Tv, Dv], [Tv, Dk]]`.
    /// - Returns: `[Tq, outputDim ?? Dq]`.
    /// - Throws: ``InputShapeError`` unless called on 2 or 3 sequences `[T, D]` whose
    ///   value and key have the same number of steps, or when the feature sizes differ
    ///   from those the layer was built for.
    public override func outputShape(forInputShapes inputShapes: [[Int]]) throws -> [Int]? {
        guard (1...3).contains(inputShapes.count) else {
            throw shapeError(inputShapes, "takes [query], [query, value] or [query, value, key], got \(inputShapes.count) inputs")
        }
        guard inputShapes.allSatisfy({ $0.count == 2 }) else {
            throw shapeError(inputShapes, "every input must be a sequence [steps, features]")
        }
        let value = inputShapes.count > 1 ? inputShapes[1] : inputShapes[0]
        let key = inputShapes.count == 3 ? inputShapes[2] : value
        guard key[0] == value[0] else { throw shapeError(inputShapes, "value and key must have the same number of steps") }
        if let built = self.inputShapes, isBuilt {
            let builtValue = built.count > 1 ? built[1] : built[0]
            let builtKey = built.count == 3 ? built[2] : builtValue
            guard built[0][1] == inputShapes[0][1], builtValue[1] == value[1], builtKey[1] == key[1] else {
                throw shapeError(inputShapes, "the layer was built for feature sizes \(built.map { $0.last ?? 0 })")
            }
        }
        return [inputShapes[0][0], outputDim ?? inputShapes[0][1]]
    }

    /// Creates the projections for the query, value and key feature sizes.
    ///
    /// - Parameter inputShapes: the per-sample shapes `[T, D]` of the query, value
    ///   (default: the query) and key (default: the value).
    public override func build(inputShapes: [[Int]]) {
        let queryFeatures = inputShapes[0][1]
        let valueFeatures = inputShapes.count > 1 ? inputShapes[1][1] : queryFeatures
        let keyFeatures = inputShapes.count == 3 ? inputShapes[2][1] : valueFeatures
        let output = outputDim ?? queryFeatures
        queryKernel = Parameter(kernelInitializer([queryFeatures, numHeads, keyDim]), name: "query_kernel")
        keyKernel = Parameter(kernelInitializer([keyFeatures, numHeads, keyDim]), name: "key_kernel")
        valueKernel = Parameter(kernelInitializer([valueFeatures, numHeads, valueDim]), name: "value_kernel")
        outputKernel = Parameter(kernelInitializer([numHeads, valueDim, output]), name: "attention_output_kernel")
        if useBias {
            queryBias = Parameter(biasInitializer([numHeads, keyDim]), name: "query_bias")
            keyBias = Parameter(biasInitializer([numHeads, keyDim]), name: "key_bias")
            valueBias = Parameter(biasInitializer([numHeads, valueDim]), name: "value_bias")
            outputBias = Parameter(biasInitializer([output]), name: "attention_output_bias")
        }
    }

    /// Attention without masks.
    ///
    /// - Parameters:
    ///   - inputs: `[query]`, `[query, value]` or `[query, value, key]`; query
    ///     `[batch, Tq, Dq]`, value `[batch, Tv, Dv]`, key `[batch, Tv, Dk]`.
    ///   - training: `true` applies the attention dropout.
    /// - Returns: `[batch, Tq, outputDim ?? Dq]`.
    public override func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        forward(inputs, masks: inputs.map { _ in nil }, training: training)
    }

    /// Attention with the inputs' time-step masks combined into the attention mask.
    ///
    /// - Parameters:
    ///   - inputs: `[query]`, `[query, value]` or `[query, value, key]`; query
    ///     `[batch, Tq, Dq]`, value `[batch, Tv, Dv]`, key `[batch, Tv, Dk]`.
    ///   - masks: one bool `[batch, time]` mask or `nil` per input; the query's mask
    ///     hides query steps, the value's hides value steps (the key's is not used).
    ///   - training: `true` applies the attention dropout.
    /// - Returns: `[batch, Tq, outputDim ?? Dq]`.
    public override func forward(_ inputs: [Tensor], masks: [Tensor?], training: Bool) -> Tensor {
        attend(query: inputs[0], value: inputs.count > 1 ? inputs[1] : inputs[0], key: inputs.count == 3 ? inputs[2] : nil,
               queryMask: masks[0], valueMask: masks.count > 1 ? masks[1] : masks[0], attentionMask: nil, training: training).output
    }

    /// The output keeps the query's mask.
    ///
    /// - Parameters:
    ///   - inputs: the batches the layer was called with.
    ///   - output: its output.
    ///   - masks: one mask or `nil` per input.
    /// - Returns: `masks[0]`, the query's mask (`nil` when it has none).
    public override func computeMask(inputs: [Tensor], output: Tensor, masks: [Tensor?]) -> Tensor? { masks[0] }

    /// Attention with an explicit mask (Keras' `attention_mask`), also returning the
    /// attention probabilities (Keras' `return_attention_scores`).
    ///
    /// - Parameters:
    ///   - query: `[batch, Tq, Dq]`.
    ///   - value: `[batch, Tv, Dv]`.
    ///   - key: `[batch, Tv, Dk]`; by default `value`.
    ///   - attentionMask: bool `[batch, Tq, Tv]` (or broadcastable), `true` where a
    ///     query step may attend to a value step; combined with the causal mask.
    ///   - training: `true` applies the attention dropout.
    /// - Returns: the output `[batch, Tq, out]` and the probabilities `[batch, heads, Tq, Tv]`.
    public func callAsFunction(query: Tensor, value: Tensor, key: Tensor? = nil, attentionMask: Tensor? = nil,
                               training: Bool = false) -> (output: Tensor, scores: Tensor) {
        let inputs = [query, value] + (key.map { [$0] } ?? [])
        if !isBuilt {
            do {
                _ = try outputShape(forInputShapes: inputs.map { Array($0.shape.dropFirst()) })
            } catch {
                fatalError("\(error)")
            }
            withDevice(query.device) { buildIfNeeded(inputShapes: inputs.map { Array($0.shape.dropFirst()) }) }
        }
        return attend(query: query, value: value, key: key, queryMask: nil, valueMask: nil, attentionMask: attentionMask, training: training)
    }

    private func attend(query: Tensor, value: Tensor, key: Tensor?, queryMask: Tensor?, valueMask: Tensor?,
                        attentionMask: Tensor?, training: Bool) -> (output: Tensor, scores: Tensor) {
        let key = key ?? value
        let (batch, queryLength, valueLength) = (query.shape[0], query.shape[1], value.shape[1])
        // [batch, T, D] · [D, heads·dim] → [batch, heads, T, dim]
        func project(_ x: Tensor, _ kernel: Parameter, _ bias: Parameter?, size: Int) -> Tensor {
            let features = x.shape[2]
            var projected = x.matmul(kernel.value.reshaped(to: [features, numHeads * size]))
            if let bias { projected = projected + bias.value.reshaped(to: [numHeads * size]) }
            return projected.reshaped(to: [batch, x.shape[1], numHeads, size]).permuted(0, 2, 1, 3)
        }
        let q = project(query, queryKernel, queryBias, size: keyDim) * (1 / Float(keyDim).squareRoot())
        let k = project(key, keyKernel, keyBias, size: keyDim)
        let v = project(value, valueKernel, valueBias, size: valueDim)
        var logits = q.matmul(k, transposeB: true)                                    // [batch, heads, Tq, Tv]
        if let mask = combinedMask(queryMask: queryMask, valueMask: valueMask, attentionMask: attentionMask,
                                   batch: batch, queryLength: queryLength, valueLength: valueLength, device: query.device) {
            // Keras adds -1e9 where the mask is false, so a fully masked row is uniform.
            let allowed = mask.unsqueezed(axis: 1)
            logits = Tensor.where(allowed, logits, logits.constant(-1e9))
        }
        let probabilities = logits.softmax(axis: -1)
        let attended = probabilityDropout(probabilities, training: training).matmul(v)   // [batch, heads, Tq, valueDim]
        let merged = attended.permuted(0, 2, 1, 3).reshaped(to: [batch, queryLength, numHeads * valueDim])
        let outputSize = outputKernel.shape[2]
        var output = merged.matmul(outputKernel.value.reshaped(to: [numHeads * valueDim, outputSize]))
        if let outputBias { output = output + outputBias.value }
        return (output, probabilities)
    }

    /// The bool `[batch, Tq, Tv]` mask from the query and value masks, the
    /// explicit mask and the causal mask; `nil` when there is none.
    private func combinedMask(queryMask: Tensor?, valueMask: Tensor?, attentionMask: Tensor?, batch: Int,
                              queryLength: Int, valueLength: Int, device: Device) -> Tensor? {
        var masks: [Tensor] = []
        if let queryMask { masks.append(queryMask.unsqueezed(axis: 2)) }          // [batch, Tq, 1]
        if let valueMask { masks.append(valueMask.unsqueezed(axis: 1)) }          // [batch, 1, Tv]
        if let attentionMask {
            require(attentionMask.dtype == .bool, "\(name): attentionMask must be bool, got \(attentionMask.dtype)")
            masks.append(attentionMask)
        }
        if useCausalMask {
            let rows = (0..<queryLength).flatMap { row in (0..<valueLength).map { column in column <= row } }
            masks.append(Tensor(bool: rows, shape: [1, queryLength, valueLength]).to(device))
        }
        guard var combined = masks.first else { return nil }
        let full = Tensor(bool: [Bool](repeating: true, count: batch * queryLength * valueLength),
                          shape: [batch, queryLength, valueLength]).to(device)
        combined = Tensor.where(combined, full, combined)                         // broadcast to full shape
        for mask in masks.dropFirst() { combined = Tensor.where(combined, mask, combined) }
        return combined
    }
}
