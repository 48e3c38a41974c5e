import Testing
@testable import SynapseData

/// ``DataLoader/Shard``: every rank's share of every batch in data-parallel training.
@Suite("DataLoader shards for data-parallel training")
struct DataLoaderShardTests {
    /// A data set whose inputs are the sample indices.
    private static func dataset(_ count: Int) -> TensorDataset {
        TensorDataset(x: Tensor((0..<count).map(Float.init), shape: [count, 1]), y: Tensor.zeros([count, 1]))
    }

    /// The sample indices of every batch rank `rank` of `ranks` takes in epoch 0.
    private static func batches(_ loader: DataLoader, rank: Int, ranks: Int) -> [[Int]] {
        loader.with(seed: loader.seed, shard: DataLoader.Shard(index: rank, count: ranks)).batches(epoch: 0).map { batch in
            batch.x.scalars.map { Int($0) }
        }
    }

    @Test("With 2 and 3 ranks, the ranks' batches together are one process's batch of batchSize × ranks, in order",
          arguments: [2, 3])
    func ranksTogetherMakeTheGlobalBatch(ranks: Int) {
        let loader = DataLoader(Self.dataset(96), batchSize: 8, shuffle: true, seed: 3)
        let global = DataLoader(Self.dataset(96), batchSize: 8 * ranks, shuffle: true, seed: 3).batches(epoch: 0)
            .map { $0.x.scalars.map { Int($0) } }
        let perRank = (0..<ranks).map { Self.batches(loader, rank: $0, ranks: ranks) }
        #expect(perRank.allSatisfy { $0.count == global.count })
        for (index, batch) in global.enumerated() {
            #expect(perRank.flatMap { $0[index] } == batch, "batch \(index)")
        }
    }

    @Test("A data set that does not divide: padded from the start, every rank takes as many batches and samples")
    func padding() {
        let loader = DataLoader(Self.dataset(10), batchSize: 2)
        let ranks = (0..<3).map { Self.batches(loader, rank: $0, ranks: 3) }
        // 10 samples padded to 12 (samples 0 and 1 again), global batches of 6.
        #expect(ranks[0] == [[0, 1], [6, 7]])
        #expect(ranks[1] == [[2, 3], [8, 9]])
        #expect(ranks[2] == [[4, 5], [0, 1]])
        let sharded = loader.with(seed: 0, shard: DataLoader.Shard(index: 1, count: 3))
        #expect(sharded.batchCount == 2 && sharded.samplesPerEpoch == 4)
    }

    @Test("The last global batch is split evenly; dropLast drops it on every rank")
    func lastBatch() {
        let loader = DataLoader(Self.dataset(20), batchSize: 4)
        #expect(Self.batches(loader, rank: 1, ranks: 2) == [[4, 5, 6, 7], [12, 13, 14, 15], [18, 19]])
        let dropping = DataLoader(Self.dataset(20), batchSize: 4, dropLast: true)
        #expect(Self.batches(dropping, rank: 0, ranks: 2) == [[0, 1, 2, 3], [8, 9, 10, 11]])
    }

    @Test("With one seed, the ranks' shares of an epoch are disjoint and cover every sample")
    func sameSeed() {
        let first = DataLoader(Self.dataset(16), batchSize: 4, shuffle: true, seed: 1)
        let ranks = (0..<2).map { Self.batches(first, rank: $0, ranks: 2).flatMap { $0 } }
        #expect(Set(ranks[0]).isDisjoint(with: ranks[1]))
        #expect(Set(ranks[0] + ranks[1]) == Set(0..<16))
    }
}
