import Foundation

/// A thread started once and never ended that runs submitted jobs one at a time, in
/// the order they were submitted.
///
/// For C libraries that must be called from one thread: HDF5 keeps per-thread state
/// that crashes when a pool thread retires, and MPI (initialised for
/// `MPI_THREAD_FUNNELED`) accepts calls only from the thread that initialised it.
package final class DedicatedThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    /// Starts the thread.
    ///
    /// - Parameter name: the thread's name, as debuggers and `top -H` show it.
    package init(name: String) {
        let thread = Thread { [unowned self] in
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.name = name
        thread.start()
    }

    /// Queues `job` behind the jobs submitted before it and returns at once.
    ///
    /// - Parameter job: the work; it runs on the dedicated thread.
    package func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on the thread after the jobs queued before it, and waits for it.
    ///
    /// - Parameter body: the work; it may throw.
    /// - Returns: what `body` returns.
    package func run<T>(_ body: @escaping () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<T, any Error>?
        submit {
            outcome = Result { try body() }
            done.signal()
        }
        done.wait()
        return try outcome!.get()
    }
}
