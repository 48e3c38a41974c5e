/// Errors from the bundled data-set loaders (``PimaDiabetes``).
public enum DataSetError: Error, CustomStringConvertible, Equatable {
    /// The data set's file is not where the loader looked.
    case missingFile(dataSet: String, path: String)
    /// The file was read but does not have the data set's known shape.
    case unexpectedShape(dataSet: String, path: String, expected: [Int], found: [Int])
    /// A test folder whose classes are not the training folder's.
    case mismatchedClasses(path: String, expected: [String], found: [String])

    /// A readable explanation naming the path and how to point the loader elsewhere.
    public var description: String {
        switch self {
        case .missingFile(let dataSet, let path):
            return "\(dataSet): file not found at \(path); point Synapse at its data folder (the repository's "
                + "Data/ or an installation's PREFIX/\(DataDirectory.installedSubpath)) with --data-dir on the command line, "
                + "\(DataDirectory.environmentVariable)=FOLDER in the environment, or dataDirectory: in Swift"
        case .unexpectedShape(let dataSet, let path, let expected, let found):
            return "\(dataSet): \(path) has shape \(found), expected \(expected); the file may be damaged or a different version"
        case .mismatchedClasses(let path, let expected, let found):
            return "\(path): its classes \(found) differ from the training folder's \(expected); give both folders the same class subfolders"
        }
    }
}
