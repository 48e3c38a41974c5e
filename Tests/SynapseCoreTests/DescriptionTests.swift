import Testing
@testable import SynapseCore

@Suite("Printing tensors as PyTorch does")
struct DescriptionTests {
    @Test("a matrix of whole numbers prints aligned rows with trailing dots")
    func matrix() {
        #expect(Tensor([[1, 2], [3, 4]]).description == """
            tensor([[1., 2.],
                    [3., 4.]], shape: [2, 2], dtype: float32)
            """)
    }

    @Test("fractions print four decimals, right-aligned")
    func fractions() {
        #expect(Tensor([0.5, -1.25]).description == "tensor([ 0.5000, -1.2500], shape: [2], dtype: float32)")
        #expect(Tensor([0.33333, 10]).description == "tensor([ 0.3333, 10.0000], shape: [2], dtype: float32)")
    }

    @Test("a scalar prints without brackets")
    func scalar() {
        #expect(Tensor(Float(3)).description == "tensor(3., shape: [], dtype: float32)")
        #expect(Tensor(Float(-0.25)).description == "tensor(-0.2500, shape: [], dtype: float32)")
    }

    @Test("int32 and bool tensors print their values")
    func otherDTypes() {
        #expect(Tensor(int32: [1, -20]).description == "tensor([  1, -20], shape: [2], dtype: int32)")
        #expect(Tensor(bool: [true, false]).description == "tensor([ true, false], shape: [2], dtype: bool)")
    }

    @Test("very small and very large magnitudes switch to scientific notation")
    func scientific() {
        #expect(Tensor([1e-5, 2.5e-5]).description == "tensor([1.0000e-05, 2.5000e-05], shape: [2], dtype: float32)")
        #expect(Tensor([1e8, -3e9]).description == "tensor([ 1.0000e+08, -3.0000e+09], shape: [2], dtype: float32)")
        #expect(Tensor([0, 1e-5]).description == "tensor([0.0000e+00, 1.0000e-05], shape: [2], dtype: float32)")
    }

    @Test("NaN and infinities print as nan, inf and -inf")
    func nonFinite() {
        #expect(Tensor([1, .nan, .infinity, -.infinity]).description
                == "tensor([  1.,  nan,  inf, -inf], shape: [4], dtype: float32)")
    }

    @Test("rank 3 separates planes with a blank line")
    func rankThree() {
        #expect(Tensor([[[1, 2]], [[3, 4]]]).description == """
            tensor([[[1., 2.]],

                    [[3., 4.]]], shape: [2, 1, 2], dtype: float32)
            """)
    }

    @Test("tensors over 1000 elements print only three items at each edge")
    func elision() {
        #expect(Tensor.arange(0, 2000).description
                == "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape: [2000], dtype: float32)")
        let matrix = Tensor.zeros([40, 40]).description
        #expect(matrix.split(separator: "\n", omittingEmptySubsequences: false).count == 7)   // 3 rows, "...", 3 rows
        #expect(matrix.contains("..."))
    }

    @Test("empty tensors print empty brackets")
    func empty() {
        #expect(Tensor.zeros([0]).description == "tensor([], shape: [0], dtype: float32)")
        #expect(Tensor.zeros([2, 0]).description == "tensor([], shape: [2, 0], dtype: float32)")
    }

    @Test("leaves that require grad and op results say so")
    func autogradSuffix() {
        let leaf = Tensor([1]).requiringGrad()
        #expect(leaf.description == "tensor([1.], shape: [1], dtype: float32, requiresGrad: true)")
        #expect((leaf * 2).description == "tensor([2.], shape: [1], dtype: float32, grad_fn: multiply)")
        #expect(withoutGradient { (leaf * 2).description } == "tensor([2.], shape: [1], dtype: float32)")
        #expect(leaf.debugDescription == leaf.description)
    }
}
