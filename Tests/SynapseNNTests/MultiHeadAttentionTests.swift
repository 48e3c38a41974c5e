import Foundation
import Testing
@testable import SynapseNN

/// MultiHeadAttention against Keras 3 itself (`Fixtures/attention.json`, written by
/// `scripts/fixtures_attention.py`), with its masks, gradients and shape errors.
@Suite("MultiHeadAttention")
struct MultiHeadAttentionTests {
    static func fixtureCases() throws -> [KerasLayerFixtureCase] { try KerasLayerFixtures.cases("attention") }

    // float64 reference rounded to float32; Synapse sums at most 6-term products
    // and a 4-step softmax in float32, so 1e-5 leaves margin.
    @Test("Output and the gradients of query, value, key and every weight match Keras", arguments: try fixtureCases())
    func matchesKeras(_ fixture: KerasLayerFixtureCase) throws {
        let layer = try #require(try LayerRegistry.makeLayer(from: fixture.params) as? MultiHeadAttention)
        let present = Set(fixture.inputs.compactMap { $0.name })
        let tensorNames: [String] = ["query", "value", "key"].filter { present.contains($0) }
        let tensors: [Tensor] = try tensorNames.map { (name: String) in try fixture.input(name).tensor().requiringGrad() }
        layer.buildIfNeeded(inputShapes: tensors.map { Array($0.shape.dropFirst()) })
        let weights = fixture.inputs.filter { input in
            let name = input.name ?? ""
            return !tensorNames.contains(name) && !name.hasSuffix("_mask")
        }
        #expect(layer.ownParameters.map { $0.name } == weights.map { $0.name ?? "" }, "\(fixture.name): weights in Keras' order")
        for (parameter, weight) in zip(layer.ownParameters, weights) { parameter.assign(try weight.tensor()) }
        let valueMask = try fixture.inputs.first { $0.name == "value_mask" }?.tensor()
        let masks: [Tensor?] = tensors.indices.map { $0 == 1 ? valueMask : nil }
        let output = layer(tensors, masks: masks)
        NNCheck.expectClose(output, fixture.outputs[0].values, shape: fixture.outputs[0].shape,
                            absolute: 1e-5, relative: 1e-5, "\(fixture.name) output")
        output.backward(try #require(fixture.weights[0]).tensor())
        for (position, input) in fixture.inputs.enumerated() where input.dtype == "float32" {
            let expected = try #require(fixture.gradients[position])
            let actual = tensorNames.firstIndex(of: input.name ?? "").map { tensors[$0].grad }
                ?? layer.ownParameters.first { $0.name == input.name }?.grad
            NNCheck.expectClose(actual ?? .zeros(expected.shape), expected.values, shape: expected.shape,
                                absolute: 1e-5, relative: 1e-5, "\(fixture.name) ∂\(input.name)")
        }
    }

    @Test("Masks: padded value steps get no attention, the causal mask hides later steps, explicit masks combine")
    func masks() {
        let layer = MultiHeadAttention(numHeads: 2, keyDim: 3, kernelInitializer: .glorotUniform(seed: 1))
        let x = NNCheck.uniform([2, 4, 5], seed: 2)
        let padding = Tensor(bool: [true, true, false, false, true, true, true, false], shape: [2, 4])
        let (_, scores) = layer(query: x, value: x, attentionMask: padding.unsqueezed(axis: 1))
        #expect(scores.shape == [2, 2, 4, 4])
        let probabilities = scores.scalars
        for (index, probability) in probabilities.enumerated() {
            let (sample, column) = (index / 32, index % 4)
            if !padding.to(.float32).scalars[sample * 4 + column].isZero { continue }
            #expect(probability < 1e-6, "padded step \(column) of sample \(sample) got weight \(probability)")
        }
        let causal = MultiHeadAttention(numHeads: 1, keyDim: 2, useCausalMask: true, kernelInitializer: .glorotUniform(seed: 3))
        let causalScores = causal(query: x, value: x).scores.scalars
        for row in 0..<4 {
            for column in (row + 1)..<4 where column < 4 {
                #expect(causalScores[row * 4 + column] < 1e-6)
            }
        }
        // Changing a padded step's values changes nothing in the unpadded outputs.
        var changed = x.scalars
        for feature in 0..<5 { changed[3 * 5 + feature] = 100 }
        let withPadding = layer([x, x], masks: [padding, padding])
        let after = layer([Tensor(changed, shape: x.shape), Tensor(changed, shape: x.shape)], masks: [padding, padding])
        #expect(Array(withPadding.scalars[0..<10]) == Array(after.scalars[0..<10]))
    }

    @Test("Gradients of the inputs (with a value mask) and of every weight match central differences")
    func gradients() {
        let layer = MultiHeadAttention(numHeads: 2, keyDim: 2, valueDim: 3, outputDim: 4, kernelInitializer: .glorotUniform(seed: 4),
                                       biasInitializer: RandomNormal(mean: 0, standardDeviation: 0.3, seed: 5))
        let query = NNCheck.uniform([2, 3, 4], seed: 6)
        let value = NNCheck.uniform([2, 5, 3], seed: 7)
        let mask = Tensor(bool: [true, true, true, false, false, true, true, true, true, true], shape: [2, 5])
        _ = layer([query, value])
        FiniteDifferences.expectGradientMatches(at: query, "∂query") { layer([$0, value], masks: [nil, mask]) }
        FiniteDifferences.expectGradientMatches(at: value, "∂value") { layer([query, $0], masks: [nil, mask]) }
        // Called with one tensor the layer attends to itself: every weight checked.
        let selfAttention = MultiHeadAttention(numHeads: 2, keyDim: 2, kernelInitializer: .glorotUniform(seed: 8),
                                               biasInitializer: RandomNormal(mean: 0, standardDeviation: 0.3, seed: 9))
        LayerGradientCheck.expectGradientsMatch(selfAttention, at: query)
    }

    @Test("Dropout on the attention probabilities only while training")
    func dropout() {
        let layer = MultiHeadAttention(numHeads: 2, keyDim: 2, dropout: 0.5, kernelInitializer: .glorotUniform(seed: 1), seed: 7)
        let x = NNCheck.uniform([2, 6, 4], seed: 3)
        #expect(layer([x, x]).scalars == layer([x, x]).scalars)
        #expect(layer([x, x], training: true).scalars != layer([x, x]).scalars)
    }

    @Test("Wrong inputs are refused naming the layer and the shapes")
    func shapeErrors() throws {
        let layer = MultiHeadAttention(numHeads: 2, keyDim: 2, name: "mha")
        #expect(try layer.outputShape(forInputShapes: [[3, 4]]) == [3, 4])   // self-attention
        #expect(throws: InputShapeError.self) { try layer.outputShape(forInputShapes: [[3, 4], [5, 4], [6, 4]]) }
        #expect(throws: InputShapeError.self) { try layer.outputShape(forInputShapes: [[3], [5]]) }
        #expect(try layer.outputShape(forInputShapes: [[3, 4], [5, 6]]) == [3, 4])
    }
}

@Suite("PositionEmbedding")
struct PositionEmbeddingTests {
    @Test("Step t gets row t of the embeddings for every sample; shorter sequences use the first rows; masks pass")
    func values() {
        let layer = PositionEmbedding(sequenceLength: 5, initializer: RandomUniform(minimum: -1, maximum: 1, seed: 2))
        let x = NNCheck.uniform([2, 3, 4], seed: 1)
        let output = layer(x)
        let table = layer.parameters[0].value
        #expect(table.shape == [5, 4])
        let firstRows = Array(table.scalars[0..<12])
        #expect(output.shape == [2, 3, 4] && Array(output.scalars[0..<12]) == firstRows && Array(output.scalars[12..<24]) == firstRows)
        let mask = Tensor(bool: [true, true, false, true, false, false], shape: [2, 3])
        #expect(layer.computeMask(input: x, output: output, mask: mask) != nil)
    }

    @Test("The gradient of the embeddings sums over the batch; the input gets none")
    func gradients() {
        let layer = PositionEmbedding(sequenceLength: 4, initializer: RandomUniform(minimum: -1, maximum: 1, seed: 5))
        let x = NNCheck.uniform([3, 4, 2], seed: 6)
        _ = layer(x)
        for (name, parameter) in layer.namedParameters {
            LayerGradientCheck.expectParameterGradientMatches(layer, parameter, named: name, at: x, training: false)
        }
    }

    @Test("A sequence longer than the layer's positions stops with both lengths")
    func tooLong() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = PositionEmbedding(sequenceLength: 3, name: "positions")(Tensor.zeros([1, 4, 2]))
        }
        #expect(NNCheck.standardError(result).contains("positions: PositionEmbedding expects sequences [steps ≤ 3, features], got per-sample shape [4, 2]"))
    }
}

