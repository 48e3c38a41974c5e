import Foundation

/// Host memory that a ``Communicator`` reduces in place: one bucket of gradients.
///
/// Allocated once and reused every step; the training thread fills it, the
/// communication thread reduces it, and nobody touches it in between (the
/// ``PendingReduction`` says when it is done).
public final class ReductionBuffer: @unchecked Sendable {
    /// The first element.
    public let baseAddress: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int

    /// Allocates `count` zeros.
    ///
    /// - Parameter count: the number of floats (at least 0).
    public init(count: Int) {
        self.count = count
        baseAddress = .allocate(capacity: Swift.max(count, 1))
        baseAddress.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { baseAddress.deallocate() }

    /// Copies `values` into the buffer starting at `offset`.
    ///
    /// - Parameters:
    ///   - values: the floats to copy.
    ///   - offset: the first element to write; `offset + values.count <= count`.
    public func copy(from values: [Float], at offset: Int) {
        precondition(offset >= 0 && offset + values.count <= count, "ReductionBuffer: \(values.count) values at \(offset) overflow \(count)")
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { (baseAddress + offset).update(from: base, count: values.count) }
        }
    }

    /// Writable raw bytes of `count` floats at `offset`.
    ///
    /// - Parameters:
    ///   - offset: the first element.
    ///   - count: the number of elements.
    public func rawBytes(at offset: Int, count: Int) -> UnsafeMutableRawBufferPointer {
        precondition(offset >= 0 && offset + count <= self.count, "ReductionBuffer: \(count) values at \(offset) overflow \(self.count)")
        return UnsafeMutableRawBufferPointer(start: baseAddress + offset, count: count * MemoryLayout<Float>.stride)
    }

    /// `count` elements starting at `offset`, copied out.
    ///
    /// - Parameters:
    ///   - offset: the first element.
    ///   - count: the number of elements.
    public func values(at offset: Int, count: Int) -> [Float] {
        precondition(offset >= 0 && offset + count <= self.count, "ReductionBuffer: \(count) values at \(offset) overflow \(self.count)")
        return Array(UnsafeBufferPointer(start: baseAddress + offset, count: count))
    }

    /// Every element, copied out.
    public var values: [Float] { values(at: 0, count: count) }
}

/// A reduction started by ``Communicator/startAllReduceSum(_:)``.
public final class PendingReduction: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Result<Void, DistributedError>?

    /// A reduction not finished yet.
    public init() {}

    /// Records the result and wakes the waiters (called by the communicator).
    ///
    /// - Parameter result: success, or the failure to rethrow from ``wait()``.
    public func finish(_ result: Result<Void, DistributedError>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the reduction is done.
    ///
    /// - Throws: ``DistributedError`` when it failed.
    public func wait() throws {
        condition.lock()
        while outcome == nil { condition.wait() }
        let result = outcome!
        condition.unlock()
        try result.get()
    }
}
