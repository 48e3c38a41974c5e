import Testing
@testable import SynapseCore

/// `x.matmul(w, bias: b)`, the fused affine map Dense layers use.
@Suite("Matrix product with a fused bias")
struct MatmulBiasTests {
    /// Input shapes `[..., k]` against a `[k, n]` weight: the direct loop (work ≤ 256),
    /// the GEMM, a single row (W5's one-sample predict), and rows folded from rank 3.
    static let inputShapes: [[Int]] = [[2, 3], [33, 40], [1, 40], [2, 5, 40]]

    @Test("equals matmul followed by adding the bias", arguments: inputShapes)
    func values(inputShape: [Int]) {
        let k = inputShape.last!
        let n = k == 3 ? 4 : 27
        let x = uniformTensor(inputShape, seed: 81), w = uniformTensor([k, n], seed: 82), b = uniformTensor([n], seed: 83)
        let fused = x.matmul(w, bias: b)
        #expect(fused.shape == Array(inputShape.dropLast()) + [n])
        expectClose(fused, x.matmul(w) + b, absolute: 1e-5, relative: 1e-5)
    }

    @Test("gradients for input, weight and bias match finite differences", arguments: inputShapes)
    func gradients(inputShape: [Int]) {
        let k = inputShape.last!
        let n = k == 3 ? 4 : 6
        let x = uniformTensor(inputShape, seed: 84), w = uniformTensor([k, n], seed: 85), b = uniformTensor([n], seed: 86)
        GradientCheck.expectGradientsMatch(at: [x, w, b]) { $0[0].matmul($0[1], bias: $0[2]) }
    }

    @Test("a mismatched bias stops with the op and all three shapes")
    func shapeError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([3, 4]), bias: Tensor.zeros([5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("matmul(_:bias:): cannot compute [2, 3] · [3, 4] + [5]"), "\(message)")
    }
}
