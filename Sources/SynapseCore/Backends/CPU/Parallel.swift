#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Splits CPU kernels across the worker threads.
///
/// One setting sizes both Synapse's kernels and oneDNN's: the environment variable
/// `SYNAPSE_NUM_THREADS`, or ``Parallel/setThreadCount(_:)``; by default all cores.
/// Work below a size threshold runs inline on the calling thread, because waking
/// the team costs more than a small loop.
public enum Parallel {
    private static let configuredThreads = Atomic<Int>(initialThreadCount())

    private static func initialThreadCount() -> Int {
        if let text = getenv("SYNAPSE_NUM_THREADS").map({ String(cString: $0) }),
           let value = Int(text), value > 0 {
            return value
        }
        return max(1, OneDNN.processorCount)
    }

    /// Number of threads kernels use (oneDNN's and Synapse's alike).
    public static var threadCount: Int { configuredThreads.load(ordering: .relaxed) }

    /// Sets the number of threads for all kernels. Values below 1 become 1.
    ///
    /// - Parameter count: the number of threads, for Synapse's kernels and oneDNN's.
    public static func setThreadCount(_ count: Int) {
        configuredThreads.store(max(1, count), ordering: .relaxed)
    }

    /// Number of processors of the machine.
    public static var processorCount: Int { OneDNN.processorCount }

    /// Runs `body` over `0..<count` split into contiguous ranges, one per thread,
    /// in parallel when `count` reaches `minimumParallelCount`.
    ///
    /// Each range is at least `grain` long (except the last); the split depends only
    /// on `count` and the thread count, so results are reproducible.
    @inline(__always)
    static func forRanges(_ count: Int, minimumParallelCount: Int = 32_768, _ body: (Range<Int>) -> Void) {
        let threads = threadCount
        if threads <= 1 || count < minimumParallelCount {
            if count > 0 { body(0..<count) }
            return
        }
        OneDNN.parallel(threads: threads) { thread, teamSize in
            let perThread = (count + teamSize - 1) / teamSize
            let start = thread * perThread
            let end = min(count, start + perThread)
            if start < end { body(start..<end) }
        }
    }

    /// Runs `body(chunkIndex)` for every chunk in `0..<chunkCount`, chunks dealt out
    /// statically to the threads. Use it when each chunk writes its own slot (a
    /// partial sum), so the combination order is fixed and the result does not
    /// depend on timing or on the thread count.
    @inline(__always)
    static func forChunks(_ chunkCount: Int, parallel: Bool, _ body: (Int) -> Void) {
        let threads = threadCount
        if !parallel || threads <= 1 || chunkCount <= 1 {
            for chunk in 0..<chunkCount { body(chunk) }
            return
        }
        OneDNN.parallel(threads: min(threads, chunkCount)) { thread, teamSize in
            var chunk = thread
            while chunk < chunkCount {
                body(chunk)
                chunk += teamSize
            }
        }
    }
}
