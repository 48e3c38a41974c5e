import Foundation
import Testing
@testable import SynapseCore

/// What the CUDA tests need from this machine, found once.
///
/// This machine has no GPU; NVRTC (which needs none) is found where the project's venv
/// keeps PyPI's `nvidia-cuda-nvrtc` wheel, `~/.cache/synapse-venv` (scripts/fixtures_common.py
/// installs it). Tests that need it are skipped with the reason when it is missing.
enum CUDATestSupport {
    /// This process's NVRTC, or nil.
    static let nvrtc: NVRTCCompiler? = try? NVRTCCompiler.processDefault()

    /// Why NVRTC tests are skipped, for the skip note.
    static let nvrtcSkipMessage: Comment = {
        switch CUDALibraries.nvrtc {
        case .success: return "NVRTC found"
        case .failure(let error):
            return Comment(rawValue: "NVRTC tests skipped: \(error). Install PyPI's nvidia-cuda-nvrtc into ~/.cache/synapse-venv (scripts/fixtures_common.py does) or set SYNAPSE_CUDA_LIBRARY_PATH")
        }
    }()

    /// Whether the dynamic loader finds the NVIDIA driver on this machine.
    static let driverIsInstalled: Bool = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL) != nil

    /// A fresh empty folder under the system's temporary folder.
    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("synapse-cuda-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A Hopper GPU, the architecture CI compiles every kernel for.
    static let hopper = CUDAComputeCapability(major: 9, minor: 0)
}
