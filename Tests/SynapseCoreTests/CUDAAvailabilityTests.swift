import Testing
@testable import SynapseCore

@Suite("Why CUDA is unavailable, in one line")
struct CUDAAvailabilityTests {
    @Test("without the NVIDIA driver, availability says libcuda.so.1 was not found and where it was looked for",
          .enabled(if: !CUDATestSupport.driverIsInstalled, "this machine has the NVIDIA driver"))
    func noDriver() {
        let availability = CUDAAvailability.current
        #expect(!availability.isAvailable)
        let line = availability.description
        #expect(line.hasPrefix("unavailable — libcuda.so.1 not found (tried "), "\(line)")
        #expect(line.contains("the system library path"))
        #expect(line.contains("/usr/local/cuda/lib64"))
        #expect(!line.contains("\n"), "one line")
        print("cuda: \(line)")
    }

    @Test("without the driver, opening a device throws the same reason instead of crashing",
          .enabled(if: !CUDATestSupport.driverIsInstalled, "this machine has the NVIDIA driver"))
    func contextWithoutDriverThrows() {
        #expect(throws: CUDAError.self) { try CUDAContext(ordinal: 0) }
        do {
            _ = try CUDAContext(ordinal: 0)
        } catch {
            #expect("unavailable — \(error)" == CUDAAvailability.current.description)
        }
    }

    @Test("each library describes itself on its own, found or not")
    func libraryDescriptions() {
        for library in CUDALibrary.allCases {
            let line = CUDAAvailability.libraryDescription(library)
            #expect(!line.isEmpty && !line.contains("\n"), "\(library): \(line)")
        }
    }

    @Test("a library that exists but cannot be loaded is reported as such, with the loader's words")
    func refusedLibraryMessage() {
        let error = CUDAError.libraryNotFound(.cublas, attempts: [
            CUDALibraryAttempt(location: .folder("/env/lib"), outcome: .failed("libcublasLt.so.13: cannot open shared object file")),
            CUDALibraryAttempt(location: .systemLibraryPath, outcome: .absent),
        ])
        #expect(error.description == "libcublas.so.13 or libcublas.so.12 could not be loaded (tried /env/lib (libcublasLt.so.13: cannot open shared object file), the system library path)")
    }

    @Test("driver, out-of-memory and compile errors read as sentences")
    func errorMessages() {
        #expect(CUDAError.driver(call: "cuMemAlloc_v2", code: 2, name: "CUDA_ERROR_OUT_OF_MEMORY", message: "out of memory").description
                == "cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory")
        #expect(CUDAError.outOfMemory(requested: 1 << 30, free: 512 << 20, total: 80 << 30).description
                == "out of GPU memory: asked for 1.00 GiB, 512.00 MiB free of 80.00 GiB")
        #expect(CUDAError.noDevice.description == "the CUDA driver reports no GPU")
        let compile = CUDAError.compilation(program: "k.cu", target: "sm_90 cubin", log: "k.cu(1): error: oops\n\n")
        #expect(compile.description == "NVRTC could not compile k.cu for sm_90 cubin:\nk.cu(1): error: oops")
        #expect(CUDAError.describeBytes(1536) == "1.50 KiB")
        #expect(CUDAError.describeBytes(100) == "100 bytes")
    }

    @Test("versions read as the driver encodes them")
    func versions() {
        #expect(CUDAVersion(driverEncoding: 13000).description == "13.0")
        #expect(CUDAVersion(driverEncoding: 12080).description == "12.8")
        #expect(CUDAVersion(major: 13, minor: 1, patch: 0) > CUDAVersion(major: 13, minor: 0))
    }
}
