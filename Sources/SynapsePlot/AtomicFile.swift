import Foundation
import SynapseIO

/// Atomic file replacement for plots, on top of SynapseIO's ``AtomicWrite``
/// (temporary file in the same folder, `fsync`, `rename`), with plot errors.
enum AtomicFile {
    /// Writes `bytes` to `url` so that the file is either the old one or the
    /// complete new one, never a partial write.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PlotError.writeFailed(path: url.path, reason: "the folder \(folder.path) does not exist")
        }
        do {
            try AtomicWrite.write(bytes, to: url)
        } catch SafeTensorsError.unwritable(_, let reason) {
            throw PlotError.writeFailed(path: url.path, reason: reason)
        } catch {
            throw PlotError.writeFailed(path: url.path, reason: "\(error)")
        }
    }
}
