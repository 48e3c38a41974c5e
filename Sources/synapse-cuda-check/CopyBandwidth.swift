import Glibc
import SynapseCore

/// Host↔device copy bandwidth with pageable (ordinary) and pinned host memory,
/// timed on the host clock around synchronous copies: median of a few 256 MiB copies.
struct CopyBandwidth {
    let context: CUDAContext
    let options: ProbeOptions

    /// Measures the four directions and checks the round trip returns the data.
    func run() -> CheckOutcome {
        let name = "copy bandwidth"
        do {
            let byteCount = options.quick ? 16 << 20 : 256 << 20
            let repeats = options.quick ? 3 : 5
            let device = try context.allocate(byteCount: byteCount)
            var pageable = [UInt8](repeating: 0, count: byteCount)
            for index in stride(from: 0, to: byteCount, by: 4096) { pageable[index] = UInt8(truncatingIfNeeded: index / 4096) }
            let pinned = try CUDAHostBuffer(context: context, byteCount: byteCount)
            pageable.withUnsafeBytes { pinned.bytes.copyMemory(from: $0) }

            func gigabytesPerSecond(_ copy: () throws -> Void) throws -> Double {
                try copy()  // warm-up: first-touch and driver staging buffers
                var times: [Double] = []
                for _ in 0..<repeats {
                    let start = monotonicSeconds()
                    try copy()
                    times.append(monotonicSeconds() - start)
                }
                return Double(byteCount) / median(times) / 1e9
            }
            let pageableUp = try gigabytesPerSecond { try pageable.withUnsafeBytes { try device.copy(from: $0) } }
            let pinnedUp = try gigabytesPerSecond { try device.copy(from: UnsafeRawBufferPointer(pinned.bytes)) }
            var roundTrip = [UInt8](repeating: 1, count: byteCount)
            let pageableDown = try gigabytesPerSecond { try roundTrip.withUnsafeMutableBytes { try device.copy(to: $0) } }
            let pinnedDown = try gigabytesPerSecond { try device.copy(to: pinned.bytes) }
            let pinnedIntact = pinned.bytes.baseAddress.map { memcmp($0, pageable, byteCount) == 0 } ?? false
            let intact = roundTrip == pageable && pinnedIntact
            let line = padded(name, 22)
                + formatted("host→device %.1f GB/s pageable, %.1f GB/s pinned; device→host %.1f GB/s pageable, %.1f GB/s pinned (%d MiB)  ",
                            pageableUp, pinnedUp, pageableDown, pinnedDown, byteCount >> 20)
                + (intact ? "ok" : "FAILED: the data did not survive the round trip")
            return CheckOutcome(name: name, passed: intact, line: line, json: .object([
                ("name", .string(name)), ("bytes", .int(byteCount)), ("repeats", .int(repeats)),
                ("hostToDevicePageableGBs", .number(pageableUp)), ("hostToDevicePinnedGBs", .number(pinnedUp)),
                ("deviceToHostPageableGBs", .number(pageableDown)), ("deviceToHostPinnedGBs", .number(pinnedDown)),
                ("roundTripIntact", .bool(intact)), ("passed", .bool(intact)),
            ]))
        } catch {
            return .failed(name, error)
        }
    }
}
