import Foundation

/// A thread of its own that runs submitted jobs one at a time, in the order they were
/// submitted, until the object is released (the jobs queued by then still run).
///
/// For C libraries that must be called from one thread: HDF5 keeps per-thread state
/// that crashes when a pool thread retires (its thread is a static, so it never
/// ends), and MPI (initialised for `MPI_THREAD_FUNNELED`) accepts calls only from
/// the thread that initialised it.
package final class DedicatedThread: @unchecked Sendable {
    /// The jobs, shared with the thread (which must not keep this object alive).
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [() -> Void] = []
        var stopped = false

        /// Runs jobs until stopped and drained.
        func serve() {
            while true {
                condition.lock()
                while jobs.isEmpty && !stopped { condition.wait() }
                if jobs.isEmpty {
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }

        func add(_ job: @escaping () -> Void) {
            condition.lock()
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.signal()
            condition.unlock()
        }
    }

    private let queue = Queue()

    /// Starts the thread.
    ///
    /// - Parameter name: the thread's name, as debuggers and `top -H` show it.
    package init(name: String) {
        let thread = Thread { [queue] in queue.serve() }
        thread.name = name
        thread.start()
    }

    deinit { queue.stop() }

    /// Queues `job` behind the jobs submitted before it and returns at once.
    ///
    /// - Parameter job: the work; it runs on the dedicated thread.
    package func submit(_ job: @escaping () -> Void) {
        queue.add(job)
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
