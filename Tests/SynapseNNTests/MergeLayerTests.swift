import Foundation
import Testing
@testable import SynapseNN

/// The merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum,
/// Concatenate, Dot): values against Keras 3 itself (`Fixtures/merge.json`, written
/// by `scripts/fixtures_merge.py`), first- and second-order gradients, shape
/// inference for several inputs and the errors a wrong call gives.
@Suite("Merge layers")
struct MergeLayerTests {
    /// Fixture cases of `Fixtures/merge.json`.
    static func fixtureCases() throws -> [KerasLayerFixtureCase] { try KerasLayerFixtures.cases("merge") }

    // The reference is float64 rounded to float32; Synapse computes at most a
    // five-term dot product in float32, so 1e-5 absolute and relative leaves margin.
    @Test("Output and input gradients match Keras, with the layer built from Keras' own config", arguments: try fixtureCases())
    func matchesKeras(_ fixture: KerasLayerFixtureCase) throws {
        let layer = try #require(try LayerRegistry.makeLayer(from: fixture.params) as? MultiInputLayer)
        #expect(type(of: layer as! any ConfigurableLayer).className == fixture.op)
        let inputs = try fixture.inputs.map { try $0.tensor().requiringGrad() }
        let output = layer(inputs)
        NNCheck.expectClose(output, fixture.outputs[0].values, shape: fixture.outputs[0].shape,
                            absolute: 1e-5, relative: 1e-5, "\(fixture.name) output")
        let shapes = inputs.map { Array($0.shape.dropFirst()) }
        #expect(try layer.outputShape(forInputShapes: shapes).map { [inputs[0].shape[0]] + $0 } == output.shape, "\(fixture.name): inferred shape")
        output.backward(try #require(fixture.weights[0]).tensor())
        for (position, input) in inputs.enumerated() {
            let expected = try #require(fixture.gradients[position])
            NNCheck.expectClose(input.grad ?? .zeros(expected.shape), expected.values, shape: expected.shape,
                                absolute: 1e-5, relative: 1e-5, "\(fixture.name) ∂x\(position)")
        }
    }

    @Test("The fixture file covers every merge layer, broadcasting, axes and normalisation")
    func coverage() throws {
        let cases = try Self.fixtureCases()
        #expect(Set(cases.map(\.op)) == ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"])
        #expect(cases.contains { $0.params["normalize"] == true })
        #expect(cases.contains { $0.params["axes"] == [1, 2] })
        #expect(cases.contains { $0.op == "Add" && $0.inputs[0].shape != $0.inputs[1].shape })
    }

    @Test("Simple values: sums, differences, products, means, extremes, joins and dot products")
    func values() {
        let a = Tensor([[1, 5], [3, -2]])
        let b = Tensor([[4, 2], [3, 0]])
        NNCheck.expectClose(Add()([a, b]), [5, 7, 6, -2], shape: [2, 2])
        NNCheck.expectClose(Subtract()([a, b]), [-3, 3, 0, -2], shape: [2, 2])
        NNCheck.expectClose(Multiply()([a, b]), [4, 10, 9, 0], shape: [2, 2])
        NNCheck.expectClose(Average()([a, b, Tensor([[1, 2], [0, 2]])]), [2, 3, 2, 0], shape: [2, 2])
        NNCheck.expectClose(Maximum()([a, b]), [4, 5, 3, 0], shape: [2, 2])
        NNCheck.expectClose(Minimum()([a, b]), [1, 2, 3, -2], shape: [2, 2])
        NNCheck.expectClose(Concatenate()([a, b]), [1, 5, 4, 2, 3, -2, 3, 0], shape: [2, 4])
        NNCheck.expectClose(Dot(axes: 1)([a, b]), [14, 9], shape: [2, 1])
        NNCheck.expectClose(Dot(axes: 1, normalize: true)([a, a]), [1, 1], shape: [2, 1])
        // One input: the elementwise merges pass it through.
        NNCheck.expectClose(Add()(a), a)
    }

    @Test("Shapes are inferred for several inputs without running anything")
    func shapeInference() throws {
        #expect(try Add().outputShape(forInputShapes: [[2, 4], [1, 4], [2, 1]]) == [2, 4])
        #expect(try Concatenate(axis: 1).outputShape(forInputShapes: [[3, 2], [1, 2]]) == [4, 2])
        #expect(try Concatenate().outputShape(forInputShapes: [[3, 2], [3, 5]]) == [3, 7])
        #expect(try Dot(axes: (2, 2)).outputShape(forInputShapes: [[3, 4], [5, 4]]) == [3, 5])
        #expect(try Dot(axes: 1).outputShape(forInputShapes: [[4], [4]]) == [1])
        #expect(try Dot(axes: (1, 2)).outputShape(forInputShapes: [[3, 4], [5, 3]]) == [4, 5])
    }

    @Test("Wrong shapes are refused with the layer, its type, the shapes and the reason")
    func shapeErrors() {
        func reason(_ layer: MultiInputLayer, _ shapes: [[Int]]) -> String {
            do {
                _ = try layer.outputShape(forInputShapes: shapes)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(reason(Add(name: "sum"), [[3], [4]]) == "sum (Add): inputs of per-sample shapes [3], [4]: cannot be broadcast together")
        #expect(reason(Subtract(name: "d"), [[3], [3], [3]]) == "d (Subtract): inputs of per-sample shapes [3], [3], [3]: takes exactly 2 inputs, got 3")
        #expect(reason(Concatenate(name: "c"), [[3, 2], [4, 2]]) == "c (Concatenate): inputs of per-sample shapes [3, 2], [4, 2]: the shapes differ outside axis -1")
        #expect(reason(Concatenate(axis: 3, name: "c"), [[3, 2], [3, 2]]) == "c (Concatenate): inputs of per-sample shapes [3, 2], [3, 2]: axis 3 is not a feature axis")
        #expect(reason(Dot(axes: 1, name: "dot"), [[3], [4]]) == "dot (Dot): inputs of per-sample shapes [3], [4]: cannot contract axis 1 (size 3) with axis 1 (size 4)")
    }

    @Test("A call with shapes the layer cannot take stops the program with the same message")
    func callStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Concatenate(name: "join")([Tensor.ones([2, 3]), Tensor.ones([2, 2, 2])])
        }
        #expect(NNCheck.standardError(result).contains("join (Concatenate): inputs of per-sample shapes [3], [2, 2]: the shapes differ outside axis -1"))
    }

    @Test("Gradients of every merge match central differences, also when shapes broadcast")
    func gradients() {
        let a = NNCheck.uniform([2, 3], seed: 1)
        let b = NNCheck.uniform([2, 3], seed: 2)
        let row = NNCheck.uniform([2, 1], seed: 3)
        let layers: [MultiInputLayer] = [Add(), Subtract(), Multiply(), Average(), Maximum(), Minimum(), Concatenate(),
                                         Dot(axes: 1), Dot(axes: 1, normalize: true)]
        for layer in layers {
            FiniteDifferences.expectGradientMatches(at: a, "\(layer.name) ∂a") { layer([$0, b]) }
            FiniteDifferences.expectGradientMatches(at: b, "\(layer.name) ∂b") { layer([a, $0]) }
        }
        FiniteDifferences.expectGradientMatches(at: row, "add broadcast ∂row") { Add()([a, $0]) }
        let queries = NNCheck.uniform([2, 3, 4], seed: 4)
        let keys = NNCheck.uniform([2, 5, 4], seed: 5)
        FiniteDifferences.expectGradientMatches(at: queries, "dot scores ∂q") { Dot(axes: 2)([$0, keys]) }
        FiniteDifferences.expectGradientMatches(at: keys, "dot scores ∂k") { Dot(axes: 2)([queries, $0]) }
    }

    @Test("Second-order derivatives through the merges match finite differences (float64)")
    func secondOrder() {
        let inputs = [NNCheck.uniform([2, 3], seed: 6), NNCheck.uniform([2, 3], seed: 7)]
        let layers: [MultiInputLayer] = [Add(), Subtract(), Multiply(), Average(), Concatenate(), Dot(axes: 1), Dot(axes: 1, normalize: true)]
        for layer in layers {
            HessianVectorCheck.expectDerivativesMatch(at: inputs, layer.name) { layer($0) * layer($0) }
        }
        HessianVectorCheck.expectDerivativesMatch(at: [NNCheck.uniform([2, 3, 4], seed: 8), NNCheck.uniform([2, 5, 4], seed: 9)], "dot axes 2") {
            Dot(axes: 2)($0).tanh()
        }
    }

    @Test("Masks: merges combine their inputs' masks with a logical and; no mask stays no mask")
    func masks() {
        let x = Tensor.ones([2, 3, 4])
        let m1 = Tensor(bool: [true, true, false, true, false, false], shape: [2, 3])
        let m2 = Tensor(bool: [true, false, false, true, true, false], shape: [2, 3])
        let add = Add()
        let output = add([x, x], masks: [m1, m2])
        #expect(add.computeMask(inputs: [x, x], output: output, masks: [m1, m2])?.to(.float32).scalars == [1, 0, 0, 1, 0, 0])
        #expect(add.computeMask(inputs: [x, x], output: output, masks: [m1, nil])?.to(.float32).scalars == m1.to(.float32).scalars)
        #expect(add.computeMask(inputs: [x, x], output: output, masks: [nil, nil]) == nil)
    }
}
