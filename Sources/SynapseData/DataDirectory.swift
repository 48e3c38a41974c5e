import Foundation

/// Finds the folder that holds Synapse's bundled data sets (the repository's `Data/`).
///
/// Resolution order, first match wins:
/// 1. the environment variable `SYNAPSE_DATA_DIR` (a relative path counts from the
///    current directory);
/// 2. a folder named `Data` in the current directory or any of its parents (so
///    `swift run`, `swift test` and the examples find it from anywhere in the
///    repository);
/// 3. `./Data` in the current directory, even though it does not exist, so that a
///    loader's "file not found" error names a concrete path.
///
/// ```swift
/// let (x, y) = try PimaDiabetes.load(dataDirectory: DataDirectory.default)
/// ```
public enum DataDirectory {
    /// The environment variable that overrides the search.
    public static let environmentVariable = "SYNAPSE_DATA_DIR"

    /// The data folder for this process (see ``DataDirectory`` for the order).
    public static var `default`: URL {
        resolve(environment: ProcessInfo.processInfo.environment,
                currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// The data folder for a given environment and starting directory (testable form of ``default``).
    public static func resolve(environment: [String: String], currentDirectory: URL) -> URL {
        if let override = environment[environmentVariable], !override.isEmpty {
            let url = override.hasPrefix("/") ? URL(fileURLWithPath: override) : currentDirectory.appendingPathComponent(override)
            return url.standardizedFileURL
        }
        var folder = currentDirectory.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("Data", isDirectory: true)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if parent.path == folder.path || folder.path == "/" { break }
            folder = parent
        }
        return currentDirectory.appendingPathComponent("Data", isDirectory: true).standardizedFileURL
    }
}
