/// Iterates over a ``Dataset`` in mini-batches (PyTorch's `DataLoader`): tensors in
/// memory (``TensorDataset``) or files mapped from disk (``MappedDataset``).
///
/// With `shuffle`, each epoch visits the samples in a different order that
/// depends only on the seed and the epoch number: epoch `e` uses the Philox
/// stream of `seed` starting at block `e · 2³²`, so epochs never share random
/// numbers, a run repeats exactly, and a resumed run can jump straight to epoch
/// `e`. Without `shuffle`, batches follow the data order.
///
/// Iterating the loader itself yields the batches of ``epoch``; a training loop
/// asks for each epoch explicitly:
///
/// ```swift
/// let loader = DataLoader(TensorDataset(x: x, y: y), batchSize: 32, shuffle: true, seed: 42)
/// for epoch in 0..<10 {
///     for (xBatch, yBatch) in loader.batches(epoch: epoch) {
///         // forward, loss, backward, step
///     }
/// }
/// ```
public struct DataLoader: Sequence, Sendable {
    /// The samples.
    public let dataset: any Dataset
    /// Samples per batch (the last batch may be smaller unless ``dropLast``).
    public let batchSize: Int
    /// Whether each epoch visits the samples in a new random order.
    public let shuffle: Bool
    /// Whether to skip a final batch smaller than ``batchSize``.
    public let dropLast: Bool
    /// The seed of the shuffle order.
    public let seed: UInt64
    /// The epoch whose order plain iteration (`for batch in loader`) uses; 0 by default.
    public var epoch: Int = 0
    /// Background threads that prepare batches ahead of the training loop (0: batches
    /// are made on the iterating thread when asked for).
    public let workers: Int
    /// How many batches the workers may have ready ahead of the one being consumed.
    public let prefetch: Int
    /// Whether batches are Poisson samples (differentially private training): each
    /// of the ``batchCount`` batches of an epoch takes every sample independently
    /// with probability ``sampleRate``, so batch sizes vary around ``batchSize``.
    public let poissonSampling: Bool
    /// The share of every batch this process takes in data-parallel training, or
    /// `nil` (the whole batch). See ``Shard``.
    public let shard: Shard?

    /// One process's share of the data in data-parallel training (PyTorch's
    /// `DistributedSampler`, batch by batch).
    ///
    /// Every rank computes the same epoch order from the same seed. The order is
    /// padded to a multiple of ``count`` with samples from its start (as
    /// `DistributedSampler` does), then cut into global batches of
    /// `batchSize · count` samples; rank `index` takes the `index`-th of the `count`
    /// equal, consecutive pieces of each. So every rank takes the same number of
    /// batches of the same size, and the ranks' batches together are the batch one
    /// process with `batchSize · count` would take.
    public struct Shard: Sendable, Hashable {
        /// This process's rank, `0..<count`.
        public let index: Int
        /// The number of processes.
        public let count: Int

        /// - Parameters:
        ///   - index: this process's rank.
        ///   - count: the number of processes (at least 1).
        public init(index: Int, count: Int) {
            require(count >= 1 && index >= 0 && index < count, "DataLoader.Shard: rank \(index) is not in 0..<\(count)")
            (self.index, self.count) = (index, count)
        }
    }

    /// A loader over `dataset`.
    ///
    /// - Parameters:
    ///   - dataset: the samples to batch.
    ///   - batchSize: samples per batch (default 32, as Keras).
    ///   - shuffle: reshuffle every epoch (default false, as PyTorch).
    ///   - seed: the shuffle seed; `nil` draws one from the global generator, so
    ///     `Random.seed(_:)` makes the run repeatable.
    ///   - dropLast: skip the last incomplete batch (default false).
    ///   - workers: background threads preparing batches (PyTorch's `num_workers`;
    ///     default 0, batches made when asked for). Worth it when a batch costs
    ///     time to make: files read from disk, decoding, augmentation. Batches come
    ///     in the same order, with the same contents, whatever the number.
    ///   - prefetch: batches prepared ahead (default 2 per worker, as PyTorch's
    ///     `prefetch_factor`); only with `workers > 0`.
    ///   - poissonSampling: draw each batch by including every sample independently
    ///     with probability `1 / batchCount` (Opacus' `UniformWithReplacementSampler`),
    ///     the sampling DP-SGD's privacy guarantee assumes; default false. Implies
    ///     random order; `shuffle` and `dropLast` are then ignored.
    ///   - shard: this process's share of every batch in data-parallel training
    ///     (`nil`, the default: all of it). `batchSize` is then the size of each
    ///     rank's batch.
    /// - Precondition: `batchSize > 0`, `workers >= 0`, `prefetch >= 1`.
    public init(_ dataset: some Dataset, batchSize: Int = 32, shuffle: Bool = false, seed: UInt64? = nil,
                dropLast: Bool = false, workers: Int = 0, prefetch: Int? = nil, poissonSampling: Bool = false,
                shard: Shard? = nil) {
        require(!(poissonSampling && shard.map { $0.count > 1 } == true),
                "DataLoader: Poisson sampling (differentially private training) cannot be sharded across processes")
        require(batchSize > 0, "DataLoader: batchSize must be positive, got \(batchSize)")
        require(workers >= 0, "DataLoader: workers must not be negative, got \(workers)")
        require(prefetch.map { $0 >= 1 } ?? true, "DataLoader: prefetch must be at least 1, got \(prefetch ?? 0)")
        self.workers = workers
        self.prefetch = prefetch ?? 2 * Swift.max(workers, 1)
        self.dataset = dataset
        self.batchSize = batchSize
        self.poissonSampling = poissonSampling
        self.shuffle = shuffle || poissonSampling
        self.dropLast = dropLast && !poissonSampling
        self.seed = seed ?? (shuffle || poissonSampling ? Random.withGenerator { UInt64($0.nextUInt32()) << 32 | UInt64($0.nextUInt32()) } : 0)
        self.shard = shard
    }

    /// This loader with another seed and shard (the same data, batch size, order
    /// rule and workers): data-parallel training gives every rank rank 0's seed and
    /// its own shard.
    ///
    /// - Parameters:
    ///   - seed: the shuffle seed.
    ///   - shard: the share of every batch to take, or `nil` for all of it.
    /// - Returns: the new loader.
    public func with(seed: UInt64, shard: Shard?) -> DataLoader {
        DataLoader(dataset, batchSize: batchSize, shuffle: shuffle && !poissonSampling, seed: seed, dropLast: dropLast,
                   workers: workers, prefetch: prefetch, poissonSampling: poissonSampling, shard: shard)
    }

    /// The number of batches per epoch (`len(loader)` in PyTorch); with a ``shard``,
    /// the number every rank takes.
    public var batchCount: Int {
        let (samples, perBatch) = shardedSizes
        return dropLast ? samples / perBatch : (samples + perBatch - 1) / perBatch
    }

    /// The samples of an epoch (padded to a multiple of the shard count) and the
    /// global batch size (`batchSize` times the shard count).
    private var shardedSizes: (samples: Int, perBatch: Int) {
        let ranks = shard?.count ?? 1
        let samples = dataset.count == 0 ? 0 : (dataset.count + ranks - 1) / ranks * ranks
        return (samples, batchSize * ranks)
    }

    /// The number of samples this rank takes per epoch (every sample without a shard).
    public var samplesPerEpoch: Int {
        guard let shard, shard.count > 1 else { return dropLast ? batchCount * batchSize : dataset.count }
        let (samples, perBatch) = shardedSizes
        return (dropLast ? batchCount * perBatch : samples) / shard.count
    }

    /// The probability that a sample is in a batch: `1 / batchCount` with
    /// ``poissonSampling`` (so a sample is drawn once per epoch on average), else
    /// the batch's share of the data set.
    public var sampleRate: Double {
        poissonSampling ? 1 / Double(Swift.max(batchCount, 1)) : Double(batchSize) / Double(Swift.max(dataset.count, 1))
    }

    /// The order in which epoch `epoch` visits the samples.
    ///
    /// - Parameter epoch: the 0-based epoch; with ``shuffle`` it picks the permutation, so every
    ///   epoch has its own order and the same epoch always the same one.
    /// - Returns: a permutation of `0..<dataset.count`; `0..<dataset.count` itself without shuffling.
    /// - Precondition: `epoch >= 0`.
    public func order(epoch: Int) -> [Int] {
        require(epoch >= 0, "DataLoader: epoch must not be negative, got \(epoch)")
        guard shuffle else { return Array(0..<dataset.count) }
        var generator = RandomGenerator(seed: seed, offset: UInt64(epoch) << 32)
        return generator.permutation(dataset.count)
    }

    /// The batches of one epoch.
    ///
    /// - Parameter epoch: the 0-based epoch, which picks the shuffle order or the Poisson draws.
    /// - Returns: the epoch's ``batchCount`` batches (with a ``shard``, this rank's piece of each).
    public func batches(epoch: Int) -> Batches {
        if poissonSampling {
            let (order, bounds) = poissonBatches(epoch: epoch)
            return Batches(dataset: dataset, order: order, batchSize: batchSize, batchCount: batchCount,
                           inDataOrder: false, workers: workers, prefetch: prefetch, bounds: bounds)
        }
        if let shard, shard.count > 1 {
            let (order, bounds) = shardBatches(order(epoch: epoch), shard: shard)
            return Batches(dataset: dataset, order: order, batchSize: batchSize, batchCount: batchCount,
                           inDataOrder: false, workers: workers, prefetch: prefetch, bounds: bounds)
        }
        return Batches(dataset: dataset, order: order(epoch: epoch), batchSize: batchSize, batchCount: batchCount,
                       inDataOrder: !shuffle, workers: workers, prefetch: prefetch, bounds: nil)
    }

    /// This rank's batches of an epoch (see ``Shard``): its piece of every global
    /// batch, one after the other in `order`, batch `b` at `order[bounds[b]..<bounds[b + 1]]`.
    private func shardBatches(_ epochOrder: [Int], shard: Shard) -> (order: [Int], bounds: [Int]) {
        let (samples, perBatch) = shardedSizes
        var padded = epochOrder
        var next = 0
        while padded.count < samples {
            padded.append(epochOrder[next % epochOrder.count])
            next += 1
        }
        var order: [Int] = []
        order.reserveCapacity(samples / shard.count)
        var bounds = [0]
        for batch in 0..<batchCount {
            let start = batch * perBatch
            let size = Swift.min(perBatch, samples - start)   // a multiple of the shard count
            let piece = size / shard.count
            order.append(contentsOf: padded[(start + shard.index * piece)..<(start + (shard.index + 1) * piece)])
            bounds.append(order.count)
        }
        return (order, bounds)
    }

    /// One epoch of Poisson-sampled batches: the samples of every batch one after the
    /// other in `order`, batch `b` at `order[bounds[b]..<bounds[b + 1]]`. Epoch `e`
    /// draws from the Philox stream of the seed at block `e · 2³²`, as shuffling does.
    private func poissonBatches(epoch: Int) -> (order: [Int], bounds: [Int]) {
        require(epoch >= 0, "DataLoader: epoch must not be negative, got \(epoch)")
        var generator = RandomGenerator(seed: seed, offset: UInt64(epoch) << 32)
        let threshold = Float(sampleRate)
        var order: [Int] = []
        order.reserveCapacity(dataset.count + batchCount)
        var bounds = [0]
        for _ in 0..<batchCount {
            for sample in 0..<dataset.count where generator.nextUniform() < threshold { order.append(sample) }
            bounds.append(order.count)
        }
        return (order, bounds)
    }

    /// An iterator over the batches of ``epoch``.
    public func makeIterator() -> Batches.Iterator {
        batches(epoch: epoch).makeIterator()
    }

    /// The number of batches (``batchCount``).
    public var underestimatedCount: Int { batchCount }

    /// The batches of one epoch, in order; each is `(x, y)` with at most `batchSize` rows.
    public struct Batches: Sequence, Sendable {
        let dataset: any Dataset
        /// The sample order of this epoch.
        public let order: [Int]
        let batchSize: Int
        /// The number of batches.
        public let batchCount: Int
        /// Whether `order` is `0..<count`: batches are then views of the data, not copies.
        let inDataOrder: Bool
        let workers: Int
        let prefetch: Int
        /// Where each batch starts in `order` (and where the last ends), when batches
        /// differ in size (Poisson sampling); `nil`: every `batchSize` samples.
        let bounds: [Int]?

        /// The `index`-th batch (an empty one, with no rows, can occur with Poisson sampling).
        ///
        /// - Parameter index: the 0-based batch number.
        /// - Returns: inputs `x` `[n, ...]` and labels `y` `[n, ...]`, `n` at most `batchSize`.
        /// - Precondition: `0 <= index < batchCount`.
        public subscript(index: Int) -> (x: Tensor, y: Tensor) {
            require(index >= 0 && index < batchCount, "DataLoader: batch \(index) is out of range for \(batchCount) batches")
            let start = bounds?[index] ?? index * batchSize
            let end = bounds?[index + 1] ?? Swift.min(start + batchSize, order.count)
            return inDataOrder ? dataset.batch(in: start..<end) : dataset.batch(at: Array(order[start..<end]))
        }

        /// An iterator over the batches.
        public func makeIterator() -> Iterator {
            Iterator(batches: self, prefetcher: workers > 0 && batchCount > 0 ? BatchPrefetcher.start(self) : nil)
        }

        /// The number of batches.
        public var underestimatedCount: Int { batchCount }

        /// Yields the batches one at a time: made when asked for, or taken from the
        /// background workers when the loader has them.
        public struct Iterator: IteratorProtocol, Sendable {
            let batches: Batches
            let prefetcher: BatchPrefetcher.Handle?
            var position = 0

            /// The next batch, or nil after the last.
            public mutating func next() -> (x: Tensor, y: Tensor)? {
                guard position < batches.batchCount else { return nil }
                defer { position += 1 }
                return prefetcher?.take(position) ?? batches[position]
            }
        }
    }
}
