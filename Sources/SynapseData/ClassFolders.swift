import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The layout both ``TextFolder`` and ``ImageFolder`` read: one subfolder per class,
/// class names sorted, files sorted within a class, hidden entries ignored.
enum ClassFolders {
    /// The classes of `directory` that hold at least one file with one of
    /// `extensions` (lower-case, no dot), each with its files' paths.
    ///
    /// Entries are listed by name and checked with one `lstat` each (a symbolic link
    /// counts as a file, not a folder), without building a `URL` per file: a folder
    /// of 60,000 images scans in a fraction of a second.
    ///
    /// - Throws: ``TextDataError/unreadable(path:reason:)`` for a folder that cannot be
    ///   listed, ``TextDataError/noClassFolders(path:extensions:)`` when no class has files.
    static func scan(_ directory: URL, extensions: Set<String>) throws -> [(name: String, files: [String])] {
        var classes: [(name: String, files: [String])] = []
        for folder in try entries(of: directory.path) where folder.isDirectory {
            let files = try entries(of: folder.path)
                .filter { !$0.isDirectory && extensions.contains(fileExtension($0.name)) }
                .map(\.path)
            if !files.isEmpty { classes.append((folder.name, files)) }
        }
        guard !classes.isEmpty else { throw TextDataError.noClassFolders(path: directory.path, extensions: extensions.sorted()) }
        return classes
    }

    /// The visible entries of the folder at `path`, sorted by name.
    private static func entries(of path: String) throws -> [(name: String, path: String, isDirectory: Bool)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw TextDataError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            let entry = prefix + name
            return (name, entry, isDirectory(entry))
        }
    }

    /// Whether `path` is a folder itself (not a link to one).
    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The lower-cased extension of a file name (after its last dot), "" when none.
    private static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
