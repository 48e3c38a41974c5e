import Foundation
import SynapseCore

/// NumPy's file formats, so arrays move between Synapse and Python in one line:
/// `.npy` (one array; `np.save`, `np.load`) and `.npz` (a ZIP archive of named
/// arrays; `np.savez`, `np.savez_compressed`).
///
/// ```swift
/// let images = try NumPy.load(URL(fileURLWithPath: "x_train.npy"))        // np.save("x_train.npy", x)
/// try NumPy.save(model.predict(images), to: URL(fileURLWithPath: "p.npy")) // np.load("p.npy")
/// let arrays = try NumPy.loadArchive(URL(fileURLWithPath: "data.npz"))     // np.savez("data.npz", x=x, y=y)
/// let (x, y) = (arrays["x"]!, arrays["y"]!)
/// ```
///
/// Element types: float32, float64, int32, int64 and uint8 (the integers become
/// int32; int64 values outside its range are refused) and bool, in either byte
/// order and in C or Fortran order. Object arrays are refused: Synapse never loads
/// pickles. Files are written atomically (a crash leaves the old file or the new one).
/// For arrays larger than memory, see ``NumPyMemoryMap``.
public enum NumPy {
    /// Reads a `.npy` file as a CPU tensor (see ``NumPyArray/tensor()`` for the dtypes).
    ///
    /// - Parameter url: the file.
    /// - Throws: ``NumPyError`` naming the file and what is wrong with it.
    public static func load(_ url: URL) throws -> Tensor {
        try attributed(to: url) { try NumPyArray(parsing: try contents(of: url)).tensor() }
    }

    /// Writes a tensor as a `.npy` file.
    ///
    /// - Parameters:
    ///   - tensor: any dtype, on any device.
    ///   - url: the file to write (replaced atomically).
    /// - Throws: ``NumPyError`` when the file cannot be written.
    public static func save(_ tensor: Tensor, to url: URL) throws {
        try write(NumPyArray(tensor).serialized(), to: url)
    }

    /// Reads every array of a `.npz` archive, by name (the `.npy` suffix dropped, as
    /// `np.load(...)["x"]`).
    ///
    /// - Parameter url: the archive.
    /// - Throws: ``NumPyError`` naming the archive, the member and what is wrong.
    public static func loadArchive(_ url: URL) throws -> [String: Tensor] {
        try attributed(to: url) {
            var result: [String: Tensor] = [:]
            let entries: [ZipArchive.Entry]
            do {
                entries = try ZipArchive.entries(of: try contents(of: url))
            } catch let error as ZipError {
                throw NumPyError("not a readable .npz archive: \(error)")
            }
            for entry in entries {
                let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
                do {
                    result[name] = try NumPyArray(parsing: entry.bytes).tensor()
                } catch let error as NumPyError {
                    throw NumPyError("member '\(entry.name)': \(error.reason)")
                }
            }
            return result
        }
    }

    /// Writes named tensors as a `.npz` archive (`name.npy` members, as `np.savez`).
    ///
    /// - Parameters:
    ///   - tensors: name → tensor (any dtype, on any device).
    ///   - url: the file to write (replaced atomically).
    ///   - compressed: deflate the members, as `np.savez_compressed` (default false).
    /// - Throws: ``NumPyError`` when the archive cannot be written.
    public static func saveArchive(_ tensors: [String: Tensor], to url: URL, compressed: Bool = false) throws {
        let entries = tensors.keys.sorted().map { (name: $0 + ".npy", bytes: NumPyArray(tensors[$0]!).serialized()) }
        let archive: [UInt8]
        do {
            archive = try ZipArchive.archive(entries, compressed: compressed)
        } catch let error as ZipError {
            throw NumPyError(path: url.path, error.description)
        }
        try write(archive, to: url)
    }

    private static func contents(of url: URL) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url, options: .mappedIfSafe))
        } catch {
            throw NumPyError("cannot read: \((error as NSError).localizedDescription)")
        }
    }

    private static func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try AtomicWrite.write(bytes, to: url)
        } catch {
            throw NumPyError(path: url.path, "cannot write: \(error)")
        }
    }

    private static func attributed<T>(to url: URL, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as NumPyError {
            throw error.at(url.path)
        }
    }
}
