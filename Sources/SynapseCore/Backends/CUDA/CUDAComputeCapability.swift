/// A GPU architecture as CUDA numbers it: 9.0 for Hopper (H100, H200), 8.0 for A100.
///
/// Kernels are compiled for it (``architecture`` 90 → `sm_90`); a cubin built for
/// `sm_XY` runs on devices `X.Z` with `Z ≥ Y`, PTX for `compute_XY` on any newer device.
public struct CUDAComputeCapability: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major revision: 9 for Hopper.
    public var major: Int
    /// Minor revision.
    public var minor: Int

    /// A capability from its revisions.
    ///
    /// - Parameters:
    ///   - major: major revision.
    ///   - minor: minor revision (below 10).
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The capability of an NVRTC architecture number (90 → 9.0, 120 → 12.0).
    ///
    /// - Parameter architecture: `10 × major + minor`.
    public init(architecture: Int) {
        self.init(major: architecture / 10, minor: architecture % 10)
    }

    /// `10 × major + minor`, the number in `sm_90`.
    public var architecture: Int { major * 10 + minor }

    /// "sm_90 (9.0)".
    public var description: String { "sm_\(architecture) (\(major).\(minor))" }

    public static func < (lhs: CUDAComputeCapability, rhs: CUDAComputeCapability) -> Bool {
        lhs.architecture < rhs.architecture
    }
}
