import Testing
@testable import SynapseCore

@Suite("Matrix products: transpose flags, batches, broadcasting, vectors")
struct MatmulTests {
    /// Stored operand shapes and flags; `op(A) · op(B)` is always well formed.
    struct Case: Sendable, CustomTestStringConvertible {
        var a: [Int], b: [Int], transposeA = false, transposeB = false
        var testDescription: String {
            "\(a)\(transposeA ? "ᵀ" : "") · \(b)\(transposeB ? "ᵀ" : "")"
        }
    }

    static let cases: [Case] = [
        Case(a: [3, 4], b: [4, 5]),
        Case(a: [4, 3], b: [4, 5], transposeA: true),
        Case(a: [3, 4], b: [5, 4], transposeB: true),
        Case(a: [4, 3], b: [5, 4], transposeA: true, transposeB: true),
        Case(a: [2, 3, 4], b: [2, 4, 5]),
        Case(a: [2, 4, 3], b: [2, 5, 4], transposeA: true, transposeB: true),
        Case(a: [2, 1, 3, 4], b: [3, 4, 5]),             // batch dimensions broadcast
        Case(a: [2, 1, 4, 3], b: [3, 4, 5], transposeA: true),
        Case(a: [3, 4], b: [2, 4, 5]),                   // one left matrix, batch stride 0
        Case(a: [4, 3], b: [2, 5, 4], transposeA: true, transposeB: true),
        Case(a: [2, 3, 4], b: [4, 5]),                   // rows folded into one GEMM
        Case(a: [2, 3, 4], b: [5, 4], transposeB: true),
        Case(a: [2, 4, 3], b: [4, 5], transposeA: true), // one right matrix, batch stride 0
        Case(a: [4], b: [4, 5]),                         // vector cases, as NumPy
        Case(a: [3, 4], b: [4]),
        Case(a: [4], b: [4]),
        Case(a: [4], b: [2, 4, 5]),
        Case(a: [2, 3, 4], b: [4]),
        Case(a: [1, 1], b: [1, 1]),
    ]

    /// The product by broadcasting and summing, `Σₖ A[…, m, k, 1] · B[…, 1, k, n]`:
    /// no GEMM involved, so it checks the GEMM path independently.
    static func reference(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        var left = transposeA ? a.transposed() : a
        var right = transposeB ? b.transposed() : b
        let vectorLeft = left.rank == 1, vectorRight = right.rank == 1
        if vectorLeft { left = left.unsqueezed(axis: 0) }
        if vectorRight { right = right.unsqueezed(axis: 1) }
        var product = (left.unsqueezed(axis: -1) * right.unsqueezed(axis: -3)).sum(alongAxis: -2)
        if vectorLeft && vectorRight { return product.reshaped(to: []) }
        if vectorRight { product = product.squeezed(axis: -1) }
        if vectorLeft { product = product.squeezed(axis: -2) }
        return product
    }

    @Test("a 2×3 by 3×2 product by hand")
    func handComputed() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        let b = Tensor([[7, 8], [9, 10], [11, 12]])
        expectClose(a.matmul(b), [58, 64, 139, 154], shape: [2, 2])
        expectClose(b.matmul(a, transposeA: true, transposeB: true), [58, 139, 64, 154], shape: [2, 2])
        expectClose(a.matmul(a, transposeB: true), [14, 32, 32, 77], shape: [2, 2])
        expectClose(a.matmul(a, transposeA: true), [17, 22, 27, 22, 29, 36, 27, 36, 45], shape: [3, 3])
    }

    @Test("vector products drop the vector's dimension, as NumPy")
    func vectorShapes() {
        let v = Tensor([1, 2, 3])
        expectClose(v.matmul(v), [14], shape: [])
        expectClose(v.matmul(Tensor([[1, 0], [0, 1], [1, 1]])), [4, 5], shape: [2])
        expectClose(Tensor([[1, 0, 0], [1, 1, 1]]).matmul(v), [1, 6], shape: [2])
    }

    @Test("values match the broadcast-and-sum reference", arguments: cases)
    func valuesMatchReference(testCase: Case) {
        let a = uniformTensor(testCase.a, seed: 41), b = uniformTensor(testCase.b, seed: 42)
        let product = a.matmul(b, transposeA: testCase.transposeA, transposeB: testCase.transposeB)
        let expected = Self.reference(a, b, transposeA: testCase.transposeA, transposeB: testCase.transposeB)
        expectClose(product, expected, absolute: 1e-5, relative: 1e-5)
    }

    @Test("gradients with respect to both operands", arguments: cases)
    func gradients(testCase: Case) {
        let a = uniformTensor(testCase.a, seed: 43), b = uniformTensor(testCase.b, seed: 44)
        GradientCheck.expectGradientsMatch(at: [a, b]) {
            $0[0].matmul($0[1], transposeA: testCase.transposeA, transposeB: testCase.transposeB)
        }
    }

    @Test("large products go through the GEMM library and agree with the reference",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func largeProducts(transposeA: Bool, transposeB: Bool) {
        let (m, k, n) = (33, 40, 27)
        let a = uniformTensor(transposeA ? [k, m] : [m, k], seed: 45)
        let b = uniformTensor(transposeB ? [n, k] : [k, n], seed: 46)
        let product = a.matmul(b, transposeA: transposeA, transposeB: transposeB)
        #expect(product.shape == [m, n])
        expectClose(product, Self.reference(a, b, transposeA: transposeA, transposeB: transposeB),
                    absolute: 1e-4, relative: 1e-4)
    }

    @Test("a large batched product with broadcast batch and its gradient")
    func largeBatchedGradient() {
        let a = uniformTensor([2, 1, 12, 10], seed: 47), b = uniformTensor([3, 10, 9], seed: 48)
        expectClose(a.matmul(b), Self.reference(a, b, transposeA: false, transposeB: false), absolute: 1e-5, relative: 1e-4)
        GradientCheck.expectGradientsMatch(at: [a, b]) { $0[0].matmul($0[1], transposeB: false) }
    }

    @Test("an inner dimension of zero gives zeros")
    func emptyInnerDimension() {
        let product = Tensor.zeros([3, 0]).matmul(Tensor.zeros([0, 2]))
        expectClose(product, [0, 0, 0, 0, 0, 0], shape: [3, 2])
    }

    @Test("a gradient flows only to operands that require it")
    func oneSidedGradient() throws {
        let w = uniformTensor([4, 2], seed: 49).requiringGrad()
        let x = uniformTensor([3, 4], seed: 50)
        x.matmul(w).sum().backward()
        #expect(x.grad == nil)
        let gradient = try #require(w.grad)
        expectClose(gradient, x.sum(alongAxis: 0).unsqueezed(axis: 1).broadcast(to: [4, 2]))
    }
}
