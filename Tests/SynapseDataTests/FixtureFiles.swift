import Foundation

/// Locates the files in `Fixtures/` (copied into the test bundle; falls back to
/// the source tree when run without the bundle).
enum FixtureFiles {
    static func url(_ name: String) -> URL {
        if let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
            return folder.appendingPathComponent(name)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// A new empty folder under the system's temporary directory.
    static func temporaryFolder() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("synapse-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
