import Foundation
import SynapseCore

/// Writes the small HDF5 files Keras keeps its weights in (`model.weights.h5`):
/// groups, float32 datasets and string attributes, through the HDF5 C library
/// loaded at run time, so that nothing HDF5 is needed to build Synapse or to use
/// anything else in it.
///
/// The library is looked up as `SYNAPSE_HDF5_LIBRARY`, then Debian's
/// `libhdf5_serial.so.103` (package `libhdf5-103-1`), then `libhdf5.so`.
final class HDF5Writer {
    typealias ID = Int64      // hid_t (HDF5 ≥ 1.10)
    typealias Status = Int32  // herr_t

    private struct API {
        let open: @convention(c) () -> Status
        let setErrorPrinting: @convention(c) (ID, UnsafeRawPointer?, UnsafeRawPointer?) -> Status
        let createFile: @convention(c) (UnsafePointer<CChar>, UInt32, ID, ID) -> ID
        let closeFile: @convention(c) (ID) -> Status
        let createGroup: @convention(c) (ID, UnsafePointer<CChar>, ID, ID, ID) -> ID
        let closeGroup: @convention(c) (ID) -> Status
        let createSimpleSpace: @convention(c) (Int32, UnsafePointer<UInt64>?, UnsafePointer<UInt64>?) -> ID
        let createSpace: @convention(c) (Int32) -> ID
        let closeSpace: @convention(c) (ID) -> Status
        let createDataset: @convention(c) (ID, UnsafePointer<CChar>, ID, ID, ID, ID, ID) -> ID
        let writeDataset: @convention(c) (ID, ID, ID, ID, ID, UnsafeRawPointer?) -> Status
        let closeDataset: @convention(c) (ID) -> Status
        let copyType: @convention(c) (ID) -> ID
        let setTypeSize: @convention(c) (ID, Int) -> Status
        let closeType: @convention(c) (ID) -> Status
        let createAttribute: @convention(c) (ID, UnsafePointer<CChar>, ID, ID, ID, ID) -> ID
        let writeAttribute: @convention(c) (ID, ID, UnsafeRawPointer?) -> Status
        let closeAttribute: @convention(c) (ID) -> Status
        let nativeFloat: UnsafeMutablePointer<ID>
        let cString: UnsafeMutablePointer<ID>
    }

    /// Why no HDF5 file could be written.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static let defaultProperties: ID = 0  // H5P_DEFAULT
    private static let allOfSpace: ID = 0         // H5S_ALL
    private static let truncate: UInt32 = 0x0002  // H5F_ACC_TRUNC

    private let api: API
    private let path: String
    private let file: ID
    private var groups: [String: ID] = [:]
    private var isClosed = false

    /// Creates (or replaces) the file at `path`.
    ///
    /// - Parameter path: the file to write.
    /// - Throws: ``Failure`` when the HDF5 library cannot be loaded or the file created.
    init(path: String) throws {
        let api = try Self.loadAPI()
        let file = path.withCString { api.createFile($0, Self.truncate, Self.defaultProperties, Self.defaultProperties) }
        guard file >= 0 else { throw Failure(description: "HDF5 cannot create \(path)") }
        (self.api, self.path, self.file) = (api, path, file)
        groups["/"] = file
    }

    deinit { try? close() }

    /// Creates the group `path` ("layers/dense/vars") and its missing parents.
    ///
    /// - Parameter path: slash-separated, relative to the root.
    /// - Returns: the group's handle (closed by ``close()``).
    /// - Throws: ``Failure``.
    @discardableResult
    func group(_ path: String) throws -> ID {
        if let existing = groups[path] { return existing }
        let parts = path.split(separator: "/")
        var parent = file
        var prefix = ""
        for part in parts {
            prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
            if let existing = groups[prefix] {
                parent = existing
                continue
            }
            let created = String(part).withCString {
                api.createGroup(parent, $0, Self.defaultProperties, Self.defaultProperties, Self.defaultProperties)
            }
            guard created >= 0 else { throw Failure(description: "HDF5 cannot create the group \(prefix) in \(self.path)") }
            groups[prefix] = created
            parent = created
        }
        return parent
    }

    /// Writes a float32 dataset.
    ///
    /// - Parameters:
    ///   - name: the dataset's name inside `group`.
    ///   - group: the group's path ("" for the root).
    ///   - values: row-major values, `shape.reduce(1, *)` of them.
    ///   - shape: the dataset's dimensions (empty for a scalar).
    /// - Throws: ``Failure``.
    func writeFloats(_ name: String, in group: String, values: [Float], shape: [Int]) throws {
        precondition(values.count == shape.reduce(1, *), "HDF5Writer: \(values.count) values for shape \(shape)")
        let parent = group.isEmpty ? file : try self.group(group)
        let dimensions = shape.map { UInt64($0) }
        let space = shape.isEmpty ? api.createSpace(0) : dimensions.withUnsafeBufferPointer {
            api.createSimpleSpace(Int32(shape.count), $0.baseAddress, nil)
        }
        guard space >= 0 else { throw Failure(description: "HDF5 cannot describe the shape \(shape)") }
        defer { _ = api.closeSpace(space) }
        let dataset = name.withCString {
            api.createDataset(parent, $0, api.nativeFloat.pointee, space, Self.defaultProperties, Self.defaultProperties,
                              Self.defaultProperties)
        }
        guard dataset >= 0 else { throw Failure(description: "HDF5 cannot create the dataset \(group)/\(name) in \(path)") }
        defer { _ = api.closeDataset(dataset) }
        let status = values.withUnsafeBytes {
            api.writeDataset(dataset, api.nativeFloat.pointee, Self.allOfSpace, Self.allOfSpace, Self.defaultProperties, $0.baseAddress)
        }
        guard status >= 0 else { throw Failure(description: "HDF5 cannot write the dataset \(group)/\(name) in \(path)") }
    }

    /// Attaches a fixed-length string attribute to a group.
    ///
    /// - Parameters:
    ///   - name: the attribute's name.
    ///   - value: its text (UTF-8).
    ///   - group: the group's path ("" for the root).
    /// - Throws: ``Failure``.
    func writeAttribute(_ name: String, value: String, on group: String) throws {
        let parent = group.isEmpty ? file : try self.group(group)
        let bytes = Array(value.utf8)
        let type = api.copyType(api.cString.pointee)
        guard type >= 0, api.setTypeSize(type, Swift.max(bytes.count, 1)) >= 0 else {
            throw Failure(description: "HDF5 cannot make a string type")
        }
        defer { _ = api.closeType(type) }
        let space = api.createSpace(0)
        defer { _ = api.closeSpace(space) }
        let attribute = name.withCString { api.createAttribute(parent, $0, type, space, Self.defaultProperties, Self.defaultProperties) }
        guard attribute >= 0 else { throw Failure(description: "HDF5 cannot create the attribute \(name) on \(group)") }
        defer { _ = api.closeAttribute(attribute) }
        let padded = bytes.isEmpty ? [0] : bytes
        guard padded.withUnsafeBytes({ api.writeAttribute(attribute, type, $0.baseAddress) }) >= 0 else {
            throw Failure(description: "HDF5 cannot write the attribute \(name) on \(group)")
        }
    }

    /// Closes every group and the file; the file is complete afterwards.
    ///
    /// - Throws: ``Failure`` when HDF5 cannot finish the file.
    func close() throws {
        guard !isClosed else { return }
        isClosed = true
        for (path, group) in groups where path != "/" { _ = api.closeGroup(group) }
        guard api.closeFile(file) >= 0 else { throw Failure(description: "HDF5 cannot finish \(path)") }
    }

    // MARK: One thread for every HDF5 call

    /// Runs `body` on the one thread that calls HDF5, and waits for it.
    ///
    /// Debian's HDF5 is built thread-safe: it keeps per-thread state whose destructor
    /// runs when a thread exits, and crashes when the thread was one of the pool
    /// threads Swift's concurrency and Dispatch retire. Every HDF5 call therefore runs
    /// on a thread started once and never ended.
    ///
    /// - Parameter body: the work; it may throw.
    /// - Returns: what `body` returns.
    static func onHDF5Thread<T>(_ body: @escaping () throws -> T) throws -> T {
        try thread.run(body)
    }

    private static let thread = DedicatedThread(name: "synapse-hdf5")

    // MARK: Loading the library

    /// Where the library is looked for, in order.
    static var candidates: [String] {
        var names = ["libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5.so.310", "libhdf5.so"]
        if let chosen = ProcessInfo.processInfo.environment["SYNAPSE_HDF5_LIBRARY"], !chosen.isEmpty {
            names.insert(chosen, at: 0)
        }
        return names
    }

    /// Whether the HDF5 library loads (call it on the HDF5 thread).
    ///
    /// - Returns: `true` when every function Synapse needs was found.
    static func isAvailable() -> Bool { (try? loadAPI()) != nil }

    nonisolated(unsafe) private static var loaded: API?
    private static let loading = NSLock()

    private static func loadAPI() throws -> API {
        loading.lock()
        defer { loading.unlock() }
        if let loaded { return loaded }
        var reasons: [String] = []
        for name in candidates {
            do {
                let library = try SharedLibrary(opening: name)
                let api = try bind(library)
                guard api.open() >= 0 else { throw Failure(description: "H5open failed") }
                _ = api.setErrorPrinting(0, nil, nil)  // errors come back as statuses, not printed
                loaded = api
                return api
            } catch let error as SharedLibrary.OpenError {
                reasons.append(error.isFileMissing ? "\(name): not found" : "\(name): \(error.message)")
            } catch {
                reasons.append("\(name): \(error)")
            }
        }
        throw Failure(description: "writing a .keras file needs the HDF5 library (Debian: apt-get install libhdf5-103-1, "
                      + "or set SYNAPSE_HDF5_LIBRARY to its path); tried " + reasons.joined(separator: "; "))
    }

    private static func bind(_ library: SharedLibrary) throws -> API {
        func function<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let symbol = library.function(name, as: type) else {
                throw Failure(description: "\(library.path) lacks \(name)")
            }
            return symbol
        }
        func variable(_ name: String) throws -> UnsafeMutablePointer<ID> {
            guard let symbol = library.variable(name, as: ID.self) else { throw Failure(description: "\(library.path) lacks \(name)") }
            return symbol
        }
        return API(open: try function("H5open", (@convention(c) () -> Status).self),
                   setErrorPrinting: try function("H5Eset_auto2", (@convention(c) (ID, UnsafeRawPointer?, UnsafeRawPointer?) -> Status).self),
                   createFile: try function("H5Fcreate", (@convention(c) (UnsafePointer<CChar>, UInt32, ID, ID) -> ID).self),
                   closeFile: try function("H5Fclose", (@convention(c) (ID) -> Status).self),
                   createGroup: try function("H5Gcreate2", (@convention(c) (ID, UnsafePointer<CChar>, ID, ID, ID) -> ID).self),
                   closeGroup: try function("H5Gclose", (@convention(c) (ID) -> Status).self),
                   createSimpleSpace: try function("H5Screate_simple", (@convention(c) (Int32, UnsafePointer<UInt64>?, UnsafePointer<UInt64>?) -> ID).self),
                   createSpace: try function("H5Screate", (@convention(c) (Int32) -> ID).self),
                   closeSpace: try function("H5Sclose", (@convention(c) (ID) -> Status).self),
                   createDataset: try function("H5Dcreate2", (@convention(c) (ID, UnsafePointer<CChar>, ID, ID, ID, ID, ID) -> ID).self),
                   writeDataset: try function("H5Dwrite", (@convention(c) (ID, ID, ID, ID, ID, UnsafeRawPointer?) -> Status).self),
                   closeDataset: try function("H5Dclose", (@convention(c) (ID) -> Status).self),
                   copyType: try function("H5Tcopy", (@convention(c) (ID) -> ID).self),
                   setTypeSize: try function("H5Tset_size", (@convention(c) (ID, Int) -> Status).self),
                   closeType: try function("H5Tclose", (@convention(c) (ID) -> Status).self),
                   createAttribute: try function("H5Acreate2", (@convention(c) (ID, UnsafePointer<CChar>, ID, ID, ID, ID) -> ID).self),
                   writeAttribute: try function("H5Awrite", (@convention(c) (ID, ID, UnsafeRawPointer?) -> Status).self),
                   closeAttribute: try function("H5Aclose", (@convention(c) (ID) -> Status).self),
                   nativeFloat: try variable("H5T_NATIVE_FLOAT_g"),
                   cString: try variable("H5T_C_S1_g"))
    }
}
