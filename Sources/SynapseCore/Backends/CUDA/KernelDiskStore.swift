import Glibc

/// A folder of compiled kernel images, one file per cache key, written atomically.
///
/// Files are written to a temporary name in the same folder and renamed into place,
/// so a reader sees either the whole image or none, even with several processes
/// compiling the same kernel. Every failure here is reported as false or nil: a cache
/// that cannot be written only costs a recompilation.
struct KernelDiskStore: Sendable {
    /// The folder; created (with its parents) on the first write.
    let directory: String

    /// The full path of the file named `name`.
    func path(of name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The contents of `name`, or nil when it is missing or unreadable.
    ///
    /// - Parameters:
    ///   - name: the file name.
    ///   - maximumByteCount: files larger than this are ignored (a damaged cache
    ///     must not make Synapse read gigabytes).
    func read(_ name: String, maximumByteCount: Int = 256 << 20) -> [UInt8]? {
        let descriptor = open(path(of: name), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        guard size > 0, size <= maximumByteCount else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        let complete = bytes.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            while offset < size {
                let count = Glibc.read(descriptor, base + offset, size - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        return complete ? bytes : nil
    }

    /// Writes `bytes` as `name`: to a temporary file first, then renamed into place.
    ///
    /// - Parameters:
    ///   - bytes: the contents.
    ///   - name: the file name.
    /// - Returns: whether the file is now in place.
    @discardableResult
    func write(_ bytes: [UInt8], as name: String) -> Bool {
        guard Self.makeDirectories(directory) else { return false }
        let temporary = path(of: ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        var offset = 0
        let written = bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return bytes.isEmpty }
            while offset < buffer.count {
                let count = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        let closed = close(descriptor) == 0
        guard written, closed, rename(temporary, path(of: name)) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// `mkdir -p`: creates `path` and its missing parents.
    ///
    /// - Returns: whether `path` is a folder now.
    static func makeDirectories(_ path: String) -> Bool {
        var status = stat()
        if stat(path, &status) == 0 { return (status.st_mode & S_IFMT) == S_IFDIR }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return false }
            prefix += "/"
        }
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
