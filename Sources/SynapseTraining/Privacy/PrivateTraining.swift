/// One differentially private `fit` in progress: the noise multiplier it settled
/// on, the sampling rate, the accountant, and the DP-SGD step that replaces the
/// ordinary one (``Model/trainStep(x:y:)`` calls it while ``Model/privacy`` is set).
final class PrivateTraining {
    let settings: DifferentialPrivacy
    /// σ used at every step.
    let noiseMultiplier: Double
    /// q: the probability that a sample is in a batch.
    let sampleRate: Double
    /// q × samples: the noisy sum is divided by it (Opacus), not by the drawn batch's size,
    /// which would itself reveal something about the batch.
    let expectedBatchSize: Double
    private(set) var accountant = PrivacyAccountant()
    private(set) var steps = 0
    /// Whether the first batch showed every trainable parameter covered by a per-sample rule.
    private var checkedCoverage = false

    /// - Parameters:
    ///   - settings: validated settings.
    ///   - sampleRate: the loader's Poisson rate.
    ///   - samples: the data set's size.
    ///   - plannedSteps: the steps the fit will take if nothing stops it (to derive σ from a target ε).
    init(settings: DifferentialPrivacy, sampleRate: Double, samples: Int, plannedSteps: Int) {
        self.settings = settings
        self.sampleRate = sampleRate
        self.expectedBatchSize = sampleRate * Double(samples)
        if let sigma = settings.noiseMultiplier {
            noiseMultiplier = sigma
        } else {
            noiseMultiplier = PrivacyAccountant.noiseMultiplier(targetEpsilon: settings.targetEpsilon!, delta: settings.delta,
                                                                sampleRate: sampleRate, steps: Swift.max(plannedSteps, 1))
        }
    }

    /// ε spent so far.
    var epsilon: Double { accountant.epsilon(delta: settings.delta).epsilon }

    /// What the steps so far guarantee.
    var guarantee: PrivacyGuarantee {
        PrivacyGuarantee(epsilon: epsilon, delta: settings.delta, noiseMultiplier: noiseMultiplier,
                         clipNorm: settings.clipNorm, sampleRate: sampleRate, steps: steps)
    }

    /// Whether one more step would spend more than the target ε.
    var nextStepPassesTarget: Bool {
        guard let target = settings.targetEpsilon else { return false }
        var next = accountant
        next.step(noiseMultiplier: noiseMultiplier, sampleRate: sampleRate)
        return next.epsilon(delta: settings.delta).epsilon > target
    }

    /// One DP-SGD step on a Poisson-sampled batch (possibly empty): per-sample
    /// gradients from one forward and one backward pass that skips the parameters'
    /// own gradients, each sample's clipped to ``DifferentialPrivacy/clipNorm``, their
    /// sum plus Gaussian noise over the expected batch size as the gradient; the
    /// regularisation penalty's gradient (which reads no data) is added unclipped.
    ///
    /// - Returns: the batch's mean loss.
    func step(_ model: Model, x: Tensor, y: Tensor) -> Logs {
        let (optimizer, loss) = (model.requireCompiled(), model.requireSingleLoss("differentially private training"))
        if optimizer.parameters.isEmpty { optimizer.parameters = model.trainableParameters }
        let parameters = optimizer.parameters.filter(\.isTrainable)
        let batch = x.shape.first ?? 0
        var sums: [ObjectIdentifier: Tensor] = [:]
        var lossValue = Tensor(Float(0))   // an empty batch weighs nothing in the epoch mean
        if batch > 0 {
            let tape = PerSampleGradientTape()
            let (prediction, mask) = Parameter.withGradientsSuspended(parameters) {
                tape.recording { model.forwardWithOutputMask(x, training: true) }
            }
            let value = loss(y, prediction, mask: mask)
            // The sum of the per-sample losses: each sample's rows of the recorded
            // gradients are then exactly the gradient of its own loss.
            (value * Float(batch)).backward()
            sums = Self.clippedGradientSums(of: tape.calls, batchSize: batch, clipNorm: settings.clipNorm)
            if !checkedCoverage {
                // A model built only now (no declared input) is checked at its first batch.
                let uncovered = DifferentialPrivacy.layersWithoutPerSampleGradients(in: model)
                require(uncovered.isEmpty && parameters.allSatisfy { sums[ObjectIdentifier($0)] != nil },
                        "fit: \(PrivacyError.unsupportedLayers(uncovered.isEmpty ? ["a custom layer"] : uncovered))")
                checkedCoverage = true
            }
            model.updateMetrics(yTrue: y, yPred: prediction.detached(), mask: mask)
            lossValue = value.detached()
        }
        let standardDeviation = Float(noiseMultiplier * settings.clipNorm)
        let scale = Float(1 / expectedBatchSize)
        withoutGradient {
            for parameter in parameters {
                let device = parameter.value.device
                var gradient = sums[ObjectIdentifier(parameter)] ?? Tensor.zeros(parameter.shape, device: device)
                if standardDeviation > 0 {
                    gradient = gradient + Tensor.randomNormal(parameter.shape, standardDeviation: standardDeviation, device: device)
                }
                parameter.setGrad(gradient * scale)
            }
        }
        if let penalty = model.regularizationLoss() { penalty.backward() }
        optimizer.step()
        accountant.step(noiseMultiplier: noiseMultiplier, sampleRate: sampleRate)
        steps += 1
        if nextStepPassesTarget { model.stopTraining = true }
        return Logs(deferred: ["loss": DeferredScalar(tensor: lossValue)])
    }

    /// `Σᵢ min(1, C / ‖gᵢ‖) gᵢ` for every parameter the calls cover, where `gᵢ` is
    /// sample `i`'s gradient over all of them (flat clipping, as Opacus' default).
    ///
    /// - Parameters:
    ///   - calls: the recorded calls, their output gradients filled in.
    ///   - batchSize: the number of samples.
    ///   - clipNorm: C.
    /// - Returns: the clipped sums, by parameter identity.
    static func clippedGradientSums(of calls: [PerSampleGradientTape.Call], batchSize: Int,
                                    clipNorm: Double) -> [ObjectIdentifier: Tensor] {
        var order: [ObjectIdentifier] = []
        var byLayer: [ObjectIdentifier: [PerSampleGradients]] = [:]
        for call in calls {
            guard let layer = call.layer as? PerSampleGradientLayer else { continue }
            let id = ObjectIdentifier(layer)
            if byLayer[id] == nil { order.append(id) }
            byLayer[id, default: []].append(layer.perSampleGradients(of: call, batchSize: batchSize))
        }
        let layers = order.map { PerSampleGradients.combining(byLayer[$0]!) }.filter { !$0.parameters.isEmpty }
        guard let first = layers.first else { return [:] }
        let norms = layers.dropFirst().reduce(first.squaredNorms) { $0 + $1.squaredNorms }.sqrt()
        let factors = ((norms + 1e-6).reciprocal() * Float(clipNorm)).clamped(max: 1)
        var sums: [ObjectIdentifier: Tensor] = [:]
        for layer in layers {
            for (parameter, sum) in zip(layer.parameters, layer.weightedSum(factors)) {
                let id = ObjectIdentifier(parameter)
                sums[id] = sums[id].map { $0 + sum } ?? sum
            }
        }
        return sums
    }
}
