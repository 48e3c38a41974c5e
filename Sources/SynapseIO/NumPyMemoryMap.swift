import Foundation
import SynapseCore
#if canImport(Glibc)
import Glibc
#endif

/// A `.npy` file mapped into memory rather than read: only the rows a batch asks
/// for are touched, so a data set may be far larger than RAM (as `np.load(...,
/// mmap_mode="r")`). The operating system pages the file in and out; the process
/// holds at most a batch of it at a time.
///
/// The first axis is the sample axis. The file must be in C order (NumPy's
/// default; `np.ascontiguousarray` makes one); either byte order is read.
///
/// ```swift
/// let images = try NumPyMemoryMap(URL(fileURLWithPath: "images.npy"))   // [1_000_000, 784] float32
/// let batch = images.rows([5, 17, 2])                                    // float32 [3, 784]
/// ```
public final class NumPyMemoryMap: @unchecked Sendable {
    /// The file.
    public let url: URL
    /// The element type on disk.
    public let elementType: NumPyArray.ElementType
    /// The array's shape; `shape[0]` is the number of rows.
    public let shape: [Int]
    private let bigEndian: Bool
    private let base: UnsafeRawPointer
    private let mappedLength: Int
    private let dataOffset: Int

    /// Maps `url` read-only.
    ///
    /// - Parameter url: a `.npy` file with at least one axis, in C order.
    /// - Throws: ``NumPyError`` naming the file when it cannot be opened or mapped,
    ///   is not a valid `.npy` file, is Fortran-ordered or shorter than its header says.
    public init(_ url: URL) throws {
        self.url = url
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw NumPyError(path: url.path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else {
            throw NumPyError(path: url.path, "not a NumPy .npy file (empty or unreadable)")
        }
        let length = Int(status.st_size)
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0), address != MAP_FAILED else {
            throw NumPyError(path: url.path, "cannot map into memory: \(String(cString: strerror(errno)))")
        }
        let base = UnsafeRawPointer(address)
        do {
            let header = try NumPyHeader(parsing: UnsafeRawBufferPointer(start: base, count: length))
            guard !header.fortranOrder || header.shape.count < 2 else {
                throw NumPyError("the array is in Fortran order; save it in C order (np.ascontiguousarray) to map it")
            }
            guard header.shape.count >= 1 else { throw NumPyError("a 0-d array has no rows to map") }
            guard header.dataOffset + header.byteCount <= length else {
                throw NumPyError("truncated: the header promises \(Shape.describe(header.shape)) of \(header.elementType) (\(header.byteCount) bytes) but the file has \(length - header.dataOffset) data bytes")
            }
            (elementType, shape, bigEndian, dataOffset) = (header.elementType, header.shape, header.bigEndian, header.dataOffset)
        } catch let error as NumPyError {
            munmap(address, length)
            throw error.at(url.path)
        }
        (self.base, mappedLength) = (base, length)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }

    /// The number of rows (`shape[0]`).
    public var rowCount: Int { shape[0] }
    /// The shape of one row (`shape` without its first axis).
    public var rowShape: [Int] { Array(shape.dropFirst()) }

    /// Copies rows `indices` (in that order) into a CPU tensor of shape
    /// `[indices.count] + rowShape`, converted as ``NumPyArray/tensor()`` does.
    ///
    /// - Parameter indices: row numbers in `0..<rowCount`.
    /// - Throws: ``NumPyError`` for int64 values outside int32's range.
    public func rows(_ indices: [Int]) throws -> Tensor {
        let rowBytes = Shape.elementCount(rowShape) * elementType.byteSize
        var bytes = [UInt8](repeating: 0, count: indices.count * rowBytes)
        bytes.withUnsafeMutableBytes { destination in
            for (position, row) in indices.enumerated() {
                require(row >= 0 && row < rowCount, "NumPyMemoryMap: row \(row) is out of range for \(rowCount) rows of \(url.lastPathComponent)")
                destination.baseAddress!.advanced(by: position * rowBytes)
                    .copyMemory(from: base + dataOffset + row * rowBytes, byteCount: rowBytes)
            }
        }
        if bigEndian { NumPyHeader.swapBytes(&bytes, elementSize: elementType.byteSize) }
        do {
            return try NumPyHeader.tensor(from: bytes[...], elementType: elementType, shape: [indices.count] + rowShape)
        } catch let error as NumPyError {
            throw error.at(url.path)
        }
    }
}
