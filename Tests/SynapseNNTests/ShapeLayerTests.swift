import Testing
@testable import SynapseNN

@Suite("Flatten, Reshape and Input")
struct ShapeLayerTests {
    @Test("Flatten turns [batch, d1, d2, ...] into [batch, d1·d2·…] keeping row-major order")
    func flatten() {
        let layer = Flatten()
        let input = NNCheck.uniform([2, 3, 4, 5], seed: 51)
        let output = layer(input)
        #expect(output.shape == [2, 60])
        #expect(output.scalars == input.scalars)
        #expect(layer.inputShape == [3, 4, 5] && layer.outputShape == [60])
        #expect(layer.parameters.isEmpty)
        #expect(Flatten()(Tensor.ones([7, 3])).shape == [7, 3])
        #expect(Flatten()(Tensor.ones([1, 2, 2])).shape == [1, 4])
    }

    @Test("Reshape maps each sample to the target shape, with one inferred dimension")
    func reshape() {
        let input = NNCheck.uniform([2, 12], seed: 52)
        let layer = Reshape([3, 4])
        let output = layer(input)
        #expect(output.shape == [2, 3, 4])
        #expect(output.scalars == input.scalars)
        #expect(layer.inputShape == [12] && layer.outputShape == [3, 4])
        let inferred = Reshape([-1, 2])
        #expect(inferred(input).shape == [2, 6, 2])
        #expect(inferred.outputShape == [6, 2])
        #expect(Reshape([12])(NNCheck.uniform([5, 3, 4], seed: 53)).shape == [5, 12])
    }

    @Test("gradients pass through Flatten and Reshape unchanged in value")
    func gradients() throws {
        let input = NNCheck.uniform([2, 3, 4], seed: 54).requiringGrad()
        let weights = NNCheck.uniform([2, 4, 3], seed: 55)
        (Reshape([4, 3])(Flatten()(input)) * weights).sum().backward()
        let gradient = try #require(input.grad)
        #expect(gradient.shape == [2, 3, 4])
        #expect(gradient.scalars == weights.scalars)
    }

    @Test("Input passes matching batches through and records its shape and dtype")
    func input() {
        let layer = Input(shape: [3, 2])
        #expect(layer.dtype == .float32)
        let batch = NNCheck.uniform([4, 3, 2], seed: 56)
        #expect(layer(batch).scalars == batch.scalars)
        #expect(layer.inputShape == [3, 2] && layer.outputShape == [3, 2])
        #expect(layer.parameters.isEmpty)
        let ids = Input(shape: [10], dtype: .int32)
        #expect(ids.dtype == .int32)
        #expect(ids(Tensor(int32: [Int32](repeating: 1, count: 20), shape: [2, 10])).dtype == .int32)
    }

    @Test("Input stops with both per-sample shapes when a batch does not match")
    func inputMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Input(shape: [3], name: "features")(Tensor.ones([2, 4]))
        }
        #expect(NNCheck.standardError(result).contains("features: expected inputs of per-sample shape [3], got [4]"))
    }

    @Test("Input refuses non-positive dimensions")
    func inputInvalidShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Input(shape: [3, 0])
        }
        #expect(NNCheck.standardError(result).contains("Input: dimensions must be positive, got [3, 0]"))
    }
}
