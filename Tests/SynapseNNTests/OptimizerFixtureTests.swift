import Foundation
import Testing
@testable import SynapseNN

/// Trajectories of every optimizer against PyTorch's on the same problem
/// (`Fixtures/optimizers.json`, written by `scripts/fixtures_optimizers.py`).
@Suite("Optimizer trajectories match PyTorch")
struct OptimizerFixtureTests {
    /// Absolute plus relative tolerance on parameters of size ~1. Both sides run in
    /// float32; the gradients (oneDNN vs MKL matmul, different summation orders) and
    /// the scalar hyper-parameters (Float here, Python doubles in torch) differ in the
    /// last bits, and 10 steps amplify that to a few 1e-7.
    static let tolerance: Float = 1e-5

    @Test("10 steps on a linear regression stay within 1e-5 of torch.optim",
          arguments: try OptimizerFixtures.cases())
    func trajectory(_ fixture: OptimizerCase) throws {
        let x = try fixture.input("x")
        let y = try fixture.input("y")
        let weight = Parameter(try fixture.input("w"), name: "w")
        let bias = Parameter(try fixture.input("b"), name: "b")
        let optimizer = try fixture.makeOptimizer(parameters: [weight, bias])
        #expect(fixture.trajectory.count == fixture.steps)
        for (step, expected) in fixture.trajectory.enumerated() {
            optimizer.zeroGrad()
            let loss = (x.matmul(weight.value) + bias.value - y).square().mean()
            loss.backward()
            optimizer.step()
            for (parameter, reference) in zip([weight, bias], expected) {
                let error = OptimizerFixtures.maxError(parameter.value.scalars, reference.values)
                #expect(error <= Self.tolerance,
                        "\(fixture.name): \(parameter.name) after step \(step + 1) is off by \(error)")
            }
        }
        #expect(optimizer.iterations == fixture.steps)
    }

    @Test("the fixture covers every optimizer and every clipping mode")
    func coverage() throws {
        let cases = try OptimizerFixtures.cases()
        #expect(Set(cases.map(\.optimizer)) == Set(Optimizers.names))
        for option in ["clipValue", "clipNorm", "globalClipNorm", "momentum", "nesterov", "amsgrad", "centered", "weightDecay"] {
            #expect(cases.contains { $0.options[option] != nil }, "no case sets \(option)")
        }
        #expect(cases.contains { $0.schedule != nil })
    }
}

/// Loading `Fixtures/optimizers.json`.
enum OptimizerFixtures {
    struct File: Decodable {
        var cases: [OptimizerCase]
    }

    private static let file: Result<File, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "optimizers", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError("Fixtures/optimizers.json is missing; run python3 scripts/fixtures_optimizers.py")
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    static func cases() throws -> [OptimizerCase] { try file.get().cases }

    /// Largest `|a − b| / (1 + |b|)` over the elements.
    static func maxError(_ actual: [Float], _ expected: [Float]) -> Float {
        guard actual.count == expected.count else { return .infinity }
        return zip(actual, expected).map { Swift.abs($0 - $1) / (1 + Swift.abs($1)) }.max() ?? 0
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A float32 tensor in a fixture.
struct OptimizerFixtureTensor: Decodable, Sendable {
    var name: String?
    var shape: [Int]
    var values: [Float]
}

/// A number or a flag in a case's options.
enum OptimizerOption: Decodable, Sendable, Equatable {
    case number(Double)
    case flag(Bool)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }
}

/// A learning-rate schedule in Keras' terms.
struct OptimizerFixtureSchedule: Decodable, Sendable {
    var kind: String
    var initialLearningRate: Float
    var decaySteps: Int
    var decayRate: Float?
    var staircase: Bool?
    var alpha: Float?
    var warmupTarget: Float?
    var warmupSteps: Int?

    func make() throws -> any LearningRateSchedule {
        switch kind {
        case "exponential":
            return ExponentialDecay(initialLearningRate: initialLearningRate, decaySteps: decaySteps,
                                    decayRate: decayRate ?? 1, staircase: staircase ?? false)
        case "cosine":
            return CosineDecay(initialLearningRate: initialLearningRate, decaySteps: decaySteps, alpha: alpha ?? 0,
                               warmupTarget: warmupTarget, warmupSteps: warmupSteps ?? 0)
        default:
            throw FixtureError("unknown schedule kind \(kind)")
        }
    }
}

/// One optimizer run: options, data, and the parameters after each step.
struct OptimizerCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var optimizer: String
    var options: [String: OptimizerOption]
    var schedule: OptimizerFixtureSchedule?
    var steps: Int
    var inputs: [OptimizerFixtureTensor]
    /// `trajectory[i]` = [w, b] after step i + 1.
    var trajectory: [[OptimizerFixtureTensor]]

    var testDescription: String { name }

    func input(_ name: String) throws -> Tensor {
        let entry = try #require(inputs.first { $0.name == name }, "\(self.name): no input \(name)")
        return Tensor(entry.values, shape: entry.shape)
    }

    private func number(_ key: String) -> Float? {
        if case .number(let value)? = options[key] { return Float(value) }
        return nil
    }

    private func flag(_ key: String) -> Bool {
        if case .flag(let value)? = options[key] { return value }
        return false
    }

    /// The Synapse optimizer with the case's options (Synapse defaults for absent ones).
    func makeOptimizer(parameters: [Parameter]) throws -> Optimizer {
        let learningRate = try #require(number("learningRate"), "\(name): no learningRate")
        let schedule: any LearningRateSchedule = try schedule?.make() ?? ConstantLearningRate(learningRate)
        let (clipNorm, globalClipNorm, clipValue) = (number("clipNorm"), number("globalClipNorm"), number("clipValue"))
        switch optimizer {
        case "sgd":
            return SGD(parameters: parameters, learningRate: schedule, momentum: number("momentum") ?? 0,
                       nesterov: flag("nesterov"), weightDecay: number("weightDecay") ?? 0,
                       clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "adam":
            return Adam(parameters: parameters, learningRate: schedule, beta1: number("beta1") ?? 0.9,
                        beta2: number("beta2") ?? 0.999, epsilon: number("epsilon") ?? 1e-7, amsgrad: flag("amsgrad"),
                        weightDecay: number("weightDecay") ?? 0,
                        clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "adamw":
            return AdamW(parameters: parameters, learningRate: schedule, weightDecay: number("weightDecay") ?? 0.004,
                         beta1: number("beta1") ?? 0.9, beta2: number("beta2") ?? 0.999,
                         epsilon: number("epsilon") ?? 1e-7, amsgrad: flag("amsgrad"),
                         clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "rmsprop":
            return RMSprop(parameters: parameters, learningRate: schedule, rho: number("rho") ?? 0.9,
                           momentum: number("momentum") ?? 0, epsilon: number("epsilon") ?? 1e-7, centered: flag("centered"),
                           clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "adagrad":
            return Adagrad(parameters: parameters, learningRate: schedule,
                           initialAccumulatorValue: number("initialAccumulatorValue") ?? 0.1,
                           epsilon: number("epsilon") ?? 1e-7,
                           clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        default:
            throw FixtureError("\(name): unknown optimizer \(optimizer)")
        }
    }
}
