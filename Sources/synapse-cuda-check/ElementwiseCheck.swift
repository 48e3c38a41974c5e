import Glibc
import SynapseCore

/// NVRTC compiles ``CUDASelfTestKernels`` for the device, the driver runs them on
/// 2^24 floats, and the results are compared with the host's.
struct ElementwiseCheck {
    let context: CUDAContext
    let stream: CUDAStream
    let options: ProbeOptions

    /// Compiles, loads, runs and checks both kernels.
    ///
    /// - Returns: the compilation record and one outcome per kernel (or one failure
    ///   when compiling or loading threw).
    func run() -> (compilation: JSONValue, outcomes: [CheckOutcome]) {
        let compilation: JSONValue
        let module: CUDAModule
        do {
            (compilation, module) = try compileAndLoad()
        } catch {
            printLine("nvrtc: FAILED: \(error)")
            return (.object([("error", .string("\(error)"))]), [CheckOutcome.failed("nvrtc compile and load", error)])
        }
        let count = options.quick ? 1 << 20 : 1 << 24
        var generator = SeededGenerator(seed: 20_240_916)
        let x = generator.floats(count, in: -10..<10)
        let a: Float = 1.5, b: Float = -0.25
        let affine = check(module: module, kernel: CUDASelfTestKernels.affineKernel, label: "y = 1.5·x − 0.25",
                           x: x, extraArguments: [.float(a), .float(b)], tolerance: 1e-6) { b.addingProduct(a, $0) }
        let exponential = check(module: module, kernel: CUDASelfTestKernels.expKernel, label: "y = exp(x)",
                                x: x, extraArguments: [], tolerance: 1e-6) { expf($0) }
        return (compilation, [affine, exponential])
    }

    private func compileAndLoad() throws -> (JSONValue, CUDAModule) {
        let compiler = try NVRTCCompiler.processDefault()
        let target = try compiler.target(for: context.device.computeCapability)
        let cache = CUDAKernelCache.shared
        let start = monotonicSeconds()
        let image = try cache.image(source: CUDASelfTestKernels.source, programName: CUDASelfTestKernels.programName,
                                    target: target, compiler: compiler)
        let seconds = monotonicSeconds() - start
        let firstStatistics = cache.statistics
        // A second cache over the same folder must read the image back from disk.
        var diskReload = "no disk cache"
        if let directory = cache.directory {
            let second = CUDAKernelCache(directory: directory)
            let reloaded = try second.image(source: CUDASelfTestKernels.source, programName: CUDASelfTestKernels.programName,
                                            target: target, compiler: compiler)
            guard reloaded == image else {
                throw CUDAError.invalidArgument("the kernel cache in \(directory) returned a different image")
            }
            diskReload = second.statistics.diskHits == 1 ? "the same image read back from \(directory)"
                : "not read back from \(directory) (it could not be written there)"
        }
        let module = try context.loadModule(image)
        let how = firstStatistics.compilations > 0 ? formatted("compiled in %.3f s", seconds) : "read from the disk cache"
        printLine("nvrtc: \(compiler.version) (\(compiler.libraryPath)); \(target), \(image.bytes.count) bytes, \(how); \(diskReload)")
        let json: JSONValue = .object([
            ("nvrtcVersion", .string(compiler.version.description)),
            ("nvrtcPath", .string(compiler.libraryPath)),
            ("supportedArchitectures", .array(compiler.supportedArchitectures.map { .int($0) })),
            ("target", .string(target.description)),
            ("imageBytes", .int(image.bytes.count)),
            ("compiled", .bool(firstStatistics.compilations > 0)),
            ("seconds", .number(seconds)),
            ("cacheDirectory", cache.directory.map { .string($0) } ?? .null),
            ("diskReload", .string(diskReload)),
        ])
        return (json, module)
    }

    private func check(module: CUDAModule, kernel: String, label: String, x: [Float],
                       extraArguments: [CUDAKernelArgument], tolerance: Double,
                       reference: (Float) -> Float) -> CheckOutcome {
        let name = "kernel \(kernel)"
        do {
            let function = try module.function(named: kernel)
            let bytes = x.count * MemoryLayout<Float>.stride
            let input = try context.allocate(byteCount: bytes)
            let output = try context.allocate(byteCount: bytes)
            try input.upload(x)
            let arguments: [CUDAKernelArgument] = [.buffer(input), .buffer(output)] + extraArguments + [.uint64(UInt64(x.count))]
            let blocks = min((x.count + 255) / 256, max(1, context.device.multiprocessorCount) * 32)
            func launch() throws {
                try function.launch(gridSize: (blocks, 1, 1), blockSize: (256, 1, 1), stream: stream, arguments: arguments)
            }
            try launch()
            try stream.synchronize()
            let y = try output.download(count: x.count)
            let expected = x.map(reference)
            let discrepancy = Discrepancy(gpu: y, cpu: expected)

            let start = try CUDAEvent(context: context)
            let end = try CUDAEvent(context: context)
            var times: [Double] = []
            for _ in 0..<options.repeats {
                try start.record(on: stream)
                try launch()
                try end.record(on: stream)
                times.append(try end.elapsedMilliseconds(since: start))
            }
            let milliseconds = median(times)
            let gigabytesPerSecond = Double(2 * bytes) / (milliseconds * 1e6)
            let passed = discrepancy.nonFinite == 0 && discrepancy.maxRelative <= tolerance
            let line = padded(kernel, 16) + padded(label, 18)
                + formatted("%9d floats  max abs err %.3g  max rel err %.3g (tol %.0e)  %.3f ms  %.0f GB/s  ",
                            x.count, discrepancy.maxAbsolute, discrepancy.maxRelative, tolerance,
                            milliseconds, gigabytesPerSecond) + (passed ? "ok" : "FAILED")
            return CheckOutcome(name: name, passed: passed, line: line, json: .object([
                ("name", .string(name)), ("kernel", .string(kernel)), ("formula", .string(label)),
                ("elements", .int(x.count)), ("maxAbsoluteError", .number(discrepancy.maxAbsolute)),
                ("maxRelativeError", .number(discrepancy.maxRelative)), ("nonFiniteMismatches", .int(discrepancy.nonFinite)),
                ("tolerance", .number(tolerance)), ("medianMilliseconds", .number(milliseconds)),
                ("gigabytesPerSecond", .number(gigabytesPerSecond)), ("repeats", .int(times.count)), ("passed", .bool(passed)),
            ]))
        } catch {
            return .failed(name, error)
        }
    }
}
