import Foundation
import Testing
@testable import SynapseNN

/// One activation function with its closed form in double precision.
struct ActivationReference: Sendable, CustomTestStringConvertible {
    var function: ActivationFunction
    var formula: @Sendable (Double) -> Double
    var testDescription: String { "\(function)" }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Every element-wise case of ``ActivationFunction`` (softmax and log-softmax
    /// are tested by row).
    static let all: [ActivationReference] = [
        .init(function: .linear) { $0 },
        .init(function: .relu) { Swift.max($0, 0) },
        .init(function: .leakyRelu()) { $0 >= 0 ? $0 : 0.3 * $0 },
        .init(function: .leakyRelu(alpha: 0.1)) { $0 >= 0 ? $0 : 0.1 * $0 },
        .init(function: .elu()) { $0 > 0 ? $0 : exp($0) - 1 },
        .init(function: .elu(alpha: 0.5)) { $0 > 0 ? $0 : 0.5 * (exp($0) - 1) },
        .init(function: .selu) { 1.0507009873554805 * ($0 > 0 ? $0 : 1.6732632423543772 * (exp($0) - 1)) },
        .init(function: .gelu()) { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) },
        .init(function: .gelu(approximate: true)) { x in
            0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        },
        .init(function: .sigmoid) { sigmoid($0) },
        .init(function: .tanh) { Foundation.tanh($0) },
        .init(function: .softplus) { log1p(exp($0)) },
        .init(function: .softsign) { $0 / (1 + Swift.abs($0)) },
        .init(function: .swish) { $0 * sigmoid($0) },
    ]
}

@Suite("Activation functions and the Activation layer")
struct ActivationLayerTests {
    static let points: [Float] = [-3, -1.5, -0.5, 0, 0.25, 1, 2.5]

    @Test("each activation function matches its closed form", arguments: ActivationReference.all)
    func values(_ reference: ActivationReference) {
        let output = reference.function(Tensor(Self.points))
        let expected = Self.points.map { Float(reference.formula(Double($0))) }
        NNCheck.expectClose(output, expected, shape: [Self.points.count], absolute: 1e-6, relative: 1e-5,
                            "\(reference.function)")
    }

    @Test("softmax and log-softmax act on the last axis")
    func softmax() {
        let logits = Tensor([[1, 2, 3], [-1, 0, 4]])
        var expected: [Float] = []
        for row in [[1.0, 2, 3], [-1.0, 0, 4]] {
            let total = row.map { exp($0) }.reduce(0, +)
            expected += row.map { Float(exp($0) / total) }
        }
        NNCheck.expectClose(ActivationFunction.softmax(logits), expected, shape: [2, 3], absolute: 1e-6)
        NNCheck.expectClose(ActivationFunction.logSoftmax(logits), expected.map { Float(log(Double($0))) },
                            shape: [2, 3], absolute: 1e-5)
        let rowSums = ActivationFunction.softmax(NNCheck.uniform([4, 3, 6], seed: 31, low: -5, high: 5)).sum(alongAxis: -1)
        NNCheck.expectClose(rowSums, [Float](repeating: 1, count: 12), shape: [4, 3], absolute: 1e-6)
    }

    @Test("ActivationFunction(name:) knows the Keras names, case-insensitively")
    func kerasNames() {
        let names: [(String, ActivationFunction)] = [
            ("linear", .linear), ("relu", .relu), ("leaky_relu", .leakyRelu()), ("elu", .elu()), ("selu", .selu),
            ("gelu", .gelu()), ("sigmoid", .sigmoid), ("tanh", .tanh), ("softplus", .softplus),
            ("softsign", .softsign), ("swish", .swish), ("silu", .swish), ("softmax", .softmax),
            ("log_softmax", .logSoftmax), ("ReLU", .relu), ("LeakyReLU", .leakyRelu(alpha: 0.3)),
        ]
        for (name, function) in names {
            #expect(ActivationFunction(name: name) == function, "\(name)")
        }
        #expect(ActivationFunction(name: "mish") == nil)
        #expect(ActivationFunction(name: "") == nil)
    }

    @Test("each function's name looks it up again and is its description")
    func nameRoundTrip() {
        let functions: [ActivationFunction] = ActivationReference.all.map(\.function) + [.softmax, .logSoftmax]
        for function in functions {
            #expect(ActivationFunction(name: function.name)?.name == function.name)
            #expect(function.description == function.name)
        }
        #expect(ActivationFunction.leakyRelu(alpha: 0.1).name == "leaky_relu")
    }

    @Test("the Activation layer applies its function, keeps the shape and has no parameters")
    func layer() {
        let layer = Activation(.tanh)
        let input = NNCheck.uniform([2, 3, 4], seed: 32, low: -2, high: 2)
        let output = layer(input)
        NNCheck.expectClose(output, input.scalars.map { Float(Foundation.tanh(Double($0))) }, shape: [2, 3, 4],
                            absolute: 1e-6)
        #expect(layer.parameters.isEmpty && layer.parameterCount == 0)
        #expect(layer.name == "activation")
        #expect(layer.inputShape == [3, 4] && layer.outputShape == [3, 4])
    }

    @Test("gradients flow through the Activation layer (central differences)",
          arguments: [ActivationFunction.sigmoid, .gelu(), .swish, .softmax, .elu()])
    func gradient(_ function: ActivationFunction) {
        // Inputs at least 0.1 away from 0, where elu's second derivative jumps.
        let input = NNCheck.uniform([3, 4], seed: 33, low: 0.1, high: 2) * Tensor([1, -1, 1, -1])
        FiniteDifferences.expectGradientMatches(at: input, "\(function)") { Activation(function)($0) }
    }
}
