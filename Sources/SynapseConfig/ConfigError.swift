/// A mistake in a training configuration file, found before anything is trained.
///
/// The description names the file, the line (counting from 1, as editors do), the
/// key as a path from the top of the file and what is wrong:
///
/// ```
/// pima.yaml:14: model[1].units: must be an integer in 1...16777216, found "ten"
/// mnist.yaml:3: data.csv: file not found: /data/missing.csv
/// ```
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the configuration came from (as given).
    public var file: String
    /// The line of the offending key or value, counting from 1; 0 when unknown.
    public var line: Int
    /// The key path, such as `model[1].units` or `training.epochs`.
    public var key: String
    /// What is wrong, in one line.
    public var message: String

    /// - Parameters:
    ///   - file: the configuration file.
    ///   - line: the line, counting from 1 (0 when unknown).
    ///   - key: the key path.
    ///   - message: what is wrong.
    public init(file: String, line: Int, key: String, message: String) {
        (self.file, self.line, self.key, self.message) = (file, line, key, message)
    }

    /// `file:line: key: message`.
    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}
