import Foundation

/// The settings of differentially private training (DP-SGD, Abadi et al. 2016, as
/// Opacus and TensorFlow Privacy run it): every sample's gradient is clipped to an
/// L2 norm of at most ``clipNorm``, Gaussian noise of standard deviation
/// `noiseMultiplier × clipNorm` is added to their sum, and batches are Poisson
/// samples of the data. A ``PrivacyAccountant`` tracks the (ε, δ) spent.
///
/// Set it on a compiled model before `fit`; the rest of the workflow is unchanged:
///
/// ```swift
/// try model.compile(optimizer: SGD(learningRate: 0.25, momentum: 0.9), loss: "sparse_categorical_crossentropy",
///                   metrics: ["accuracy"])
/// model.privacy = DifferentialPrivacy(clipNorm: 1, targetEpsilon: 3, delta: 1e-5)
/// model.fit(x: images, y: labels, epochs: 10, batchSize: 256)
/// print(model.privacyGuarantee!)          // ε ≤ 3, δ = 1e-5
/// ```
///
/// Give the noise multiplier σ, a target ε, or both: with σ alone training runs
/// all epochs and reports the ε it spent; with a target alone σ is chosen so that
/// the last epoch ends at the target; with both, training stops before a step
/// would pass the target.
public struct DifferentialPrivacy: Sendable, Codable, Equatable {
    /// C: the largest L2 norm a sample's gradient (over all trainable parameters)
    /// keeps; larger ones are scaled down to it. Default 1.
    public var clipNorm: Double
    /// σ: the noise's standard deviation over ``clipNorm``; `nil`: chosen from ``targetEpsilon``.
    public var noiseMultiplier: Double?
    /// The ε not to exceed; `nil`: no limit (``noiseMultiplier`` must be set).
    public var targetEpsilon: Double?
    /// δ of the (ε, δ) guarantee; below one over the number of samples (default 10⁻⁵).
    public var delta: Double

    /// - Parameters:
    ///   - clipNorm: C, positive (default 1).
    ///   - noiseMultiplier: σ, at least 0; `nil` (default) to derive it from `targetEpsilon`.
    ///   - targetEpsilon: ε to spend at most, positive; `nil` (default) for no limit.
    ///   - delta: δ in (0, 1) (default 10⁻⁵).
    public init(clipNorm: Double = 1, noiseMultiplier: Double? = nil, targetEpsilon: Double? = nil, delta: Double = 1e-5) {
        (self.clipNorm, self.noiseMultiplier, self.targetEpsilon, self.delta) = (clipNorm, noiseMultiplier, targetEpsilon, delta)
    }

    /// Checks the settings and that every trainable layer of `model` has per-sample
    /// gradients (``/SynapseNN/PerSampleGradientLayer``). Layers are known once the model is
    /// built (a declared ``/SynapseNN/Input`` builds it here); `fit` checks again at the first batch.
    ///
    /// - Parameter model: the model to train privately.
    /// - Throws: ``PrivacyError`` naming the setting or the layers that do not fit.
    public func validate(for model: Model) throws {
        guard clipNorm > 0, clipNorm.isFinite else { throw PrivacyError.invalidSetting("the clipping norm must be positive, got \(clipNorm)") }
        guard delta > 0, delta < 1 else { throw PrivacyError.invalidSetting("delta must be in (0, 1), got \(delta)") }
        if let noiseMultiplier, !(noiseMultiplier >= 0 && noiseMultiplier.isFinite) {
            throw PrivacyError.invalidSetting("the noise multiplier must be a finite number ≥ 0, got \(noiseMultiplier)")
        }
        if let targetEpsilon, !(targetEpsilon > 0) {
            throw PrivacyError.invalidSetting("the target epsilon must be positive, got \(targetEpsilon)")
        }
        guard noiseMultiplier != nil || targetEpsilon != nil else {
            throw PrivacyError.invalidSetting("give a noise multiplier, a target epsilon, or both")
        }
        model.buildFromDeclaredInput()
        let unsupported = Self.layersWithoutPerSampleGradients(in: model)
        guard unsupported.isEmpty else { throw PrivacyError.unsupportedLayers(unsupported) }
    }

    /// The layers under `layer` that own trainable parameters but cannot compute
    /// per-sample gradients, as `"name (Type)"`.
    static func layersWithoutPerSampleGradients(in layer: Layer) -> [String] {
        var found: [String] = []
        let computes = (layer as? PerSampleGradientLayer)?.computesPerSampleGradients ?? false
        if !computes, layer.ownParameters.contains(where: \.isTrainable) {
            found.append("\(layer.name) (\(type(of: layer)))")
        }
        if layer is PerSampleGradientLayer { return found }
        return found + layer.sublayers.flatMap(layersWithoutPerSampleGradients(in:))
    }
}

/// The (ε, δ) guarantee a model was trained under, with the settings that gave it;
/// model files record it (`synapse info` and `--json` outputs show it).
public struct PrivacyGuarantee: Sendable, Codable, Equatable, CustomStringConvertible {
    /// ε spent (Rényi accountant, converted as Balle et al. 2020).
    public var epsilon: Double
    /// δ.
    public var delta: Double
    /// σ used at every step.
    public var noiseMultiplier: Double
    /// C: the per-sample clipping norm.
    public var clipNorm: Double
    /// q: the Poisson sampling rate.
    public var sampleRate: Double
    /// Optimizer steps taken under the guarantee.
    public var steps: Int

    /// A guarantee from its values.
    ///
    /// - Parameters:
    ///   - epsilon: ε spent.
    ///   - delta: δ.
    ///   - noiseMultiplier: σ used at every step.
    ///   - clipNorm: C, the per-sample clipping norm.
    ///   - sampleRate: q, the Poisson sampling rate.
    ///   - steps: the number of noisy steps.
    public init(epsilon: Double, delta: Double, noiseMultiplier: Double, clipNorm: Double, sampleRate: Double, steps: Int) {
        (self.epsilon, self.delta, self.noiseMultiplier, self.clipNorm, self.sampleRate, self.steps) =
            (epsilon, delta, noiseMultiplier, clipNorm, sampleRate, steps)
    }

    /// The guarantee as a JSON object (keys in snake case, as the model file stores it).
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        // Training without noise spends an infinite ε.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads ``jsonText()``'s form.
    ///
    /// - Parameter jsonText: the JSON object.
    /// - Throws: ``/SynapseNN/ModelFileError/invalidJSON(key:reason:)`` when it is not one.
    public init(jsonText: String) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            self = try decoder.decode(PrivacyGuarantee.self, from: Data(jsonText.utf8))
        } catch {
            throw ModelFileError.invalidJSON(key: ModelFile.privacyKey, reason: "\(error)")
        }
    }

    /// For example `(ε = 2.93, δ = 1e-05)-DP: σ = 1.1, C = 1, q = 0.00427, 2350 steps`.
    public var description: String {
        "(ε = \(String(format: "%.3g", epsilon)), δ = \(String(format: "%.3g", delta)))-DP: σ = \(String(format: "%.4g", noiseMultiplier)), "
            + "C = \(String(format: "%g", clipNorm)), q = \(String(format: "%.3g", sampleRate)), \(steps) steps"
    }
}

/// Why differentially private training cannot start.
public enum PrivacyError: Error, CustomStringConvertible, Equatable {
    /// A setting is out of range or missing.
    case invalidSetting(String)
    /// Layers with trainable parameters and no per-sample gradients (as `"name (Type)"`).
    case unsupportedLayers([String])

    /// A readable message, naming the setting or the layers.
    public var description: String {
        switch self {
        case .invalidSetting(let reason):
            "differential privacy: \(reason)"
        case .unsupportedLayers(let layers):
            "differential privacy: these layers cannot compute per-sample gradients: \(layers.joined(separator: ", ")). "
                + "Supported: Dense, Conv1D, Conv2D, Embedding, LayerNormalization, SimpleRNN, LSTM, GRU; "
                + "BatchNormalization mixes samples (use LayerNormalization), and frozen layers are fine"
        }
    }
}
