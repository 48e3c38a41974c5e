import Glibc

/// A shared library opened with `dlopen` and kept open for the life of the process.
///
/// CUDA's libraries are opened once and never closed: the function pointers resolved
/// from them live in process-wide tables, and unloading the driver while a context
/// exists is undefined behaviour. This is the only file that calls `dlopen`/`dlsym`; other
/// modules of the package (the HDF5 writer of `.keras` files) open their libraries with it.
package struct SharedLibrary: @unchecked Sendable {
    /// The full path it was opened from (for a bare file name, the folder the
    /// dynamic loader chose, when it says).
    package let path: String
    /// `dlopen`'s handle; never closed. Sendable: it is an immutable address.
    private let handle: UnsafeMutableRawPointer

    /// Why `dlopen` refused a file, in the dynamic loader's words.
    package struct OpenError: Error, Sendable {
        /// `dlerror()`'s message, e.g. "libcublasLt.so.13: cannot open shared object file: …".
        package let message: String
        /// Whether the loader found no file at all (as opposed to a file it could not load).
        package var isFileMissing: Bool { message.contains("No such file or directory") }
    }

    /// Opens a library with `RTLD_NOW`, resolving every symbol up front.
    ///
    /// - Parameters:
    ///   - path: a full path, or a bare file name (`libcuda.so.1`) that the dynamic
    ///     loader looks up in `LD_LIBRARY_PATH`, the `ld.so` cache and the default folders.
    ///   - global: `RTLD_GLOBAL`: make the library's symbols available to libraries
    ///     loaded later (cuBLAS resolves cuBLASLt's this way); `RTLD_LOCAL` otherwise.
    /// - Throws: ``OpenError`` with the dynamic loader's message.
    package init(opening path: String, global: Bool = false) throws(OpenError) {
        _ = dlerror()  // clear a stale message
        guard let handle = dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) else {
            let message = dlerror().map { String(cString: $0) } ?? "dlopen(\(path)) failed"
            throw OpenError(message: message)
        }
        self.path = path.contains("/") ? path : Self.folder(of: handle).map { $0 + "/" + path } ?? path
        self.handle = handle
    }

    /// The folder the dynamic loader took a library from (`dlinfo(RTLD_DI_ORIGIN)`),
    /// so a library found on the system library path is reported by its full path.
    /// `dlinfo` is looked up at run time: Swift's Glibc module does not declare it.
    private static func folder(of handle: UnsafeMutableRawPointer) -> String? {
        typealias DLInfo = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafeMutableRawPointer?) -> Int32
        let originRequest: Int32 = 6  // RTLD_DI_ORIGIN
        guard let symbol = dlsym(nil, "dlinfo") else { return nil }
        let dlinfo = unsafeBitCast(symbol, to: DLInfo.self)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard dlinfo(handle, originRequest, &buffer) == 0 else { return nil }
        return buffer.withUnsafeBufferPointer { pointer in
            pointer.baseAddress.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The symbol `name` as a C function pointer of type `T`, or nil when the library
    /// does not export it.
    ///
    /// - Parameters:
    ///   - name: the exported name, e.g. `cuMemAlloc_v2`.
    ///   - type: an `@convention(c)` function type matching the C declaration exactly.
    package func function<T>(_ name: String, as type: T.Type = T.self) -> T? {
        precondition(MemoryLayout<T>.size == MemoryLayout<UnsafeMutableRawPointer>.size,
                     "SharedLibrary.function: \(T.self) is not a C function pointer type")
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }

    /// The exported variable `name` (a C global such as HDF5's `H5T_NATIVE_FLOAT_g`),
    /// or nil when the library does not export it.
    ///
    /// - Parameters:
    ///   - name: the exported name.
    ///   - type: the variable's C type.
    /// - Returns: a pointer to the variable.
    package func variable<T>(_ name: String, as type: T.Type = T.self) -> UnsafeMutablePointer<T>? {
        dlsym(handle, name)?.assumingMemoryBound(to: T.self)
    }

    /// The symbol `name`, which the library must export.
    ///
    /// - Parameters:
    ///   - name: the exported name.
    ///   - type: an `@convention(c)` function type matching the C declaration exactly.
    /// - Throws: ``CUDAError/missingSymbol(library:symbol:)`` when it is absent (a
    ///   library older than Synapse needs).
    func requiredFunction<T>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let function = function(name, as: type) else {
            throw CUDAError.missingSymbol(library: path, symbol: name)
        }
        return function
    }
}
