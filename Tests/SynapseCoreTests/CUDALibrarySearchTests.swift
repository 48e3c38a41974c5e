import Foundation
import Testing
@testable import SynapseCore

@Suite("Where the CUDA libraries are looked for")
struct CUDALibrarySearchTests {
    private func search(_ environment: [String: String], home: String? = nil) -> CUDALibrarySearch {
        CUDALibrarySearch(environment: environment, homeDirectory: home)
    }

    @Test("SYNAPSE_CUDA_LIBRARY_PATH's folders come first, in order, empty entries dropped")
    func configuredFoldersFirst() {
        let locations = search(["SYNAPSE_CUDA_LIBRARY_PATH": "/first/lib::/second/lib:"]).locations(for: .nvrtc)
        #expect(Array(locations.prefix(3)) == [.folder("/first/lib"), .folder("/second/lib"), .systemLibraryPath])
    }

    @Test("the toolkit follows the system library path; CUDA_HOME and CONDA_PREFIX add their folders")
    func toolkitFolders() {
        let locations = search(["CUDA_HOME": "/opt/cuda-13", "CONDA_PREFIX": "/opt/conda"]).locations(for: .cublas)
        #expect(Array(locations.prefix(4)) == [.systemLibraryPath, .folder("/usr/local/cuda/lib64"),
                                               .folder("/opt/cuda-13/lib64"), .folder("/opt/conda/lib")])
    }

    @Test("a folder named twice is tried once")
    func duplicatesRemoved() {
        let locations = search(["SYNAPSE_CUDA_LIBRARY_PATH": "/usr/local/cuda/lib64:/x:/x"]).locations(for: .driver)
        #expect(locations.filter { $0 == .folder("/x") }.count == 1)
        #expect(locations.filter { $0 == .folder("/usr/local/cuda/lib64") }.count == 1)
        #expect(locations.first == .folder("/usr/local/cuda/lib64"))
    }

    @Test("Python environments' nvidia/*/lib folders are searched for cuBLAS and NVRTC, never for the driver")
    func pythonEnvironments() throws {
        let root = try CUDATestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let cuda13 = root.appendingPathComponent("venv/lib/python3.12/site-packages/nvidia/cu13/lib")
        let cuda12 = root.appendingPathComponent("home/.cache/synapse-venv/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib")
        for folder in [cuda13, cuda12] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let search = search(["VIRTUAL_ENV": root.path + "/venv"], home: root.path + "/home")
        let nvrtc = search.locations(for: .nvrtc)
        let venvIndex = try #require(nvrtc.firstIndex(of: .folder(cuda13.path)))
        let cacheIndex = try #require(nvrtc.firstIndex(of: .folder(cuda12.path)))
        #expect(venvIndex < cacheIndex, "$VIRTUAL_ENV comes before ~/.cache/synapse-venv")
        #expect(nvrtc.firstIndex(of: .systemLibraryPath).map { $0 < venvIndex } == true)
        #expect(!search.locations(for: .driver).contains(.folder(cuda13.path)))
    }

    @Test("glob returns sorted matches, and nothing for a pattern that matches nothing")
    func globbing() throws {
        let root = try CUDATestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["b", "a", "c"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("\(name)/lib"),
                                                    withIntermediateDirectories: true)
        }
        #expect(CUDALibrarySearch.glob(root.path + "/*/lib") == ["a", "b", "c"].map { root.path + "/\($0)/lib" })
        #expect(CUDALibrarySearch.glob(root.path + "/missing/*/lib").isEmpty)
    }

    @Test("a file that is not a library is reported with the loader's message and the search goes on")
    func brokenFileIsReported() throws {
        let root = try CUDATestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("not an ELF file".utf8).write(to: root.appendingPathComponent("libnvrtc.so.13"))
        let search = search(["SYNAPSE_CUDA_LIBRARY_PATH": "/nonexistent/synapse-cuda:" + root.path])
        let attempts: [CUDALibraryAttempt]
        do {
            attempts = try LoadedCUDALibrary.load(.nvrtc, search: search).attempts
        } catch CUDAError.libraryNotFound(_, let tried) {
            attempts = tried
        }
        try #require(attempts.count >= 2)
        #expect(attempts[0] == CUDALibraryAttempt(location: .folder("/nonexistent/synapse-cuda"), outcome: .absent))
        #expect(attempts[1].location == .folder(root.path))
        guard case .failed(let message) = attempts[1].outcome else {
            Issue.record("expected the broken file to be refused, got \(attempts[1].outcome)")
            return
        }
        #expect(message.contains("libnvrtc.so.13"), "the loader's message names the file: \(message)")
    }

    @Test("SYNAPSE_CUDA_LIBRARY_PATH wins over every other location, and missing folders before it are skipped",
          .enabled(if: CUDATestSupport.nvrtc != nil, CUDATestSupport.nvrtcSkipMessage))
    func configuredFolderWins() throws {
        let found = try #require(CUDATestSupport.nvrtc)
        let folder = String(found.libraryPath.prefix(upTo: try #require(found.libraryPath.lastIndex(of: "/"))))
        let search = search(["SYNAPSE_CUDA_LIBRARY_PATH": "/nonexistent/synapse-cuda:\(folder)"])
        let loaded = try LoadedCUDALibrary.load(.nvrtc, search: search)
        #expect(loaded.location == .folder(folder))
        #expect(loaded.attempts.map(\.location) == [.folder("/nonexistent/synapse-cuda"), .folder(folder)])
        #expect(loaded.path.hasPrefix(folder + "/libnvrtc.so."))
    }
}
