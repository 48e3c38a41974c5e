import Foundation
import Testing
@testable import SynapseNN

/// A loss with targets and predictions where its gradient is smooth (away from
/// MAE's and Huber's kinks, the clip bounds and zero-norm vectors).
struct LossCase: Sendable, CustomTestStringConvertible {
    var loss: any Loss
    var yTrue: Tensor
    var yPred: Tensor
    var testDescription: String {
        let smoothing = (loss as? SparseCategoricalCrossentropy)?.labelSmoothing
            ?? (loss as? CategoricalCrossentropy)?.labelSmoothing ?? 0
        return (fromLogits ? "\(loss.name) from logits" : loss.name) + (smoothing > 0 ? ", label smoothing \(smoothing)" : "")
    }

    /// Whether the loss reads logits.
    var fromLogits: Bool {
        switch loss {
        case let loss as BinaryCrossentropy: loss.fromLogits
        case let loss as CategoricalCrossentropy: loss.fromLogits
        case let loss as SparseCategoricalCrossentropy: loss.fromLogits
        default: false
        }
    }

    static var all: [LossCase] {
        let regression = NNCheck.uniform([3, 4], seed: 61)
        // Predictions 0.3 to 1.5 away from the targets: beyond the step, and off Huber's delta of 1.
        let offsets = NNCheck.uniform([3, 4], seed: 62, low: 0.3, high: 0.9)
            * Tensor([[1, -1, 1.5, -1], [-1, 1.6, 1, -1], [1, 1, -1, 1.7]])
        let binary = Tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]])
        let probabilities = NNCheck.uniform([3, 4], seed: 63, low: 0.25, high: 0.75)
        let logits = NNCheck.uniform([3, 4], seed: 64, low: -3, high: 3)
        let distribution = NNCheck.uniform([3, 4], seed: 65, low: -1, high: 1).softmax()
        let positive = NNCheck.uniform([3, 4], seed: 66, low: 0.4, high: 1.5)
        let labels = Tensor(int32: [2, 0, 3], shape: [3])
        return [
            LossCase(loss: MeanSquaredError(reduction: .none), yTrue: regression, yPred: regression + offsets),
            LossCase(loss: MeanAbsoluteError(reduction: .none), yTrue: regression, yPred: regression + offsets),
            LossCase(loss: Huber(reduction: .none), yTrue: regression, yPred: regression + offsets),
            LossCase(loss: BinaryCrossentropy(reduction: .none), yTrue: binary, yPred: probabilities),
            LossCase(loss: BinaryCrossentropy(fromLogits: true, reduction: .none), yTrue: binary, yPred: logits),
            LossCase(loss: CategoricalCrossentropy(reduction: .none), yTrue: distribution, yPred: positive),
            LossCase(loss: CategoricalCrossentropy(fromLogits: true, reduction: .none), yTrue: distribution, yPred: logits),
            LossCase(loss: SparseCategoricalCrossentropy(reduction: .none), yTrue: labels, yPred: distribution),
            LossCase(loss: SparseCategoricalCrossentropy(fromLogits: true, reduction: .none), yTrue: labels, yPred: logits),
            LossCase(loss: SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1, reduction: .none),
                     yTrue: labels, yPred: logits),
            LossCase(loss: CategoricalCrossentropy(labelSmoothing: 0.2, reduction: .none), yTrue: distribution, yPred: positive),
            LossCase(loss: KLDivergence(reduction: .none), yTrue: distribution, yPred: positive.softmax()),
            LossCase(loss: CosineSimilarity(reduction: .none), yTrue: regression, yPred: positive - 0.9),
        ]
    }
}

@Suite("Losses")
struct LossTests {
    @Test("gradients w.r.t. predictions match central differences", arguments: LossCase.all)
    func finiteDifferences(_ lossCase: LossCase) {
        // Step 1e-3: the probabilities (≥ 0.2) make |f'''| of the logarithms up to
        // 2/p³ ≈ 250, so the default 1e-2 step would leave a truncation error of
        // 4e-3; with 1e-3 it is 4e-5, and the float32 rounding noise, ~k · 3e-5
        // for O(1) per-sample losses, stays far below the 2e-3 absolute tolerance.
        FiniteDifferences.expectGradientMatches(at: lossCase.yPred, step: 1e-3, lossCase.loss.name) {
            lossCase.loss(lossCase.yTrue, $0)
        }
    }

    @Test("reductions: none keeps one value per sample, sum adds them, sum_over_batch_size averages",
          arguments: LossCase.all)
    func reductions(_ lossCase: LossCase) {
        let perSample = lossCase.loss.perSampleLoss(yTrue: lossCase.yTrue, yPred: lossCase.yPred)
        #expect(perSample.shape == [3])
        #expect(lossCase.loss(lossCase.yTrue, lossCase.yPred).scalars == perSample.scalars)
        let total = perSample.scalars.reduce(0.0) { $0 + Double($1) }
        // (Calling the returned existential directly crashes Swift 6.3's SILGen: name it first.)
        let sumLoss = Self.reduced(lossCase.loss, .sum)
        let meanLoss = Self.reduced(lossCase.loss, .sumOverBatchSize)
        #expect(sumLoss.reduction == .sum && meanLoss.reduction == .sumOverBatchSize)
        let summed = sumLoss(lossCase.yTrue, lossCase.yPred)
        let averaged = meanLoss(lossCase.yTrue, lossCase.yPred)
        #expect(summed.shape == [] && averaged.shape == [])
        #expect(Swift.abs(Double(summed.item) - total) < 1e-5 * (1 + Swift.abs(total)))
        #expect(Swift.abs(Double(averaged.item) - total / 3) < 1e-5 * (1 + Swift.abs(total)))
    }

    /// The same loss with another reduction.
    static func reduced(_ loss: any Loss, _ reduction: LossReduction) -> any Loss {
        switch loss {
        case is MeanSquaredError: MeanSquaredError(reduction: reduction)
        case is MeanAbsoluteError: MeanAbsoluteError(reduction: reduction)
        case let l as Huber: Huber(delta: l.delta, reduction: reduction)
        case let l as BinaryCrossentropy: BinaryCrossentropy(fromLogits: l.fromLogits, reduction: reduction)
        case let l as CategoricalCrossentropy:
            CategoricalCrossentropy(fromLogits: l.fromLogits, labelSmoothing: l.labelSmoothing, reduction: reduction)
        case let l as SparseCategoricalCrossentropy:
            SparseCategoricalCrossentropy(fromLogits: l.fromLogits, labelSmoothing: l.labelSmoothing, reduction: reduction)
        case is KLDivergence: KLDivergence(reduction: reduction)
        case is CosineSimilarity: CosineSimilarity(reduction: reduction)
        default: loss
        }
    }

    @Test("Losses.named knows every Keras name and alias, with Keras defaults")
    func named() throws {
        let expected: [(String, String)] = [
            ("mean_squared_error", "mean_squared_error"), ("mse", "mean_squared_error"),
            ("mean_absolute_error", "mean_absolute_error"), ("mae", "mean_absolute_error"),
            ("huber", "huber"), ("huber_loss", "huber"),
            ("binary_crossentropy", "binary_crossentropy"), ("bce", "binary_crossentropy"),
            ("categorical_crossentropy", "categorical_crossentropy"),
            ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"),
            ("kl_divergence", "kl_divergence"), ("kullback_leibler_divergence", "kl_divergence"),
            ("kld", "kl_divergence"), ("cosine_similarity", "cosine_similarity"), ("MSE", "mean_squared_error"),
        ]
        for (name, canonical) in expected {
            let loss = try #require(Losses.named(name), "\(name)")
            #expect(loss.name == canonical, "\(name)")
            #expect(loss.reduction == .sumOverBatchSize, "\(name)")
        }
        for name in Losses.names {
            #expect(Losses.named(name) != nil, "\(name) is listed but not found")
        }
        #expect((Losses.named("binary_crossentropy") as? BinaryCrossentropy)?.fromLogits == false)
        #expect((Losses.named("categorical_crossentropy") as? CategoricalCrossentropy)?.fromLogits == false)
        #expect((Losses.named("sparse_categorical_crossentropy") as? SparseCategoricalCrossentropy)?.fromLogits == false)
        #expect((Losses.named("huber") as? Huber)?.delta == 1)
        #expect(Losses.named("hinge") == nil)
        #expect(LossReduction(rawValue: "sum_over_batch_size") == .sumOverBatchSize)
    }

    @Test("logits of ±100 give finite losses and gradients", arguments: [
        LossCase(loss: BinaryCrossentropy(fromLogits: true), yTrue: Tensor([[1, 0, 1, 0]]), yPred: Tensor([[100, -100, -100, 100]])),
        LossCase(loss: CategoricalCrossentropy(fromLogits: true), yTrue: Tensor([[1, 0, 0], [0, 1, 0]]),
                 yPred: Tensor([[-100, 100, 0], [100, -100, 100]])),
        LossCase(loss: SparseCategoricalCrossentropy(fromLogits: true), yTrue: Tensor(int32: [0, 1], shape: [2]),
                 yPred: Tensor([[-100, 100, 0], [1000, -1000, 0]])),
        LossCase(loss: BinaryCrossentropy(), yTrue: Tensor([[1, 0, 1, 0]]), yPred: Tensor([[0, 1, 0, 1]])),
        LossCase(loss: CategoricalCrossentropy(), yTrue: Tensor([[1, 0, 0]]), yPred: Tensor([[0, 1, 0]])),
        LossCase(loss: KLDivergence(), yTrue: Tensor([[1, 0, 0]]), yPred: Tensor([[0, 0.5, 0.5]])),
    ])
    func stability(_ lossCase: LossCase) throws {
        let (value, gradient) = valueAndGradient(at: lossCase.yPred) { lossCase.loss(lossCase.yTrue, $0) }
        #expect(value.item.isFinite, "loss \(value.item)")
        #expect(value.item > 10, "a confident wrong prediction costs a large loss, got \(value.item)")
        #expect(gradient.scalars.allSatisfy { $0.isFinite }, "gradient \(gradient.scalars)")
    }

    @Test("confident right predictions cost (almost) nothing")
    func confidentRight() {
        // log(1 + e⁻¹⁰⁰) ≈ 3.7e-44, a float32 denormal.
        let logits = BinaryCrossentropy(fromLogits: true)(Tensor([[1, 0]]), Tensor([[100, -100]]))
        #expect(logits.item >= 0 && logits.item < 1e-37)
        let clipped = BinaryCrossentropy()(Tensor([[1, 0]]), Tensor([[1, 0]]))
        // −log(1 − 1e-7) in float32: 1 − (1 − 1e-7) rounds to 1.19e-7.
        #expect(clipped.item > 0 && clipped.item < 2e-7)
        #expect(CategoricalCrossentropy(fromLogits: true)(Tensor([[0, 1]]), Tensor([[-100, 100]])).item == 0)
        #expect(Swift.abs(KLDivergence()(Tensor([[0.2, 0.8]]), Tensor([[0.2, 0.8]])).item) < 1e-7)
    }

    @Test("binary cross-entropy from logits exactly 0 has gradient (σ(0) − y) / n, as after a zero init")
    func logitsAtZero() {
        let yTrue = Tensor([[1, 0, 1, 0]])
        let (value, gradient) = valueAndGradient(at: Tensor.zeros([1, 4])) {
            BinaryCrossentropy(fromLogits: true)(yTrue, $0)
        }
        #expect(Swift.abs(value.item - Float(log(2.0))) < 1e-6)
        NNCheck.expectClose(gradient, [-0.125, 0.125, -0.125, 0.125], shape: [1, 4], absolute: 1e-7)
    }

    @Test("cosine similarity loss: −1 aligned, +1 opposite, 0 orthogonal, scale-invariant")
    func cosine() {
        let loss = CosineSimilarity(reduction: .none)
        let yTrue = Tensor([[1, 2, 3], [1, 0, 0], [1, 1, 0]])
        let yPred = Tensor([[2, 4, 6], [-3, 0, 0], [0, 0, 5]])
        NNCheck.expectClose(loss(yTrue, yPred), [-1, 1, 0], shape: [3], absolute: 1e-6)
    }

    @Test("categorical cross-entropy on probabilities renormalises the predictions")
    func renormalisation() {
        let yTrue = Tensor([[0, 1, 0]])
        let scaled = CategoricalCrossentropy()(yTrue, Tensor([[1, 2, 1]]))
        #expect(Swift.abs(scaled.item - Float(-log(0.5))) < 1e-6)
    }

    @Test("sparse labels may be int32 [N], int32 [N, 1], or float32 whole numbers, with the same loss")
    func sparseLabelForms() {
        let predictions = NNCheck.uniform([4, 3], seed: 67, low: -2, high: 2)
        let loss = SparseCategoricalCrossentropy(fromLogits: true, reduction: .none)
        let reference = loss(Tensor(int32: [2, 0, 1, 2], shape: [4]), predictions)
        let expected = (0..<4).map { -predictions.logSoftmax()[$0, [2, 0, 1, 2][$0]].item }
        NNCheck.expectClose(reference, expected, shape: [4])
        #expect(loss(Tensor(int32: [2, 0, 1, 2], shape: [4, 1]), predictions).scalars == reference.scalars)
        #expect(loss(Tensor([2, 0, 1, 2]), predictions).scalars == reference.scalars)
        let sequence = SparseCategoricalCrossentropy(fromLogits: true, reduction: .none)(
            Tensor(int32: [0, 1, 2, 2, 1, 0], shape: [2, 3]), NNCheck.uniform([2, 3, 3], seed: 68))
        #expect(sequence.shape == [2, 3])
    }

    @Test("a sparse label outside 0..<classes stops with the range in the message")
    func sparseOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SparseCategoricalCrossentropy()(Tensor(int32: [0, 3], shape: [2]), Tensor.full([2, 3], value: 1.0 / 3))
        }
        #expect(NNCheck.standardError(result).contains(
            "sparse_categorical_crossentropy: labels must be in 0..<3 for 3 classes, got values from 0 to 3"))
    }

    @Test("a negative sparse label stops too")
    func sparseNegative() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SparseCategoricalCrossentropy(fromLogits: true)(Tensor(int32: [-1, 1], shape: [2]), Tensor.zeros([2, 3]))
        }
        #expect(NNCheck.standardError(result).contains("labels must be in 0..<3 for 3 classes, got values from -1 to 1"))
    }

    @Test("sparse labels of the wrong shape stop with both shapes")
    func sparseShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SparseCategoricalCrossentropy()(Tensor(int32: [0, 1, 2], shape: [3]), Tensor.zeros([2, 3]))
        }
        #expect(NNCheck.standardError(result).contains(
            "labels of shape [3] do not match predictions of shape [2, 3] (expected labels [2])"))
    }

    @Test("targets and predictions of different shapes stop with both shapes")
    func shapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MeanSquaredError()(Tensor.zeros([4, 1]), Tensor.zeros([4]))
        }
        #expect(NNCheck.standardError(result).contains(
            "mean_squared_error: targets of shape [4, 1] do not match predictions of shape [4]"))
    }

    @Test("integer targets for a dense loss point to sparse_categorical_crossentropy")
    func integerTargets() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = CategoricalCrossentropy()(Tensor(int32: [0, 1], shape: [1, 2]), Tensor.zeros([1, 2]))
        }
        #expect(NNCheck.standardError(result).contains("use sparse_categorical_crossentropy for integer labels"))
    }
}
