import Testing
@testable import SynapseCore

/// NVRTC needs no GPU, so every kernel source is compiled for `sm_90` here: a source
/// error fails CI on a machine without a GPU.
@Suite("NVRTC compiles CUDA kernels without a GPU",
       .enabled(if: CUDATestSupport.nvrtc != nil, CUDATestSupport.nvrtcSkipMessage))
struct CUDANVRTCCompilerTests {
    private func compiler() throws -> NVRTCCompiler { try #require(CUDATestSupport.nvrtc) }

    @Test("the self-test kernels compile to an sm_90 cubin for the CUDA ELF machine")
    func selfTestKernelsCubin() throws {
        let compiler = try compiler()
        print("NVRTC \(compiler.version) from \(compiler.libraryPath); supports \(compiler.supportedArchitectures.map { "sm_\($0)" }.joined(separator: " "))")
        let target = try compiler.target(for: CUDATestSupport.hopper)
        #expect(target == CUDAKernelTarget(format: .cubin, architecture: 90))
        let image = try compiler.compile(source: CUDASelfTestKernels.source, programName: CUDASelfTestKernels.programName,
                                         target: target)
        #expect(image.isWellFormed)
        // ELF header: e_machine (offset 18, little-endian) is EM_CUDA = 190.
        #expect(image.bytes.count > 20 && Int(image.bytes[18]) | Int(image.bytes[19]) << 8 == 190)
        let text = String(decoding: image.bytes, as: UTF8.self)
        #expect(text.contains(CUDASelfTestKernels.affineKernel) && text.contains(CUDASelfTestKernels.expKernel),
                "the cubin's symbol table names both kernels")
    }

    @Test("PTX for compute_90 declares both kernels and the target")
    func selfTestKernelsPTX() throws {
        let image = try compiler().compile(source: CUDASelfTestKernels.source, programName: CUDASelfTestKernels.programName,
                                           target: CUDAKernelTarget(format: .ptx, architecture: 90))
        #expect(image.isWellFormed)
        let ptx = String(decoding: image.bytes.dropLast(), as: UTF8.self)
        #expect(ptx.contains(".target sm_90"))
        #expect(ptx.contains(".entry \(CUDASelfTestKernels.affineKernel)("))
        #expect(ptx.contains(".entry \(CUDASelfTestKernels.expKernel)("))
    }

    @Test("a source that does not compile throws with NVRTC's log, naming the program and the target")
    func compileErrorCarriesLog() throws {
        let broken = """
        extern "C" __global__ void broken(float* y) { y[0] = undefined_value; }
        """
        #expect {
            try compiler().compile(source: broken, programName: "broken.cu",
                                   target: CUDAKernelTarget(format: .cubin, architecture: 90))
        } throws: { error in
            guard case CUDAError.compilation(let program, let target, let log) = error else { return false }
            let description = "\(error)"
            return program == "broken.cu" && target == "sm_90 cubin" && log.contains("undefined_value")
                && description.hasPrefix("NVRTC could not compile broken.cu for sm_90 cubin:\n")
                && description.contains("identifier \"undefined_value\" is undefined")
        }
    }

    @Test("an unknown option is an NVRTC error, not a crash")
    func badOption() throws {
        #expect(throws: CUDAError.self) {
            try compiler().compile(source: CUDASelfTestKernels.source, programName: "options.cu",
                                   target: CUDAKernelTarget(format: .cubin, architecture: 90),
                                   options: ["--no-such-option"])
        }
    }
}
