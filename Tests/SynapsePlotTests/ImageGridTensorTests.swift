import SynapseCore
import Testing
@testable import SynapsePlot

@Suite("ImageGrid from batch tensors")
struct ImageGridTensorTests {
    @Test("shapes that are not images, and wrong sizes, are rejected with readable errors")
    func invalidBatches() {
        #expect(throws: PlotError.self) { try ImageGrid(images: Tensor.zeros([2, 10])) }
        #expect(throws: PlotError.self) { try ImageGrid(images: Tensor.zeros([2, 10]), width: 3, height: 3) }
        #expect(throws: PlotError.self) { try ImageGrid(images: Tensor.zeros([2, 4, 4, 1]), width: 5) }
        #expect(throws: PlotError.self) { try ImageGrid(images: Tensor.zeros([2, 4, 4, 1]), labels: ["a"]) }
        #expect(throws: PlotError.self) { try ImageGrid(images: Tensor.zeros([4])) }
    }

    @Test("NHWC, NHW and flat batches give the same grid")
    func layoutsAgree() throws {
        var generator = RandomGenerator(seed: 3)
        let batch = Tensor.randomUniform([5, 4, 6, 1], generator: &generator)
        let nhwc = try ImageGrid(images: batch, columns: 2).png()
        let nhw = try ImageGrid(images: batch.reshaped(to: [5, 4, 6]), columns: 2).png()
        let flat = try ImageGrid(images: batch.reshaped(to: [5, 24]), width: 6, height: 4, columns: 2).png()
        #expect(nhwc == nhw && nhwc == flat)
        let reader = try PNGReader(nhwc)
        #expect(reader.width == 2 + 2 * 8 && reader.height == 2 + 3 * 6)
    }
}
