import Glibc
import Synchronization

/// Compiled kernels by a hash of their source and target, in memory and on disk.
///
/// The first request for a source on an architecture compiles it with NVRTC (tens to
/// hundreds of milliseconds); later requests in the process are served from memory,
/// and later processes from the disk folder (`$SYNAPSE_CUDA_CACHE`, default
/// `~/.cache/synapse/cuda-kernels`). The key is the SHA-256 of the source, the target,
/// the options and NVRTC's version, so an edited kernel or a new NVRTC never meets a
/// stale image. Disk files are written atomically and checked when read; a damaged
/// or unwritable cache costs a recompilation, never an error.
///
/// ```swift
/// let image = try CUDAKernelCache.shared.image(source: source, programName: "axpb.cu",
///                                              target: target, compiler: compiler)
/// ```
public final class CUDAKernelCache: Sendable {
    /// How requests were served, for tests and reports.
    public struct Statistics: Sendable, Equatable {
        /// Served from this process's memory.
        public var memoryHits = 0
        /// Read from the disk folder.
        public var diskHits = 0
        /// Compiled by NVRTC.
        public var compilations = 0
        /// Images that could not be written to the disk folder.
        public var diskWriteFailures = 0
    }

    private struct State {
        var images: [String: CUDAKernelImage] = [:]
        var statistics = Statistics()
    }

    /// The disk folder, or nil for a memory-only cache.
    public let directory: String?
    private let state = Mutex(State())

    /// The cache of this process, in ``defaultDirectory()``.
    public static let shared = CUDAKernelCache(directory: defaultDirectory())

    /// A cache keeping images in memory and, when `directory` is given, on disk.
    ///
    /// - Parameter directory: the disk folder (created on first write), or nil.
    public init(directory: String?) {
        self.directory = directory
    }

    /// `$SYNAPSE_CUDA_CACHE`, else `~/.cache/synapse/cuda-kernels`; nil when neither
    /// is known (no `HOME` and no password entry).
    public static func defaultDirectory() -> String? {
        if let configured = getenv("SYNAPSE_CUDA_CACHE"), configured.pointee != 0 {
            return String(cString: configured)
        }
        return CUDALibrarySearch.currentHomeDirectory().map { $0 + "/.cache/synapse/cuda-kernels" }
    }

    /// How requests have been served so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The cache key: SHA-256 of a format tag, NVRTC's version, the target, the
    /// options and the source, as 64 hexadecimal digits.
    ///
    /// - Parameters:
    ///   - source: the kernel source.
    ///   - target: what it is compiled to.
    ///   - options: NVRTC options besides the architecture.
    ///   - compilerVersion: NVRTC's version.
    public static func key(source: String, target: CUDAKernelTarget, options: [String],
                           compilerVersion: CUDAVersion) -> String {
        var hasher = SHA256()
        for part in ["synapse-cuda-kernel-1", compilerVersion.description, target.description] + options + [source] {
            hasher.update(part)
            hasher.update([0])
        }
        return hasher.hexDigest()
    }

    /// The compiled image of `source` for `target`: from memory, from disk, or compiled
    /// now (and then stored in both).
    ///
    /// - Parameters:
    ///   - source: CUDA C++ source.
    ///   - programName: the name in NVRTC's messages.
    ///   - target: cubin or PTX, and the architecture.
    ///   - options: further NVRTC options.
    ///   - compiler: the NVRTC to compile with on a miss.
    /// - Throws: ``CUDAError/compilation(program:target:log:)`` and the other errors of
    ///   ``NVRTCCompiler/compile(source:programName:target:options:)``.
    public func image(source: String, programName: String, target: CUDAKernelTarget,
                      options: [String] = [], compiler: NVRTCCompiler) throws -> CUDAKernelImage {
        let key = Self.key(source: source, target: target, options: options, compilerVersion: compiler.version)
        let remembered: CUDAKernelImage? = state.withLock { state in
            guard let image = state.images[key] else { return nil }
            state.statistics.memoryHits += 1
            return image
        }
        if let remembered { return remembered }

        let fileName = key + "." + target.format.rawValue
        let store = directory.map { KernelDiskStore(directory: $0) }
        if let bytes = store?.read(fileName) {
            let image = CUDAKernelImage(target: target, bytes: bytes)
            if image.isWellFormed {
                remember(image, key: key) { $0.diskHits += 1 }
                return image
            }
        }
        let image = try compiler.compile(source: source, programName: programName, target: target, options: options)
        let stored = store?.write(image.bytes, as: fileName) ?? true
        remember(image, key: key) { statistics in
            statistics.compilations += 1
            if !stored { statistics.diskWriteFailures += 1 }
        }
        return image
    }

    private func remember(_ image: CUDAKernelImage, key: String, count: (inout Statistics) -> Void) {
        state.withLock { state in
            state.images[key] = image
            count(&state.statistics)
        }
    }
}
