import Glibc

/// One place to look for a CUDA library.
public enum CUDALibraryLocation: Sendable, Hashable, CustomStringConvertible {
    /// `dlopen` of the bare file name: `LD_LIBRARY_PATH`, the `ld.so` cache and the
    /// default folders, as for any program.
    case systemLibraryPath
    /// A folder, tried by full path.
    case folder(String)

    public var description: String {
        switch self {
        case .systemLibraryPath: "the system library path"
        case .folder(let path): path
        }
    }
}

/// Where Synapse looks for the CUDA libraries, in order.
///
/// 1. The folders of `SYNAPSE_CUDA_LIBRARY_PATH` (colon-separated), so a user can
///    always point at a specific installation. Folders that do not exist are tried
///    and reported, never an error.
/// 2. The system library path (`LD_LIBRARY_PATH`, the `ld.so` cache).
/// 3. The CUDA toolkit: `/usr/local/cuda/lib64`, `$CUDA_HOME/lib64`, `$CUDA_PATH/lib64`,
///    and a Conda environment's `$CONDA_PREFIX/lib`; for the driver also WSL's
///    `/usr/lib/wsl/lib`.
/// 4. cuBLAS and NVRTC only: the `nvidia/*/lib` folders of installed Python
///    environments, where PyTorch's wheels put them (`nvidia/cu13/lib` for CUDA 13,
///    `nvidia/cublas/lib` and `nvidia/cuda_nvrtc/lib` for CUDA 12): `$VIRTUAL_ENV`,
///    `$SYNAPSE_VENV`, `~/.cache/synapse-venv`, `/opt/*/.venv`,
///    `/usr/local/lib/python3*/dist-packages`, `/usr/lib/python3/dist-packages` and
///    `~/.local/lib/python3*/site-packages`.
///
/// ```swift
/// let search = CUDALibrarySearch.process
/// print(search.locations(for: .nvrtc))
/// ```
public struct CUDALibrarySearch: Sendable, Equatable {
    /// The environment variables the search reads, by name.
    public var environment: [String: String]
    /// The user's home folder (`$HOME`, else the password database), or nil.
    public var homeDirectory: String?

    /// The variables ``process`` reads from the environment.
    public static let environmentKeys = [
        "SYNAPSE_CUDA_LIBRARY_PATH", "CUDA_HOME", "CUDA_PATH", "CONDA_PREFIX", "VIRTUAL_ENV", "SYNAPSE_VENV",
    ]

    /// A search over the given environment.
    ///
    /// - Parameters:
    ///   - environment: variables by name (only ``environmentKeys`` are read).
    ///   - homeDirectory: the folder `~` stands for, or nil to skip `~` locations.
    public init(environment: [String: String], homeDirectory: String?) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// The search this process uses: its environment and home folder.
    public static var process: CUDALibrarySearch {
        var environment: [String: String] = [:]
        for key in environmentKeys {
            if let value = getenv(key) { environment[key] = String(cString: value) }
        }
        return CUDALibrarySearch(environment: environment, homeDirectory: currentHomeDirectory())
    }

    /// The folders of `SYNAPSE_CUDA_LIBRARY_PATH`, in order, empty entries dropped.
    public var configuredFolders: [String] {
        guard let value = environment["SYNAPSE_CUDA_LIBRARY_PATH"] else { return [] }
        return value.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
    }

    /// The locations to try for `library`, in order, without duplicates.
    ///
    /// - Parameter library: the library looked for; Python environments are searched
    ///   for cuBLAS and NVRTC only.
    public func locations(for library: CUDALibrary) -> [CUDALibraryLocation] {
        var locations: [CUDALibraryLocation] = configuredFolders.map { .folder($0) }
        locations.append(.systemLibraryPath)
        var toolkitFolders = ["/usr/local/cuda/lib64"]
        for key in ["CUDA_HOME", "CUDA_PATH"] {
            if let root = environment[key], !root.isEmpty { toolkitFolders.append(root + "/lib64") }
        }
        if let conda = environment["CONDA_PREFIX"], !conda.isEmpty { toolkitFolders.append(conda + "/lib") }
        if library == .driver { toolkitFolders.append("/usr/lib/wsl/lib") }
        locations += toolkitFolders.map { .folder($0) }
        if library.shipsInPythonWheels {
            locations += pythonEnvironmentLibraryFolders().map { .folder($0) }
        }
        var seen = Set<String>()
        return locations.filter { location in
            guard case .folder(let path) = location else { return true }
            return seen.insert(Self.canonicalPath(path)).inserted
        }
    }

    /// The `nvidia/*/lib` folders of the Python environments this machine has.
    func pythonEnvironmentLibraryFolders() -> [String] {
        var environmentRoots: [String] = []
        for key in ["VIRTUAL_ENV", "SYNAPSE_VENV"] {
            if let root = environment[key], !root.isEmpty { environmentRoots.append(root) }
        }
        if let home = homeDirectory { environmentRoots.append(home + "/.cache/synapse-venv") }
        environmentRoots += Self.glob("/opt/*/.venv")
        var sitePackages = environmentRoots.map { $0 + "/lib/python3*/site-packages" }
        sitePackages += ["/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
                         "/usr/lib/python3/dist-packages"]
        if let home = homeDirectory { sitePackages.append(home + "/.local/lib/python3*/site-packages") }
        return sitePackages.flatMap { Self.glob($0 + "/nvidia/*/lib") }
    }

    /// The paths matching a shell wildcard pattern, sorted; none when nothing matches.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths
    }

    /// `path` with symbolic links resolved when it exists (a venv's `lib64` is often a
    /// link to `lib`), else unchanged.
    static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `$HOME`, else the password database's home folder of this user (a process
    /// started with `env -i` has no `HOME`).
    static func currentHomeDirectory() -> String? {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }
}
