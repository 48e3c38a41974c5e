import Foundation

/// A trained model together with the preprocessing it was trained with, so
/// evaluation and prediction transform inputs exactly as training did.
///
/// The preprocessing is stored twice: in the model file's metadata under
/// ``metadataKey`` (so the file alone is enough) and as ``preprocessingFileName``
/// next to it (readable, and found for checkpoints in a run's `checkpoints/` folder).
///
/// ```swift
/// let saved = try SavedModel.load(from: URL(fileURLWithPath: "runs/pima/model.safetensors"))
/// let probabilities = saved.model.predict(saved.preprocessing!.transform(x))
/// ```
public struct SavedModel {
    /// The metadata key of the preprocessing JSON in a model file.
    public static let metadataKey = "synapse_preprocessing"
    /// The name of the preprocessing file written next to the model.
    public static let preprocessingFileName = "preprocessing.json"

    /// The model, compiled with its stored settings when they can be rebuilt.
    public var model: Sequential
    /// The preprocessing, when the model was trained from a configuration.
    public var preprocessing: Preprocessing?

    /// Writes the model file (with the preprocessing in its metadata) and the
    /// preprocessing file next to it.
    ///
    /// - Parameters:
    ///   - model: the trained model.
    ///   - preprocessing: the fitted preprocessing to store with it.
    ///   - url: the model file (`.safetensors`); ``preprocessingFileName`` is written in the same folder.
    /// - Throws: `ModelFileError` when the model cannot be saved;
    ///   `SafeTensorsError` when the file cannot be reread or rewritten with the
    ///   metadata; the file system's errors when the preprocessing file cannot be written.
    public static func save(_ model: Sequential, preprocessing: Preprocessing, to url: URL) throws {
        try model.save(to: url)
        let json = try preprocessing.jsonText()
        var file = try SafeTensors.read(from: url)
        file.metadata[metadataKey] = json
        try SafeTensors.write(file.tensors, metadata: file.metadata, to: url)
        try Data((json + "\n").utf8).write(to: url.deletingLastPathComponent().appendingPathComponent(preprocessingFileName),
                                           options: .atomic)
    }

    /// Loads a model file and its preprocessing (from the metadata, else from
    /// `preprocessing.json` in the same folder or the folder above).
    ///
    /// - Parameter url: the model file.
    /// - Returns: the model and its preprocessing (`nil` when none is found).
    /// - Throws: `ModelFileError` for a missing or damaged model file; a
    ///   ``ConfigError`` for a damaged preprocessing record.
    public static func load(from url: URL) throws -> SavedModel {
        let model = try Sequential.load(from: url)
        return SavedModel(model: model, preprocessing: try preprocessing(forModelAt: url))
    }

    /// The preprocessing saved with a model file: from its metadata under ``metadataKey``,
    /// else (when `lookingBeside`) from `preprocessing.json` in the same folder or the
    /// folder above, as older runs of `synapse train` left it.
    ///
    /// - Parameters:
    ///   - url: the model file (any model class).
    ///   - lookingBeside: also read a `preprocessing.json` beside the file (default `true`).
    /// - Returns: the fitted preprocessing, or `nil` when none was saved.
    /// - Throws: `ModelFileError` for a missing or unreadable file; a ``ConfigError`` for a
    ///   damaged preprocessing record.
    public static func preprocessing(forModelAt url: URL, lookingBeside: Bool = true) throws -> Preprocessing? {
        let metadata = try ModelFile.readSafeTensors(from: url).metadata
        var text = metadata[metadataKey]
        var source = url.path
        if text == nil && lookingBeside {
            let folder = url.deletingLastPathComponent()
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let file = candidate.appendingPathComponent(preprocessingFileName)
                if let data = try? Data(contentsOf: file) {
                    (text, source) = (String(decoding: data, as: UTF8.self), file.path)
                    break
                }
            }
        }
        guard let text else { return nil }
        do {
            return try Preprocessing(jsonText: text)
        } catch {
            throw ConfigError(file: source, line: 0, key: metadataKey, message: "the saved preprocessing is damaged: \(error)")
        }
    }
}
