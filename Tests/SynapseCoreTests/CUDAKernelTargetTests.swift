import Testing
@testable import SynapseCore

@Suite("Which code NVRTC generates for a device")
struct CUDAKernelTargetTests {
    /// What NVRTC 13.0 lists (`nvrtcGetSupportedArchs`).
    private let cuda13 = [75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121]
    private let version = CUDAVersion(major: 13, minor: 0)

    @Test("a supported device gets a cubin for its own architecture")
    func ownArchitecture() throws {
        let target = try CUDAKernelTarget.best(for: CUDATestSupport.hopper, supported: cuda13, nvrtcVersion: version)
        #expect(target == CUDAKernelTarget(format: .cubin, architecture: 90))
        #expect(target.compilerOption == "--gpu-architecture=sm_90")
        #expect(target.description == "sm_90 cubin")
    }

    @Test("a device between listed architectures of the same major gets the older one's cubin")
    func sameMajorCubin() throws {
        let target = try CUDAKernelTarget.best(for: CUDAComputeCapability(major: 8, minor: 7),
                                               supported: [75, 80, 86, 89, 90], nvrtcVersion: version)
        #expect(target == CUDAKernelTarget(format: .cubin, architecture: 86))
    }

    @Test("a device newer than the NVRTC gets PTX for the newest architecture it knows")
    func newerDeviceGetsPTX() throws {
        let target = try CUDAKernelTarget.best(for: CUDAComputeCapability(major: 13, minor: 0), supported: cuda13,
                                               nvrtcVersion: version)
        #expect(target == CUDAKernelTarget(format: .ptx, architecture: 121))
        #expect(target.compilerOption == "--gpu-architecture=compute_121")
    }

    @Test("a device older than the NVRTC supports is a thrown error naming both")
    func olderDeviceThrows() {
        #expect {
            try CUDAKernelTarget.best(for: CUDAComputeCapability(major: 7, minor: 0), supported: cuda13, nvrtcVersion: version)
        } throws: { error in
            "\(error)" == "NVRTC 13.0 cannot compile for sm_70 (7.0): it supports sm_75 to sm_121; use an older CUDA's NVRTC"
        }
    }

    @Test("an NVRTC that lists nothing is trusted with the device's architecture; one without cubins gives PTX")
    func unknownSupport() throws {
        #expect(try CUDAKernelTarget.best(for: CUDATestSupport.hopper, supported: [], nvrtcVersion: version)
                == CUDAKernelTarget(format: .cubin, architecture: 90))
        #expect(try CUDAKernelTarget.best(for: CUDATestSupport.hopper, supported: cuda13, nvrtcVersion: version,
                                          canEmitCubin: false) == CUDAKernelTarget(format: .ptx, architecture: 90))
    }

    @Test("images that do not look like their format are rejected")
    func wellFormedImages() {
        let cubin = CUDAKernelTarget(format: .cubin, architecture: 90)
        let ptx = CUDAKernelTarget(format: .ptx, architecture: 90)
        #expect(!CUDAKernelImage(target: cubin, bytes: Array("not an ELF file at all, but long enough to be checked by magic".utf8)).isWellFormed)
        #expect(CUDAKernelImage(target: cubin, bytes: [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 0, count: 100)).isWellFormed)
        #expect(CUDAKernelImage(target: ptx, bytes: Array(".version 9.0\n.target sm_90\n".utf8) + [0]).isWellFormed)
        #expect(!CUDAKernelImage(target: ptx, bytes: Array(".target sm_90".utf8)).isWellFormed, "PTX must end in NUL")
    }
}
