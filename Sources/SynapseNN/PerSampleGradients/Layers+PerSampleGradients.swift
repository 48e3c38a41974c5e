/// Per-sample gradient rules of the feed-forward layers: each maps a recorded call
/// (input and output gradient) to the parameters' per-sample gradients, without
/// running the samples one at a time.

extension Dense: PerSampleGradientLayer {
    /// `xᵢᵀ gᵢ` and `Σ gᵢ` per sample (rows of a sequence or of ``TimeDistributed``
    /// summed per sample).
    ///
    /// - Parameters:
    ///   - call: the recorded input `[..., in]` and output gradient `[..., units]`.
    ///   - batchSize: the number of samples.
    public func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients {
        .affineRows(input: call.input.reshaped(to: [-1, kernel.shape[0]]),
                    outputGradient: call.requiredGradient.reshaped(to: [-1, units]),
                    batchSize: batchSize, kernel: kernel, bias: bias)
    }
}

extension Conv2D: PerSampleGradientLayer {
    /// The convolution as an affine map of its patches (im2col): `patchesᵢᵀ gᵢ` per sample.
    ///
    /// - Parameters:
    ///   - call: the recorded NHWC input and output gradient.
    ///   - batchSize: the number of samples.
    public func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients {
        Self.convolutionPerSampleGradients(image: call.input, outputGradient: call.requiredGradient, batchSize: batchSize,
                                           window: (kernel.shape[0], kernel.shape[1]), strides: strides,
                                           dilation: dilationRate, padding: padding, kernel: kernel, bias: bias)
    }

    /// Per-sample gradients of a convolution over an NHWC `image` (a sequence is an
    /// image one row high), from its im2col patches.
    static func convolutionPerSampleGradients(image: Tensor, outputGradient: Tensor, batchSize: Int, window: (Int, Int),
                                              strides: (Int, Int), dilation: (Int, Int), padding: Padding,
                                              kernel: Parameter, bias: Parameter?) -> PerSampleGradients {
        guard let geometry = WindowGeometry(inputShape: image.shape, window: window, strides: strides,
                                            dilation: dilation, padding: padding) else {
            fatalError("per-sample gradients: the recorded input \(Shape.describe(image.shape)) does not fit the convolution's window")
        }
        let filters = outputGradient.shape[outputGradient.rank - 1]
        return .affineRows(input: image.patches(geometry), outputGradient: outputGradient.reshaped(to: [-1, filters]),
                           batchSize: batchSize, kernel: kernel, bias: bias)
    }
}

extension Conv1D: PerSampleGradientLayer {
    /// As ``Conv2D``'s rule, on the sequence seen as an image one row high.
    ///
    /// - Parameters:
    ///   - call: the recorded input `[batch, 1, steps, in]` and output gradient.
    ///   - batchSize: the number of samples.
    public func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients {
        Conv2D.convolutionPerSampleGradients(image: call.input, outputGradient: call.requiredGradient, batchSize: batchSize,
                                             window: (1, kernel.shape[0]), strides: (1, strides),
                                             dilation: (1, dilationRate), padding: padding, kernel: kernel, bias: bias)
    }
}

extension Embedding: PerSampleGradientLayer {
    /// A sample's gradient adds its output gradient rows into the rows of its token
    /// ids. Its squared norm is `Σ_{t,t'} [idₜ = idₜ'] ⟨gₜ, gₜ'⟩`, formed without the
    /// `[batch, vocabulary, dim]` tensor; the weighted sum is one scatter-add.
    ///
    /// - Parameters:
    ///   - call: the recorded int32 ids `[batch, ...]` and output gradient `[batch, ..., dim]`.
    ///   - batchSize: the number of samples.
    public func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients {
        guard let table = embeddings, table.isTrainable else { return .none(batchSize: batchSize, device: call.input.device) }
        let dimension = table.shape[1]
        let ids = call.input.reshaped(to: [batchSize, -1])
        let g = call.requiredGradient.reshaped(to: [batchSize, -1, dimension])
        let sameToken = (ids.unsqueezed(axis: 2) .== ids.unsqueezed(axis: 1)).to(.float32)
        let norms = (g.matmul(g, transposeB: true) * sameToken).sum(alongAxes: [1, 2])
        let scatter = { (ids: Tensor, rows: Tensor) -> Tensor in
            gradient(of: { ($0.gather(ids, axis: 0) * rows).sum() }, at: table.value.detached())
        }
        return PerSampleGradients(
            parameters: [table], squaredNorms: norms,
            weightedSum: { weights in [scatter(ids, g * weights.reshaped(to: [batchSize, 1, 1]))] },
            perSample: {
                [Tensor.stack((0..<batchSize).map { sample in
                    scatter(ids.narrowed(axis: 0, start: sample, length: 1), g.narrowed(axis: 0, start: sample, length: 1))
                }, axis: 0)]
            })
    }
}

extension LayerNormalization: PerSampleGradientLayer {
    /// `Σ gᵢ ⊙ x̂ᵢ` (scale) and `Σ gᵢ` (offset) per sample, over the sample's rows.
    ///
    /// - Parameters:
    ///   - call: the recorded normalised input `x̂` and output gradient, both `[batch, ..., features]`.
    ///   - batchSize: the number of samples.
    public func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients {
        let features = call.input.shape[call.input.rank - 1]
        let normalized = call.input.reshaped(to: [batchSize, -1, features])
        let g = call.requiredGradient.reshaped(to: [batchSize, -1, features])
        var parameters: [Parameter] = []
        var perSample: [Tensor] = []
        if let gamma, gamma.isTrainable {
            parameters.append(gamma)
            perSample.append((g * normalized).sum(alongAxis: 1))
        }
        if let beta, beta.isTrainable {
            parameters.append(beta)
            perSample.append(g.sum(alongAxis: 1))
        }
        guard !parameters.isEmpty else { return .none(batchSize: batchSize, device: g.device) }
        return .fromPerSample(parameters: parameters, perSample)
    }
}

extension PerSampleGradientTape.Call {
    /// The output gradient, which a rule needs: zeros when no gradient reached the
    /// output (the layer's result did not affect the loss).
    var requiredGradient: Tensor {
        outputGradient ?? Tensor.zeros(outputShape, device: input.device)
    }
}
