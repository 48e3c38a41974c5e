import Glibc

/// What happened at one location while looking for a CUDA library.
public struct CUDALibraryAttempt: Sendable, Equatable, CustomStringConvertible {
    /// How the attempt ended.
    public enum Outcome: Sendable, Equatable {
        /// None of the library's file names exists there.
        case absent
        /// A file exists but the dynamic loader refused it, in its words (a missing
        /// dependency, a wrong architecture).
        case failed(String)
        /// Loaded from this full path or file name.
        case loaded(String)
    }

    /// Where the attempt looked.
    public var location: CUDALibraryLocation
    /// How it ended.
    public var outcome: Outcome

    /// The location, and the loader's message when a file was there but refused.
    public var description: String {
        switch outcome {
        case .absent: location.description
        case .failed(let message): "\(location) (\(message))"
        case .loaded(let path): "\(location) (loaded \(path))"
        }
    }
}

/// A CUDA library opened from the first location that had it.
struct LoadedCUDALibrary: Sendable {
    /// Which library.
    let kind: CUDALibrary
    /// The open library.
    let library: SharedLibrary
    /// Where it came from.
    let location: CUDALibraryLocation
    /// Every location tried, the successful one last.
    let attempts: [CUDALibraryAttempt]

    /// The full path it was loaded from.
    var path: String { library.path }

    /// Opens `kind` from the first of `search`'s locations that has it.
    ///
    /// In each location the file names are tried newest first; a library's companion
    /// (cuBLASLt for cuBLAS) is opened first from the same place with `RTLD_GLOBAL`.
    ///
    /// - Parameters:
    ///   - kind: the library to open.
    ///   - search: where to look (``CUDALibrarySearch/process`` for this process).
    /// - Throws: ``CUDAError/libraryNotFound(_:attempts:)`` with every location tried.
    static func load(_ kind: CUDALibrary, search: CUDALibrarySearch) throws -> LoadedCUDALibrary {
        var attempts: [CUDALibraryAttempt] = []
        for location in search.locations(for: kind) {
            var failure: String?
            for (fileName, companion) in zip(kind.fileNames, kind.companionFileNames) {
                let path: String
                switch location {
                case .systemLibraryPath:
                    path = fileName
                case .folder(let folder):
                    path = folder.hasSuffix("/") ? folder + fileName : folder + "/" + fileName
                    guard access(path, F_OK) == 0 else { continue }
                }
                if let companion {
                    // Best effort: when it fails, opening the library itself says why.
                    let companionPath = location == .systemLibraryPath ? companion
                        : String(path.dropLast(fileName.count)) + companion
                    _ = try? SharedLibrary(opening: companionPath, global: true)
                }
                do {
                    let library = try SharedLibrary(opening: path)
                    attempts.append(CUDALibraryAttempt(location: location, outcome: .loaded(library.path)))
                    return LoadedCUDALibrary(kind: kind, library: library, location: location, attempts: attempts)
                } catch {
                    if location == .systemLibraryPath && error.isFileMissing { continue }
                    failure = failure ?? error.message
                }
            }
            attempts.append(CUDALibraryAttempt(location: location, outcome: failure.map { .failed($0) } ?? .absent))
        }
        throw CUDAError.libraryNotFound(kind, attempts: attempts)
    }
}
