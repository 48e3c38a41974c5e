/// A CUDA component's version, e.g. the driver's 13.0 or cuBLAS' 13.1.0.
public struct CUDAVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major version: 13 for CUDA 13.
    public var major: Int
    /// Minor version.
    public var minor: Int
    /// Patch level, when the component reports one.
    public var patch: Int?

    /// A version from its parts.
    ///
    /// - Parameters:
    ///   - major: major version.
    ///   - minor: minor version.
    ///   - patch: patch level, or nil when the component has none.
    public init(major: Int, minor: Int, patch: Int? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// The version from the driver's encoding `1000 × major + 10 × minor` (13000 → 13.0).
    ///
    /// - Parameter driverEncoding: what `cuDriverGetVersion` returns.
    public init(driverEncoding: Int) {
        self.init(major: driverEncoding / 1000, minor: (driverEncoding % 1000) / 10)
    }

    public var description: String {
        "\(major).\(minor)" + (patch.map { ".\($0)" } ?? "")
    }

    public static func < (lhs: CUDAVersion, rhs: CUDAVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch ?? 0) < (rhs.major, rhs.minor, rhs.patch ?? 0)
    }
}
