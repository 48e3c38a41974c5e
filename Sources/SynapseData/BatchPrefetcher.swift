import Foundation

/// Background threads that make a loader's batches ahead of the training loop.
///
/// Worker threads claim batch numbers in increasing order, make them (gather, read
/// from disk, decode) and leave them in a table; the consumer takes batch `i` when
/// it is ready. No worker runs more than `prefetch` batches ahead of the consumer,
/// so memory stays bounded, and the consumer receives exactly the batches the
/// single-threaded loader would give, in the same order.
///
/// The workers stop when the epoch's batches are made, or when the iterator that
/// owns them is dropped (a loop that breaks early).
final class BatchPrefetcher: @unchecked Sendable {
    typealias Batch = (x: Tensor, y: Tensor)

    /// The iterator's reference: dropping the last one stops the workers.
    final class Handle: @unchecked Sendable {
        let prefetcher: BatchPrefetcher
        init(_ prefetcher: BatchPrefetcher) { self.prefetcher = prefetcher }
        deinit { prefetcher.stop() }
        /// Batch `index`, waiting for a worker to finish it.
        func take(_ index: Int) -> Batch { prefetcher.take(index) }
    }

    private let batches: DataLoader.Batches
    private let condition = NSCondition()
    private var ready: [Int: Batch] = [:]
    /// The next batch the consumer will take.
    private var consumed = 0
    /// The next batch a worker will claim.
    private var claimed = 0
    private var stopped = false

    /// Starts `batches.workers` threads; returns the handle the iterator keeps.
    static func start(_ batches: DataLoader.Batches) -> Handle {
        let prefetcher = BatchPrefetcher(batches: batches)
        for number in 0..<batches.workers {
            let thread = Thread { prefetcher.work() }
            thread.name = "synapse-loader-\(number)"
            thread.start()
        }
        return Handle(prefetcher)
    }

    private init(batches: DataLoader.Batches) { self.batches = batches }

    private func work() {
        while true {
            condition.lock()
            while !stopped && claimed < batches.batchCount && claimed - consumed >= batches.prefetch { condition.wait() }
            guard !stopped, claimed < batches.batchCount else {
                condition.unlock()
                return
            }
            let index = claimed
            claimed += 1
            condition.unlock()
            let batch = batches[index]
            condition.lock()
            ready[index] = batch
            condition.broadcast()
            condition.unlock()
        }
    }

    fileprivate func take(_ index: Int) -> Batch {
        condition.lock()
        defer { condition.unlock() }
        precondition(index == consumed, "BatchPrefetcher: batches are taken in order")
        while ready[index] == nil { condition.wait() }
        consumed += 1
        condition.broadcast()
        return ready.removeValue(forKey: index)!
    }

    fileprivate func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
