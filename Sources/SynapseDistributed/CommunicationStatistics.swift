import Foundation
import Synchronization

/// What gradient averaging cost this process: how many all-reduces, how many values,
/// and how long the training thread waited for them (the part of communication that
/// did not overlap the backward pass).
///
/// ```swift
/// Distributed.resetStatistics()
/// model.fit(x: x, y: y, epochs: 1)                  // under mpirun
/// let waited = Distributed.statistics.waitSeconds
/// ```
public struct CommunicationStatistics: Sendable, Equatable {
    /// All-reduces started by `DataParallel` (in SynapseTraining).
    public var reductions = 0
    /// Floats those all-reduces carried.
    public var floats = 0
    /// Seconds the training thread spent waiting for reductions to finish.
    public var waitSeconds = 0.0

    /// No communication yet.
    public init() {}
}

extension Distributed {
    private static let totals = Mutex(CommunicationStatistics())

    /// The totals since the process started or ``resetStatistics()`` was called.
    public static var statistics: CommunicationStatistics { totals.withLock { $0 } }

    /// Sets ``statistics`` back to zero.
    public static func resetStatistics() {
        totals.withLock { $0 = CommunicationStatistics() }
    }

    /// Counts one all-reduce of `floats` values.
    package static func recordReduction(floats: Int) {
        totals.withLock {
            $0.reductions += 1
            $0.floats += floats
        }
    }

    /// Runs `body` (a wait for reductions) and adds its duration to ``statistics``.
    package static func timingWait<R>(_ body: () throws -> R) rethrows -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            totals.withLock { $0.waitSeconds += seconds }
        }
        return try body()
    }
}
