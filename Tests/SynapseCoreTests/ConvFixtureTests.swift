import Testing
@testable import SynapseCore

/// Runs every case of `Fixtures/conv.json` (written by `scripts/generate_fixtures.py`,
/// group "conv", from PyTorch in float64 with Keras' padding rules emulated) through
/// Synapse's convolution and pooling ops, comparing outputs and the gradients of
/// `sum(output · weight)` with respect to the image and the kernel.
///
/// Tolerance: 1e-4 absolute plus 1e-4 relative. The reference is exact (float64
/// rounded once to float32); Synapse accumulates windows of up to 5·5·3 products
/// in float32 (GEMM blocking changes the order), and the kernel gradient sums
/// over every output pixel of the batch — a few hundred terms of size O(1), whose
/// float32 rounding stays below 1e-5. A wrong padding side, a transposed kernel
/// or a gradient sent to the wrong pixel is off by O(1).
@Suite("PyTorch reference values for convolution and pooling (Fixtures/conv.json)")
struct ConvFixtureTests {
    static let absoluteTolerance: Float = 1e-4
    static let relativeTolerance: Float = 1e-4

    /// The "conv" group, decoded once per test process.
    private static let file: Result<OpFixtureFile, any Error> = Result { try FixtureLoader.load("conv") }

    static func cases() throws -> [OpFixtureCase] { try file.get().cases }

    /// Fixture op name → the Synapse call. Parameters a case leaves out are left
    /// out of the call, so the fixture also pins the defaults.
    static let table: [String: FixtureOp] = [
        "conv2D": { inputs, p in
            if p.values.isEmpty { return [inputs[0].conv2D(inputs[1])] }
            return [inputs[0].conv2D(inputs[1], strides: try pair(p, "strides") ?? (1, 1),
                                     padding: try paddingMode(p) ?? .valid, dilation: try pair(p, "dilation") ?? (1, 1))]
        },
        "conv2DTranspose": { inputs, p in
            if p.values.isEmpty { return [inputs[0].conv2DTranspose(inputs[1])] }
            return [inputs[0].conv2DTranspose(inputs[1], strides: try pair(p, "strides") ?? (1, 1),
                                              padding: try paddingMode(p) ?? .valid)]
        },
        "maxPool2D": { inputs, p in
            if p.values.isEmpty { return [inputs[0].maxPool2D()] }
            return [inputs[0].maxPool2D(poolSize: try p.required("poolSize") { try pair(p, $0) }, strides: try pair(p, "strides"),
                                        padding: try paddingMode(p) ?? .valid)]
        },
        "averagePool2D": { inputs, p in
            if p.values.isEmpty { return [inputs[0].averagePool2D()] }
            return [inputs[0].averagePool2D(poolSize: try p.required("poolSize") { try pair(p, $0) }, strides: try pair(p, "strides"),
                                            padding: try paddingMode(p) ?? .valid)]
        },
    ]

    private static func pair(_ parameters: FixtureParameters, _ key: String) throws -> (Int, Int)? {
        guard let values = try parameters.ints(key) else { return nil }
        guard values.count == 2 else { throw FixtureParameters.ParameterError.invalid(key, "\(values)") }
        return (values[0], values[1])
    }

    private static func paddingMode(_ parameters: FixtureParameters) throws -> WindowGeometry.Padding? {
        guard let name = try parameters.string("padding") else { return nil }
        guard let padding = WindowGeometry.Padding(rawValue: name) else {
            throw FixtureParameters.ParameterError.invalid("padding", name)
        }
        return padding
    }

    @Test("the fixture covers every op, 'same' padding, strides, dilation and the defaults")
    func coverage() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 50)
        #expect(Set(cases.map(\.op)) == Set(Self.table.keys))
        let names = cases.map(\.name)
        #expect(Set(names).count == names.count, "case names must be unique")
        for op in Self.table.keys {
            #expect(cases.contains { $0.op == op && $0.params.values.isEmpty }, "\(op): no case pins the defaults")
            #expect(cases.contains { $0.op == op && (try? $0.params.string("padding")) == "same" }, "\(op): no 'same' case")
        }
        #expect(cases.contains { $0.op == "conv2D" && (try? $0.params.ints("dilation"))?.contains(where: { $0 > 1 }) == true })
        #expect(cases.allSatisfy { $0.gradients.allSatisfy { $0 != nil } }, "every input needs a reference gradient")
    }

    @Test("matches PyTorch with Keras padding", arguments: try ConvFixtureTests.cases())
    func matchesPyTorch(_ fixture: OpFixtureCase) throws {
        let operation = try #require(Self.table[fixture.op], "no Swift implementation for op '\(fixture.op)'")
        let inputs = try fixture.inputs.map { try $0.tensor() }
        let weight = try #require(try fixture.weights.first??.tensor(), "\(fixture.name): no output weight")
        try #require(fixture.outputs.count == 1 && fixture.gradients.count == inputs.count)

        var output = Tensor(0)
        var thrown: (any Error)?
        let (_, gradients) = valueAndGradient(at: inputs) { leaves in
            do {
                output = try operation(leaves, fixture.params)[0]
            } catch {
                thrown = error
                return Tensor(0)
            }
            return (output * weight).sum()
        }
        if let thrown { throw thrown }

        expectMatch(output, fixture.outputs[0], "\(fixture.name) output")
        for (position, gradient) in gradients.enumerated() {
            let expected = try #require(fixture.gradients[position])
            expectMatch(gradient, expected, "\(fixture.name) gradient of '\(fixture.inputs[position].name ?? "\(position)")'")
        }
    }

    private func expectMatch(_ actual: Tensor, _ expected: FixtureTensor, _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual.shape == expected.shape, actual.dtype == .float32 else {
            Issue.record("\(what): got \(actual.dtype) \(Shape.describe(actual.shape)), expected \(expected.dtype) \(Shape.describe(expected.shape))",
                         sourceLocation: sourceLocation)
            return
        }
        let mismatches = zip(actual.scalars, expected.values).enumerated().filter { _, pair in
            Swift.abs(pair.0 - pair.1) > Self.absoluteTolerance + Self.relativeTolerance * Swift.abs(pair.1)
        }
        if !mismatches.isEmpty {
            let shown = mismatches.prefix(6).map { "[\($0.offset)] \($0.element.0) vs \($0.element.1)" }.joined(separator: ", ")
            Issue.record("\(what): \(mismatches.count) of \(expected.values.count) elements differ (Synapse vs PyTorch): \(shown)",
                         sourceLocation: sourceLocation)
        }
    }
}
