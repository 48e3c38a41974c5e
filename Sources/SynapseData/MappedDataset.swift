import Foundation
import SynapseIO

/// Inputs and targets in two `.npy` files, mapped from disk and read batch by batch:
/// a data set larger than memory, shuffled and batched by ``DataLoader`` like any other.
///
/// ```swift
/// // Python: np.save("x.npy", images); np.save("y.npy", labels)
/// let data = try MappedDataset(x: URL(fileURLWithPath: "x.npy"), y: URL(fileURLWithPath: "y.npy"))
/// model.fit(DataLoader(data, batchSize: 128, shuffle: true), epochs: 5)
/// ```
///
/// Each batch copies only its rows (see ``/SynapseIO/NumPyMemoryMap``); dtypes convert as
/// ``/SynapseIO/NumPy/load(_:)`` does. The files must be in C order with the same number of rows.
public struct MappedDataset: Dataset {
    /// The inputs, `[samples, …]`.
    public let inputs: NumPyMemoryMap
    /// The targets, `[samples, …]`.
    public let targets: NumPyMemoryMap

    /// Maps both files; checks them before any batch is read.
    ///
    /// - Parameters:
    ///   - x: the inputs' `.npy` file.
    ///   - y: the targets' `.npy` file.
    /// - Throws: ``/SynapseIO/NumPyError`` naming the file for a damaged or unsuitable file, when
    ///   the row counts differ, or for int64 values outside int32's range (checked
    ///   once here, so that batches never fail).
    public init(x: URL, y: URL) throws {
        inputs = try NumPyMemoryMap(x)
        targets = try NumPyMemoryMap(y)
        guard inputs.rowCount == targets.rowCount else {
            throw NumPyError("\(x.lastPathComponent) has \(inputs.rowCount) rows but \(y.lastPathComponent) has \(targets.rowCount)")
        }
        for map in [inputs, targets] where map.elementType == .int64 {
            // Converting int64 to int32 can fail; find out now, a chunk at a time.
            let chunk = Swift.max(1, (1 << 20) / Swift.max(1, Shape.elementCount(map.rowShape)))
            for start in stride(from: 0, to: map.rowCount, by: chunk) {
                _ = try map.rows(Array(start..<Swift.min(map.rowCount, start + chunk)))
            }
        }
    }

    /// The number of rows of the inputs.
    public var count: Int { inputs.rowCount }

    /// Reads the rows at `indices` from both mapped files.
    ///
    /// - Parameter indices: row numbers, in batch order.
    /// - Returns: `x` `[indices.count, ...]` and `y` `[indices.count, ...]`.
    public func batch(at indices: [Int]) -> (x: Tensor, y: Tensor) {
        do {
            return (try inputs.rows(indices), try targets.rows(indices))
        } catch {
            // The initializer read every int64 value, the only conversion that can fail.
            preconditionFailure("MappedDataset: \(error)")
        }
    }
}
