import Foundation
import Testing
@testable import SynapseNN

/// Every loss × every reduction against PyTorch references that reproduce Keras'
/// conventions (`Fixtures/losses.json`, written by `scripts/fixtures_losses.py`):
/// the value, and the gradient of `sum(value · weight)` from torch autograd.
@Suite("Losses match the PyTorch references")
struct LossFixtureTests {
    /// References are float64 results rounded to float32; Synapse computes in
    /// float32. Per-sample losses take a handful of operations (clip, log or exp,
    /// a sum of ≤ 5 terms, a mean of ≤ 8 samples), each adding about an ulp, plus
    /// the kernels' few-ulp transcendentals. Measured: values within 3.7e-7
    /// relative; gradients within 1.9e-6 absolute, and beyond 2e-5 relative only on
    /// tiny elements (5e-5 on σ(−7) ≈ 3e-4, through float32 exp). A wrong
    /// convention — mean instead of sum over the last axis, no renormalisation, a
    /// clip in the wrong place, a wrong sign — is off by 1e-2 or more.
    static let (absolute, relative) = (1e-6, 2e-5)

    @Test("value and gradient match", arguments: try LossFixtures.cases())
    func matches(_ fixture: LossFixtureCase) throws {
        let loss = try fixture.makeLoss()
        let yTrue = try fixture.inputs[0].tensor()
        let yPred = try fixture.inputs[1].tensor()
        let trueLeaf = yTrue.dtype == .float32 && loss.name != "sparse_categorical_crossentropy"
            ? yTrue.requiringGrad() : yTrue
        let predLeaf = yPred.requiringGrad()
        let value = loss(trueLeaf, predLeaf)

        let expected = try fixture.outputs[0].tensor()
        NNCheck.expectClose(value.detached(), expected, absolute: Self.absolute, relative: Self.relative,
                            "\(fixture.name) value")

        let weight = try #require(fixture.weights[0]).tensor()
        value.backward(weight)
        let predGradient = try #require(fixture.gradients[1]).tensor()
        NNCheck.expectClose(predLeaf.grad ?? .zeros(yPred.shape), predGradient,
                            absolute: Self.absolute, relative: Self.relative, "\(fixture.name) ∂/∂yPred")
        if trueLeaf.requiresGrad, let trueGradient = fixture.gradients[0] {
            NNCheck.expectClose(trueLeaf.grad ?? .zeros(yTrue.shape), try trueGradient.tensor(),
                                absolute: Self.absolute, relative: Self.relative, "\(fixture.name) ∂/∂yTrue")
        }
    }

    @Test("the references cover every loss, every reduction, logits and all label forms")
    func coverage() throws {
        let cases = try LossFixtures.cases()
        let canonical = Set(Losses.names.compactMap { Losses.named($0)?.name })
        #expect(Set(cases.map(\.op)) == canonical)
        for name in canonical {
            let reductions = Set(cases.filter { $0.op == name }.compactMap(\.reduction))
            #expect(reductions == Set(["sum_over_batch_size", "sum", "none"]), "\(name): \(reductions)")
        }
        for name in ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"] {
            let logits = Set(cases.filter { $0.op == name }.map(\.fromLogits))
            #expect(logits == [true, false], "\(name) with and without logits")
        }
        let sparse = cases.filter { $0.op == "sparse_categorical_crossentropy" }.map(\.inputs[0])
        #expect(sparse.contains { $0.dtype == "int32" && $0.shape.count == 1 })
        #expect(sparse.contains { $0.dtype == "int32" && $0.shape.last == 1 && $0.shape.count == 2 })
        #expect(sparse.contains { $0.dtype == "float32" })
        #expect(cases.contains { $0.op == "huber" && $0.delta != nil })
    }
}

/// Loading `Fixtures/losses.json`.
enum LossFixtures {
    struct File: Decodable {
        var cases: [LossFixtureCase]
    }

    struct MissingFile: Error, CustomStringConvertible {
        var description: String { "Fixtures/losses.json is missing; run python3 scripts/fixtures_losses.py" }
    }

    private static let file: Result<File, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "losses", withExtension: "json", subdirectory: "Fixtures") else {
            throw MissingFile()
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(File.self, from: Data(contentsOf: url))
    }

    static func cases() throws -> [LossFixtureCase] { try file.get().cases }
}

/// A tensor in the fixture file: dtype, shape, row-major values.
struct LossFixtureTensor: Decodable, Sendable {
    var dtype: String
    var shape: [Int]
    var values: [Float]

    struct UnknownDType: Error { var dtype: String }

    func tensor() throws -> Tensor {
        switch dtype {
        case "float32": return Tensor(values, shape: shape)
        case "int32": return Tensor(int32: values.map { Int32($0) }, shape: shape)
        default: throw UnknownDType(dtype: dtype)
        }
    }
}

/// One case: a loss (`op`, Keras name) with its arguments, inputs `[yTrue, yPred]`,
/// the expected value, the weight of `sum(value · weight)` and its gradients.
struct LossFixtureCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Parameters: Decodable, Sendable {
        var reduction: String
        var fromLogits: Bool?
        var delta: Float?
        var labelSmoothing: Float?
    }

    struct UnknownCase: Error, CustomStringConvertible {
        var description: String
    }

    var name: String
    var op: String
    var params: Parameters
    var inputs: [LossFixtureTensor]
    var outputs: [LossFixtureTensor]
    var weights: [LossFixtureTensor?]
    var gradients: [LossFixtureTensor?]
    var note: String?

    var testDescription: String { name }
    var reduction: String? { params.reduction }
    var fromLogits: Bool { params.fromLogits ?? false }
    var delta: Float? { params.delta }

    /// The Synapse loss this case describes.
    func makeLoss() throws -> any Loss {
        guard let reduction = LossReduction(rawValue: params.reduction) else {
            throw UnknownCase(description: "\(name): unknown reduction \(params.reduction)")
        }
        switch op {
        case "mean_squared_error": return MeanSquaredError(reduction: reduction)
        case "mean_absolute_error": return MeanAbsoluteError(reduction: reduction)
        case "huber": return Huber(delta: params.delta ?? 1, reduction: reduction)
        case "binary_crossentropy": return BinaryCrossentropy(fromLogits: fromLogits, reduction: reduction)
        case "categorical_crossentropy":
            return CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: params.labelSmoothing ?? 0, reduction: reduction)
        case "sparse_categorical_crossentropy":
            return SparseCategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: params.labelSmoothing ?? 0,
                                                 reduction: reduction)
        case "kl_divergence": return KLDivergence(reduction: reduction)
        case "cosine_similarity": return CosineSimilarity(reduction: reduction)
        default: throw UnknownCase(description: "\(name): unknown loss \(op)")
        }
    }
}
