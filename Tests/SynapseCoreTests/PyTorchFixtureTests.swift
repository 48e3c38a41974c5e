import Testing
@testable import SynapseCore

/// Runs every case of `Fixtures/ops.json` (written by `scripts/generate_fixtures.py`
/// from PyTorch, in float64) through the Synapse op named by the case and compares
/// the outputs and the gradients of `Σᵢ sum(outputᵢ · weightᵢ)` with respect to
/// every float input.
///
/// Tolerance: 1e-5 absolute plus 1e-5 relative. The reference is exact (float64
/// rounded once to float32), so this leaves room for float32 accumulation over the
/// few dozen elements of a case and nothing more; a case may carry a looser
/// tolerance in the fixture, with its reason.
@Suite("PyTorch reference values (Fixtures/ops.json)")
struct PyTorchFixtureTests {
    static let absoluteTolerance: Float = 1e-5
    static let relativeTolerance: Float = 1e-5

    @Test("every fixture op has a Swift implementation, and every implementation a fixture")
    func coverage() throws {
        let cases = try FixtureLoader.opsCases()
        #expect(cases.count > 200)
        let fixtureOps = Set(cases.map(\.op))
        let missing = fixtureOps.subtracting(FixtureOps.table.keys).sorted()
        #expect(missing.isEmpty, "fixture ops without a Swift implementation: \(missing)")
        let unused = Set(FixtureOps.table.keys).subtracting(fixtureOps).sorted()
        #expect(unused.isEmpty, "Swift implementations no fixture case uses: \(unused)")
        let names = cases.map(\.name)
        #expect(Set(names).count == names.count, "case names must be unique")
    }

    @Test("matches PyTorch", arguments: try FixtureLoader.opsCases())
    func matchesPyTorch(_ fixture: OpFixtureCase) throws {
        let operation = try #require(FixtureOps.table[fixture.op], "no Swift implementation for op '\(fixture.op)'")
        let inputs = try fixture.inputs.map { try $0.tensor() }
        let weights = try fixture.weights.map { try $0?.tensor() }
        let tolerance = fixture.tolerance.map { ($0.absolute, $0.relative) }
            ?? (Self.absoluteTolerance, Self.relativeTolerance)
        try #require(weights.count == fixture.outputs.count, "one weight entry per output")
        try #require(fixture.gradients.count == inputs.count, "one gradient entry per input")

        let differentiable = inputs.indices.filter { inputs[$0].dtype == .float32 }
        var outputs: [Tensor] = []
        var thrown: (any Error)?
        let (_, gradients) = valueAndGradient(at: differentiable.map { inputs[$0] }) { leaves in
            var arguments = inputs
            for (position, leaf) in zip(differentiable, leaves) { arguments[position] = leaf }
            do {
                outputs = try operation(arguments, fixture.params)
            } catch {
                thrown = error
                return Tensor(0)
            }
            var loss = Tensor(0)
            for (output, weight) in zip(outputs, weights) {
                if let weight { loss = loss + (output * weight).sum() }
            }
            return loss
        }
        if let thrown { throw thrown }

        try #require(outputs.count == fixture.outputs.count,
                     "\(fixture.name): \(outputs.count) outputs, expected \(fixture.outputs.count)")
        for (index, (actual, expected)) in zip(outputs, fixture.outputs).enumerated() {
            expectMatch(actual, expected, tolerance: tolerance, what: "\(fixture.name) output \(index)")
        }
        for (slot, position) in differentiable.enumerated() {
            guard let expected = fixture.gradients[position] else { continue }
            expectMatch(gradients[slot], expected, tolerance: tolerance,
                        what: "\(fixture.name) gradient of input '\(fixture.inputs[position].name ?? "\(position)")'")
        }
        let expectedGradients = fixture.gradients.indices.filter { fixture.gradients[$0] != nil }
        #expect(expectedGradients.allSatisfy(differentiable.contains),
                "\(fixture.name): gradients are expected for inputs \(expectedGradients), but only \(differentiable) are float32")
    }

    /// Shape and dtype exactly; values exactly for int32/bool, within tolerance for
    /// float32 (NaN matches NaN, infinities must match exactly).
    private func expectMatch(_ actual: Tensor, _ expected: FixtureTensor, tolerance: (absolute: Float, relative: Float),
                             what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual.shape == expected.shape, actual.dtype.rawValue == expected.dtype else {
            Issue.record("\(what): got \(actual.dtype) \(actual.shape), expected \(expected.dtype) \(expected.shape)",
                         sourceLocation: sourceLocation)
            return
        }
        let values: [Float] = switch actual.dtype {
        case .float32: actual.scalars
        case .float64: actual.doubleScalars.map { Float($0) }
        case .int32: actual.intScalars.map { Float($0) }
        case .bool: actual.boolScalars.map { $0 ? 1 : 0 }
        }
        var mismatches: [String] = []
        for (index, (value, reference)) in zip(values, expected.values).enumerated() {
            let matches: Bool
            if reference.isNaN {
                matches = value.isNaN
            } else if reference.isInfinite || actual.dtype != .float32 {
                matches = value == reference
            } else {
                matches = Swift.abs(value - reference) <= tolerance.absolute + tolerance.relative * Swift.abs(reference)
            }
            if !matches { mismatches.append("[\(index)] \(value) vs \(reference)") }
        }
        if !mismatches.isEmpty {
            let shown = mismatches.prefix(6).joined(separator: ", ")
            Issue.record("\(what): \(mismatches.count) of \(values.count) elements differ (actual vs PyTorch): \(shown)",
                         sourceLocation: sourceLocation)
        }
    }
}
