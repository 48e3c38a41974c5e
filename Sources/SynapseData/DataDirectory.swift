import Foundation

/// Finds the folder that holds Synapse's bundled data sets (the repository's `Data/`,
/// or `PREFIX/share/synapse` after `make install PREFIX=...`).
///
/// Resolution order, first match wins:
/// 1. the environment variable `SYNAPSE_DATA_DIR` (a relative path counts from the
///    current directory);
/// 2. `share/synapse` under the installation prefix of the running executable (the
///    folder above the one that holds it, following symbolic links), where
///    `make install` puts the data: `PREFIX/bin/synapse` finds `PREFIX/share/synapse`
///    from any folder;
/// 3. a folder named `Data` in the current directory or any of its parents (so
///    `swift run`, `swift test` and the examples find it from anywhere in the
///    repository);
/// 4. `./Data` in the current directory, even though it does not exist, so that a
///    loader's "file not found" error names a concrete path.
///
/// The command line's `--data-dir` option and the loaders' `dataDirectory:` parameter
/// bypass the search.
///
/// ```swift
/// let (x, y) = try PimaDiabetes.load(dataDirectory: DataDirectory.default)
/// ```
public enum DataDirectory {
    /// The environment variable that overrides the search.
    public static let environmentVariable = "SYNAPSE_DATA_DIR"

    /// The folder under an installation prefix that holds the data (`PREFIX/share/synapse`).
    public static let installedSubpath = "share/synapse"

    /// The data folder for this process (see ``DataDirectory`` for the order).
    public static var `default`: URL {
        resolve(environment: ProcessInfo.processInfo.environment,
                currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                executable: runningExecutable)
    }

    /// The data folder for a given environment, starting directory and executable
    /// (the testable form of ``default``).
    ///
    /// - Parameters:
    ///   - environment: the process environment; `SYNAPSE_DATA_DIR` is read from it.
    ///   - currentDirectory: where relative overrides count from and the `Data` search starts.
    ///   - executable: the running program's file; its prefix's `share/synapse` is tried
    ///     second. `nil` skips that step.
    /// - Returns: the first folder of the order in ``DataDirectory``.
    public static func resolve(environment: [String: String], currentDirectory: URL,
                               executable: URL? = nil) -> URL {
        if let override = environment[environmentVariable], !override.isEmpty {
            let url = override.hasPrefix("/") ? URL(fileURLWithPath: override) : currentDirectory.appendingPathComponent(override)
            return url.standardizedFileURL
        }
        if let executable, let installed = installedDataDirectory(executable: executable) {
            return installed
        }
        var folder = currentDirectory.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("Data", isDirectory: true)
            if isDirectory(candidate) { return candidate }
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if parent.path == folder.path || folder.path == "/" { break }
            folder = parent
        }
        return currentDirectory.appendingPathComponent("Data", isDirectory: true).standardizedFileURL
    }

    /// `PREFIX/share/synapse` for an executable at `PREFIX/bin/NAME` (symbolic links
    /// resolved), or `nil` when that folder does not exist.
    ///
    /// - Parameter executable: the program's file.
    /// - Returns: the installed data folder, if there is one.
    public static func installedDataDirectory(executable: URL) -> URL? {
        let prefix = executable.resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = prefix.appendingPathComponent(installedSubpath, isDirectory: true).standardizedFileURL
        return isDirectory(candidate) ? candidate : nil
    }

    /// The running program's file: `/proc/self/exe` on Linux, else the main bundle's executable.
    static var runningExecutable: URL? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        #endif
        return Bundle.main.executableURL
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
