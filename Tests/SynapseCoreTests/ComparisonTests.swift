import Testing
@testable import SynapseCore

@Suite("Comparisons, where, and dtype conversion")
struct ComparisonTests {
    @Test("float comparisons give bool masks")
    func floatComparisons() {
        let a = Tensor([1, 2, 3]), b = Tensor([3, 2, 1])
        #expect((a .== b).boolScalars == [false, true, false])
        #expect((a .!= b).boolScalars == [true, false, true])
        #expect((a .< b).boolScalars == [true, false, false])
        #expect((a .<= b).boolScalars == [true, true, false])
        #expect((a .> b).boolScalars == [false, false, true])
        #expect((a .>= b).boolScalars == [false, true, true])
        #expect((a .< b).dtype == .bool)
    }

    @Test("comparisons broadcast and accept scalars")
    func broadcastAndScalars() {
        let column = Tensor([1, 2], shape: [2, 1]), row = Tensor([0, 1, 2], shape: [1, 3])
        let mask = column .> row
        #expect(mask.shape == [2, 3])
        #expect(mask.boolScalars == [true, false, false, true, true, false])
        let x = Tensor([-1, 0, 1])
        #expect((x .== 0).boolScalars == [false, true, false])
        #expect((x .!= 0).boolScalars == [true, false, true])
        #expect((x .< 0).boolScalars == [true, false, false])
        #expect((x .<= 0).boolScalars == [true, true, false])
        #expect((x .> 0).boolScalars == [false, false, true])
        #expect((x .>= 0).boolScalars == [false, true, true])
    }

    @Test("int32 tensors compare as integers (accuracy of predicted labels)")
    func integerComparisons() {
        let predicted = Tensor(int32: [3, 1, 4, 1]), labels = Tensor(int32: [3, 2, 4, 5])
        #expect((predicted .== labels).boolScalars == [true, false, true, false])
        #expect((predicted .< 2).boolScalars == [false, true, false, true])
        #expect((Tensor(int32: [16_777_217]) .== Tensor(int32: [16_777_216])).boolScalars == [false])
    }

    @Test("NaN compares unequal to everything, itself included")
    func nanComparisons() {
        let x = Tensor([.nan, 1])
        #expect((x .== x).boolScalars == [false, true])
        #expect((x .< Tensor([2, 2])).boolScalars == [false, true])
        #expect(x.isNaN().boolScalars == [true, false])
        #expect(Tensor([1, .infinity, -.infinity, .nan]).isFinite().boolScalars == [true, false, false, false])
    }

    @Test("comparisons record no gradient")
    func noGradient() {
        let x = Tensor([1, 2]).requiringGrad()
        #expect(!(x .> 1).requiresGrad)
    }

    @Test("where picks by mask with broadcasting of all three operands")
    func whereValues() {
        let mask = Tensor(bool: [true, false, true])
        expectClose(Tensor.where(mask, Tensor([1, 2, 3]), Tensor([-1, -2, -3])), [1, -2, 3])
        let column = Tensor(bool: [true, false], shape: [2, 1])
        let picked = Tensor.where(column, Tensor([1, 2, 3]), Tensor(Float(0)))
        expectClose(picked, [1, 2, 3, 0, 0, 0], shape: [2, 3])
        let ids = Tensor.where(Tensor(bool: [false, true]), Tensor(int32: [1, 2]), Tensor(int32: [7, 8]))
        #expect(ids.dtype == .int32 && ids.intScalars == [7, 2])
    }

    @Test("gradient of where flows to the picked operand and sums over broadcasts")
    func whereGradients() {
        let mask = Tensor(bool: [true, false, false, true, true, false], shape: [2, 3])
        GradientCheck.expectGradientsMatch(at: [uniformTensor([2, 3], seed: 81), uniformTensor([2, 3], seed: 82)]) {
            Tensor.where(mask, $0[0], $0[1])
        }
        GradientCheck.expectGradientsMatch(at: [uniformTensor([3], seed: 83), uniformTensor([2, 1], seed: 84)]) {
            Tensor.where(mask, $0[0], $0[1])
        }
        GradientCheck.expectGradientsMatch(at: [uniformTensor([], seed: 85), uniformTensor([2, 3], seed: 86)]) {
            Tensor.where(mask[0], $0[0], $0[1])
        }
        let (_, gradients) = valueAndGradient(at: [Tensor([1, 2, 3]), Tensor([4, 5, 6])]) {
            Tensor.where(Tensor(bool: [true, false, true]), $0[0], $0[1]).sum()
        }
        expectClose(gradients[0], [1, 0, 1])
        expectClose(gradients[1], [0, 1, 0])
    }

    @Test("to(_:) converts between every pair of dtypes")
    func conversions() {
        let floats = Tensor([-1.7, -0.2, 0, 0.5, 2.9])
        #expect(floats.to(.int32).intScalars == [-1, 0, 0, 0, 2])            // toward zero
        #expect(floats.to(.bool).boolScalars == [true, true, false, true, true])
        let ints = Tensor(int32: [-3, 0, 7])
        expectClose(ints.to(.float32), [-3, 0, 7])
        #expect(ints.to(.bool).boolScalars == [true, false, true])
        let bools = Tensor(bool: [true, false])
        expectClose(bools.to(.float32), [1, 0])
        #expect(bools.to(.int32).intScalars == [1, 0])
        #expect(floats.to(.float32).storage === floats.storage)
    }

    @Test("float to int32 saturates and maps non-finite values to zero")
    func saturatingConversion() {
        let extreme = Tensor([3e9, -3e9, 1e30, .infinity, .nan])
        #expect(extreme.to(.int32).intScalars == [Int32.max, Int32.min, Int32.max, 0, 0])
    }

    @Test("converting to float32 from float32 keeps the gradient; other conversions cut it")
    func conversionGradient() {
        let x = Tensor([1, 2]).requiringGrad()
        #expect(x.to(.float32).requiresGrad)
        #expect(!x.to(.int32).requiresGrad)
    }
}
