import Foundation

/// The layout both ``TextFolder`` and ``ImageFolder`` read: one subfolder per class,
/// class names sorted, files sorted within a class, hidden entries ignored.
enum ClassFolders {
    /// The classes of `directory` that hold at least one file with one of
    /// `extensions` (lower-case, no dot), each with its files.
    ///
    /// - Throws: ``TextDataError/unreadable(path:reason:)`` for a folder that cannot be
    ///   listed, ``TextDataError/noClassFolders(path:extensions:)`` when no class has files.
    static func scan(_ directory: URL, extensions: Set<String>) throws -> [(name: String, files: [URL])] {
        var classes: [(name: String, files: [URL])] = []
        for folder in try entries(of: directory) where isDirectory(folder) {
            let files = try entries(of: folder).filter { !isDirectory($0) && extensions.contains($0.pathExtension.lowercased()) }
            if !files.isEmpty { classes.append((folder.lastPathComponent, files)) }
        }
        guard !classes.isEmpty else { throw TextDataError.noClassFolders(path: directory.path, extensions: extensions.sorted()) }
        return classes
    }

    private static func entries(of url: URL) throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey],
                                                               options: [.skipsHiddenFiles])
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw TextDataError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true
    }
}
