import Foundation
import Testing
@testable import SynapseData

@Suite("TensorDataset and DataLoader")
struct DataLoaderTests {
    /// Ten samples: x row i is [i, 10 i], y is i.
    static let dataset = TensorDataset(x: Tensor((0..<10).flatMap { [Float($0), Float($0 * 10)] }, shape: [10, 2]),
                                       y: Tensor((0..<10).map(Float.init), shape: [10, 1]))

    static func ids(_ batch: (x: Tensor, y: Tensor)) -> [Int] { batch.y.scalars.map { Int($0) } }

    @Test("subscripting gives one sample without the samples axis")
    func subscripting() {
        let (x, y) = Self.dataset[3]
        #expect(x.shape == [2] && x.scalars == [3, 30])
        #expect(y.shape == [1] && y.scalars == [3])
        #expect(Self.dataset.count == 10)
    }

    @Test("batch extraction follows the given indices")
    func batchAt() {
        let batch = Self.dataset.batch(at: [7, 2, 2])
        #expect(batch.x.shape == [3, 2] && batch.x.scalars == [7, 70, 2, 20, 2, 20])
        #expect(Self.ids(Self.dataset.batch(in: 4..<6)) == [4, 5])
    }

    @Test("a seeded split holds every sample once, the same for the same seed; subsets batch through their base")
    func seededSplit() {
        let (training, validation) = Self.dataset.split(validationFraction: 0.25, seed: 7)
        #expect(training.count == 7 && validation.count == 3)
        #expect(Set(training.indices + validation.indices) == Set(0..<10))
        let again = Self.dataset.split(validationFraction: 0.25, seed: 7)
        #expect(again.training.indices == training.indices && again.validation.indices == validation.indices)
        #expect(Self.dataset.split(validationFraction: 0.25, seed: 8).validation.indices != validation.indices)
        #expect(Self.ids(validation.batch(at: [2, 0])) == [validation.indices[2], validation.indices[0]])
        let loaded = DataLoader(training, batchSize: 4).flatMap { Self.ids($0) }
        #expect(loaded == training.indices)
    }

    @Test("batch counts with and without dropLast", arguments: [
        (3, false, 4, [3, 3, 3, 1]), (3, true, 3, [3, 3, 3]), (5, false, 2, [5, 5]), (5, true, 2, [5, 5]),
        (16, false, 1, [10]), (16, true, 0, []), (1, false, 10, [Int](repeating: 1, count: 10)),
    ])
    func batchCounts(batchSize: Int, dropLast: Bool, count: Int, sizes: [Int]) {
        let loader = DataLoader(Self.dataset, batchSize: batchSize, dropLast: dropLast)
        #expect(loader.batchCount == count)
        #expect(loader.map { $0.x.shape[0] } == sizes)
        #expect(loader.allSatisfy { $0.x.shape[0] == $0.y.shape[0] })
    }

    @Test("without shuffling, batches follow the data order")
    func sequential() {
        let loader = DataLoader(Self.dataset, batchSize: 4)
        #expect(loader.flatMap(Self.ids) == Array(0..<10))
    }

    @Test("shuffled epochs are permutations; they differ from each other but repeat for the same seed and epoch")
    func shuffleDeterminism() {
        let loader = DataLoader(Self.dataset, batchSize: 3, shuffle: true, seed: 11)
        let epoch0 = loader.batches(epoch: 0).flatMap(Self.ids)
        let epoch1 = loader.batches(epoch: 1).flatMap(Self.ids)
        #expect(epoch0.sorted() == Array(0..<10) && epoch1.sorted() == Array(0..<10))
        #expect(epoch0 != epoch1)
        #expect(loader.batches(epoch: 0).flatMap(Self.ids) == epoch0)
        let again = DataLoader(Self.dataset, batchSize: 5, shuffle: true, seed: 11)
        #expect(again.batches(epoch: 1).flatMap(Self.ids) == epoch1, "the order does not depend on the batch size")
        let other = DataLoader(Self.dataset, batchSize: 3, shuffle: true, seed: 12)
        #expect(other.batches(epoch: 0).flatMap(Self.ids) != epoch0)
    }

    @Test("plain iteration uses the loader's epoch property")
    func epochProperty() {
        var loader = DataLoader(Self.dataset, batchSize: 10, shuffle: true, seed: 3)
        loader.epoch = 5
        #expect(loader.flatMap(Self.ids) == loader.order(epoch: 5))
        #expect(loader.order(epoch: 5) != loader.order(epoch: 4))
    }

    @Test("dropLast with shuffling still drops only the remainder")
    func dropLastShuffled() {
        let loader = DataLoader(Self.dataset, batchSize: 4, shuffle: true, seed: 1, dropLast: true)
        let seen = loader.batches(epoch: 2).flatMap(Self.ids)
        #expect(seen.count == 8 && Set(seen).count == 8)
        #expect(Array(loader.order(epoch: 2).prefix(8)) == seen)
    }

    @Test("int32 targets come out as int32 batches")
    func intTargets() {
        let dataset = TensorDataset(x: Tensor.zeros([6, 3]), y: Tensor(int32: [0, 1, 2, 3, 4, 5], shape: [6]))
        let batches = Array(DataLoader(dataset, batchSize: 4))
        #expect(batches.count == 2)
        #expect(batches[0].y.dtype == .int32 && batches[0].y.intScalars == [0, 1, 2, 3])
        #expect(batches[1].y.intScalars == [4, 5] && batches[1].x.shape == [2, 3])
    }

    @Test("an empty dataset yields no batches")
    func emptyDataset() {
        let dataset = TensorDataset(x: Tensor.zeros([0, 2]), y: Tensor.zeros([0, 1]))
        let loader = DataLoader(dataset, batchSize: 4, shuffle: true, seed: 0)
        #expect(loader.batchCount == 0 && Array(loader).isEmpty)
    }

    /// A data set whose batches take time to make, in an order that varies with the
    /// threads' timing: what background workers must hide and must not reorder.
    struct SlowDataset: Dataset {
        let base = DataLoaderTests.dataset
        var count: Int { base.count }
        func batch(at indices: [Int]) -> (x: Tensor, y: Tensor) {
            usleep(UInt32(1_000 * (indices.first.map { 7 - $0 % 7 } ?? 1)))
            return base.batch(at: indices)
        }
    }

    @Test("background workers give the same batches in the same order", arguments: [1, 3])
    func workersKeepOrder(workers: Int) {
        let plain = DataLoader(SlowDataset(), batchSize: 2, shuffle: true, seed: 5)
        let threaded = DataLoader(SlowDataset(), batchSize: 2, shuffle: true, seed: 5, workers: workers, prefetch: 2)
        for epoch in 0..<3 {
            let expected = plain.batches(epoch: epoch).map { $0.x.scalars + $0.y.scalars }
            #expect(threaded.batches(epoch: epoch).map { $0.x.scalars + $0.y.scalars } == expected, "epoch \(epoch)")
        }
        // A loop that stops early leaves no worker waiting forever.
        for batch in threaded.batches(epoch: 0) {
            #expect(batch.x.shape[0] == 2)
            break
        }
    }
}
