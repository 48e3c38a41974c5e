import Foundation
import Testing
@testable import SynapseCore

@Suite("Compiled kernels are cached by a hash of source and target")
struct CUDAKernelCacheTests {
    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256Vectors() {
        #expect(SHA256.hexDigest(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hexDigest(of: String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the key changes with the source, the target, the options and NVRTC's version")
    func keyCoversEverything() {
        let target = CUDAKernelTarget(format: .cubin, architecture: 90)
        let version = CUDAVersion(major: 13, minor: 0)
        let base = CUDAKernelCache.key(source: "a", target: target, options: [], compilerVersion: version)
        #expect(base.count == 64)
        #expect(base == CUDAKernelCache.key(source: "a", target: target, options: [], compilerVersion: version))
        let variants = [
            CUDAKernelCache.key(source: "b", target: target, options: [], compilerVersion: version),
            CUDAKernelCache.key(source: "a", target: CUDAKernelTarget(format: .ptx, architecture: 90), options: [], compilerVersion: version),
            CUDAKernelCache.key(source: "a", target: CUDAKernelTarget(format: .cubin, architecture: 80), options: [], compilerVersion: version),
            CUDAKernelCache.key(source: "a", target: target, options: ["--use_fast_math"], compilerVersion: version),
            CUDAKernelCache.key(source: "a", target: target, options: [], compilerVersion: CUDAVersion(major: 13, minor: 1)),
        ]
        #expect(Set(variants + [base]).count == variants.count + 1)
    }

    @Test("the disk store writes atomically into folders it creates, and reads back what it wrote")
    func diskStoreRoundTrip() throws {
        let root = try CUDATestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = KernelDiskStore(directory: root.path + "/nested/cuda-kernels")
        #expect(store.read("missing.cubin") == nil)
        let bytes: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(store.write(bytes, as: "k.cubin"))
        #expect(store.read("k.cubin") == bytes)
        #expect(store.write([1, 2, 3], as: "k.cubin"), "an existing file is replaced")
        #expect(store.read("k.cubin") == [1, 2, 3])
        let names = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(names == ["k.cubin"], "no temporary files are left behind")
        #expect(!KernelDiskStore(directory: "/proc/synapse-cannot-create").write(bytes, as: "k.cubin"))
    }

    @Test("a kernel compiles once: then memory serves it, and a new cache reads it from disk",
          .enabled(if: CUDATestSupport.nvrtc != nil, CUDATestSupport.nvrtcSkipMessage))
    func memoryThenDisk() throws {
        let compiler = try #require(CUDATestSupport.nvrtc)
        let root = try CUDATestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = try compiler.target(for: CUDATestSupport.hopper)
        func request(_ cache: CUDAKernelCache) throws -> CUDAKernelImage {
            try cache.image(source: CUDASelfTestKernels.source, programName: CUDASelfTestKernels.programName,
                            target: target, compiler: compiler)
        }
        let first = CUDAKernelCache(directory: root.path)
        let compiled = try request(first)
        #expect(try request(first) == compiled)
        #expect(first.statistics == CUDAKernelCache.Statistics(memoryHits: 1, diskHits: 0, compilations: 1, diskWriteFailures: 0))

        let second = CUDAKernelCache(directory: root.path)
        #expect(try request(second) == compiled)
        #expect(second.statistics.diskHits == 1 && second.statistics.compilations == 0)

        // A damaged file is not trusted: the kernel is compiled again and the file replaced.
        let key = CUDAKernelCache.key(source: CUDASelfTestKernels.source, target: target, options: [],
                                      compilerVersion: compiler.version)
        let file = root.appendingPathComponent("\(key).\(target.format.rawValue)")
        try Data("truncated".utf8).write(to: file)
        let third = CUDAKernelCache(directory: root.path)
        #expect(try request(third) == compiled)
        #expect(third.statistics.compilations == 1 && third.statistics.diskHits == 0)
        #expect(try Data(contentsOf: file) == Data(compiled.bytes))
    }

    @Test("a cache folder that cannot be written costs a recompilation, not an error",
          .enabled(if: CUDATestSupport.nvrtc != nil, CUDATestSupport.nvrtcSkipMessage))
    func unwritableFolder() throws {
        let compiler = try #require(CUDATestSupport.nvrtc)
        let cache = CUDAKernelCache(directory: "/proc/synapse-cannot-create")
        let image = try cache.image(source: CUDASelfTestKernels.source, programName: CUDASelfTestKernels.programName,
                                    target: CUDAKernelTarget(format: .ptx, architecture: 90), compiler: compiler)
        #expect(image.isWellFormed)
        #expect(cache.statistics.diskWriteFailures == 1)
    }
}
