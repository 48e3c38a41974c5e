import Testing
@testable import SynapseCore

@Suite("Creating tensors: arrays, constants, ranges, identity")
struct CreationTests {
    @Test("float32 tensors from flat, nested and scalar values")
    func fromArrays() {
        let flat = Tensor([1, 2, 3])
        #expect(flat.shape == [3] && flat.dtype == .float32 && flat.rank == 1 && flat.scalarCount == 3)
        #expect(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).shape == [2, 3])
        let matrix = Tensor([[1, 2], [3, 4], [5, 6]])
        #expect(matrix.shape == [3, 2] && matrix.scalars == [1, 2, 3, 4, 5, 6])
        let planes = Tensor([[[1, 2]], [[3, 4]]])
        #expect(planes.shape == [2, 1, 2] && planes.scalars == [1, 2, 3, 4])
        let scalar = Tensor(Float(2.5))
        #expect(scalar.shape == [] && scalar.rank == 0 && scalar.scalarCount == 1 && scalar.item == 2.5)
        #expect(Tensor([Float]()).shape == [0])
    }

    @Test("int32 and bool tensors hold labels and masks")
    func integerAndBool() {
        let labels = Tensor(int32: [Int32(3), 1, 4])
        #expect(labels.dtype == .int32 && labels.intScalars == [3, 1, 4])
        let fromInts = Tensor(int32: [1, 2, 3, 4], shape: [2, 2])
        #expect(fromInts.shape == [2, 2] && fromInts.intScalars == [1, 2, 3, 4])
        let mask = Tensor(bool: [true, false, true])
        #expect(mask.dtype == .bool && mask.boolScalars == [true, false, true])
        #expect(Tensor(int32: [Int32(3)]).item == 3 && Tensor(bool: [true]).item == 1)
    }

    @Test("full, zeros and ones in every dtype")
    func constants() {
        #expect(Tensor.full([2, 2], value: 7).scalars == [7, 7, 7, 7])
        #expect(Tensor.full([3], value: -2, dtype: .int32).intScalars == [-2, -2, -2])
        #expect(Tensor.full([2], value: 5, dtype: .bool).boolScalars == [true, true])
        #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor.zeros([2], dtype: .bool).boolScalars == [false, false])
        #expect(Tensor.ones([2], dtype: .int32).intScalars == [1, 1])
        #expect(Tensor.ones([]).item == 1)
        #expect(Tensor.zeros([0, 4]).scalarCount == 0)
        // A large fill crosses the parallel threshold.
        #expect(Tensor.full([100_000], value: 3).scalars.allSatisfy { $0 == 3 })
    }

    @Test("zeros(like:) and ones(like:) copy shape and dtype")
    func like() {
        let ids = Tensor(int32: [1, 2, 3, 4, 5, 6], shape: [3, 2])
        let zeros = Tensor.zeros(like: ids)
        #expect(zeros.shape == [3, 2] && zeros.dtype == .int32 && zeros.intScalars.allSatisfy { $0 == 0 })
        let ones = Tensor.ones(like: Tensor([1, 2]))
        #expect(ones.scalars == [1, 1])
    }

    @Test("arange counts from start below end by step, like NumPy")
    func arange() {
        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 3, step: 0.5).scalars == [1, 1.5, 2, 2.5])
        #expect(Tensor.arange(5, 0, step: -2).scalars == [5, 3, 1])
        #expect(Tensor.arange(0, 4, dtype: .int32).intScalars == [0, 1, 2, 3])
        #expect(Tensor.arange(5, 0).shape == [0])
        #expect(Tensor.arange(0, 2.5).scalars == [0, 1, 2])
    }

    @Test("linspace includes both ends")
    func linspace() {
        #expect(Tensor.linspace(0, 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(3, -3, count: 3).scalars == [3, 0, -3])
        #expect(Tensor.linspace(2, 9, count: 1).scalars == [2])
        #expect(Tensor.linspace(2, 9, count: 0).shape == [0])
    }

    @Test("eye builds square and rectangular identities")
    func eye() {
        #expect(Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let wide = Tensor.eye(2, 3)
        #expect(wide.shape == [2, 3] && wide.scalars == [1, 0, 0, 0, 1, 0])
        #expect(Tensor.eye(3, 1).scalars == [1, 0, 0])
    }

    @Test("random creators honour shape, bounds, mean and standard deviation")
    func randomCreators() {
        var generator = RandomGenerator(seed: 1)
        let uniform = Tensor.randomUniform([100, 10], low: -3, high: -1, generator: &generator)
        #expect(uniform.shape == [100, 10])
        #expect(uniform.scalars.allSatisfy { $0 >= -3 && $0 < -1 })
        let normal = Tensor.randomNormal([10_000], mean: 5, standardDeviation: 0.1, generator: &generator)
        #expect(Swift.abs(normal.mean().item - 5) < 0.01)
        #expect(Swift.abs(normal.standardDeviation().item - 0.1) < 0.005)
        // The default generator also works (values are not checked: other suites share it).
        #expect(Tensor.randomUniform([3, 2]).shape == [3, 2])
        #expect(Tensor.randomNormal([4]).shape == [4])
        #expect(Tensor.truncatedNormal([2, 2]).scalars.allSatisfy { Swift.abs($0) <= 2 })
    }

    @Test("writing through withUnsafeMutablePointer copies shared storage first")
    func copyOnWrite() {
        let original = Tensor([1, 2, 3])
        var copy = original
        copy.withUnsafeMutablePointer(as: Float.self) { $0[1] = 20 }
        #expect(original.scalars == [1, 2, 3])
        #expect(copy.scalars == [1, 20, 3])
        #expect(copy.storage !== original.storage)
        // A uniquely referenced tensor is written in place.
        let address = copy.storage.baseAddress
        copy.withUnsafeMutablePointer(as: Float.self) { $0[0] = 10 }
        #expect(copy.storage.baseAddress == address)
        #expect(copy.scalars == [10, 20, 3])
    }

    @Test("storage is 64-byte aligned and wrapping storage keeps it")
    func storage() {
        for count in [1, 3, 17, 1000] {
            #expect(Int(bitPattern: Tensor.zeros([count]).storage.baseAddress) % 64 == 0)
        }
        let wrapped = Tensor(storage: Tensor([1, 2, 3, 4]).storage, shape: [2, 2], dtype: .float32)
        #expect(wrapped.scalars == [1, 2, 3, 4])
        #expect(wrapped.device == .cpu)
    }
}
