/// What NVRTC generates for a device: a cubin for one architecture (`sm_90`), or
/// PTX for a virtual one (`compute_90`) that the driver compiles further at load time.
///
/// A cubin loads without a JIT step and does not depend on the driver understanding
/// NVRTC's PTX version, so it is preferred; PTX is the fallback for a device newer
/// than the NVRTC (the driver's JIT carries PTX forward to newer architectures).
public struct CUDAKernelTarget: Sendable, Hashable, CustomStringConvertible {
    /// The kind of code.
    public enum Format: String, Sendable, Hashable {
        /// Machine code for one architecture family (`sm_XY` runs on `X.Z`, `Z ≥ Y`).
        case cubin
        /// Virtual-architecture assembly, compiled by the driver when loaded.
        case ptx
    }

    /// The kind of code.
    public var format: Format
    /// `10 × major + minor` of the architecture compiled for (90 for `sm_90`).
    public var architecture: Int

    /// A target from its parts.
    ///
    /// - Parameters:
    ///   - format: cubin or PTX.
    ///   - architecture: `10 × major + minor`, e.g. 90.
    public init(format: Format, architecture: Int) {
        self.format = format
        self.architecture = architecture
    }

    /// NVRTC's option: `--gpu-architecture=sm_90` or `--gpu-architecture=compute_90`.
    public var compilerOption: String {
        "--gpu-architecture=" + architectureName
    }

    /// `sm_90` for a cubin, `compute_90` for PTX.
    public var architectureName: String {
        (format == .cubin ? "sm_" : "compute_") + String(architecture)
    }

    /// "sm_90 cubin" or "compute_90 PTX".
    public var description: String {
        "\(architectureName) \(format == .cubin ? "cubin" : "PTX")"
    }

    /// The best target for a device, given what the NVRTC supports.
    ///
    /// 1. The device's own architecture, as a cubin, when NVRTC supports it.
    /// 2. Otherwise the newest supported architecture below the device's: a cubin when
    ///    it has the device's major revision (cubins run on later minor revisions),
    ///    else PTX, which the driver compiles for the newer device (an NVRTC older
    ///    than the GPU).
    ///
    /// - Parameters:
    ///   - device: the device's compute capability.
    ///   - supported: NVRTC's architectures (`nvrtcGetSupportedArchs`); empty when
    ///     unknown, in which case the device's own architecture is assumed supported.
    ///   - nvrtcVersion: for the error message.
    ///   - canEmitCubin: false for an NVRTC without `nvrtcGetCUBIN` (before CUDA 11.1).
    /// - Throws: ``CUDAError/unsupportedArchitecture(device:nvrtcVersion:supported:)``
    ///   when the device is older than everything NVRTC supports.
    public static func best(for device: CUDAComputeCapability, supported: [Int],
                            nvrtcVersion: CUDAVersion, canEmitCubin: Bool = true) throws -> CUDAKernelTarget {
        let wanted = device.architecture
        let binary: Format = canEmitCubin ? .cubin : .ptx
        if supported.isEmpty || supported.contains(wanted) {
            return CUDAKernelTarget(format: binary, architecture: wanted)
        }
        guard let below = supported.filter({ $0 <= wanted }).max() else {
            throw CUDAError.unsupportedArchitecture(device: device, nvrtcVersion: nvrtcVersion, supported: supported)
        }
        if below / 10 == device.major {
            return CUDAKernelTarget(format: binary, architecture: below)
        }
        return CUDAKernelTarget(format: .ptx, architecture: below)
    }
}

/// Compiled kernels: a cubin, or PTX text ending in the NUL that
/// `cuModuleLoadData` needs.
public struct CUDAKernelImage: Sendable, Equatable {
    /// What the bytes are and which architecture they are for.
    public var target: CUDAKernelTarget
    /// The image as NVRTC produced it.
    public var bytes: [UInt8]

    /// An image from its parts.
    ///
    /// - Parameters:
    ///   - target: the format and architecture of `bytes`.
    ///   - bytes: a cubin (ELF) or NUL-terminated PTX.
    public init(target: CUDAKernelTarget, bytes: [UInt8]) {
        self.target = target
        self.bytes = bytes
    }

    /// Whether the bytes look like their format: an ELF header for a cubin, NUL-
    /// terminated text with a `.target` directive for PTX. The disk cache checks this
    /// before trusting a file.
    public var isWellFormed: Bool {
        switch target.format {
        case .cubin:
            return bytes.count > 64 && bytes.prefix(4).elementsEqual([0x7f, 0x45, 0x4c, 0x46])
        case .ptx:
            guard bytes.last == 0, bytes.count > 1 else { return false }
            return String(decoding: bytes.dropLast(), as: UTF8.self).contains(".target")
        }
    }
}
