import Foundation
import SynapseIO

/// A Synapse model file, read and checked: one `.safetensors` file whose tensors
/// are the weights (under names such as `dense_1.kernel`) and whose `__metadata__`
/// holds the model as JSON strings:
///
/// | key | value |
/// | --- | --- |
/// | `format` | `"synapse-model"` (`"synapse-weights"` for ``Model/saveWeights(to:)``) |
/// | `format_version` | `"1"` |
/// | `synapse_version` | the writer's version |
/// | `architecture` | ``ModelArchitecture`` JSON |
/// | `compile` | ``CompileConfig`` JSON (absent when the model was not compiled) |
/// | `history` | ``History`` JSON: `{"epochs": [...], "values": {"loss": [...], ...}}` |
/// | `weight_layout` | a reminder of the weight layouts (below) |
/// | `checkpoint` | only in a ``Checkpoint``: the finished epochs and ``/SynapseCore/Random``'s state; its optimizer state is in tensors named `optimizer.*` |
///
/// Weights use Keras' layouts: a dense kernel is `[in, out]` (PyTorch's
/// `Linear.weight` is its transpose, `[out, in]`), a 2-D convolution kernel is
/// `[kh, kw, in, out]` (PyTorch's `Conv2d.weight` is `[out, in, kh, kw]`: permute
/// by `(3, 2, 0, 1)`), a transposed convolution kernel is `[kh, kw, out, in]`
/// (PyTorch's `ConvTranspose2d.weight` is `[in, out, kh, kw]`: permute by
/// `(3, 2, 0, 1)`), a 1-D convolution kernel is `[k, in, out]` (PyTorch:
/// `[out, in, k]`). Batch normalization stores `gamma`, `beta`, `moving_mean` and
/// `moving_variance` (PyTorch: `weight`, `bias`, `running_mean`, `running_var`).
///
/// Any safetensors reader opens the file (`safetensors.torch.load_file`).
///
/// ```swift
/// let file = try ModelFile.read(from: url)
/// print(file.architecture.layers.map(\.className), file.history?.values["loss"] ?? [])
/// let model = try file.makeSequential()
/// ```
public struct ModelFile {
    /// The `format` metadata of a full model file.
    public static let format = "synapse-model"
    /// The `format` metadata of a weights-only file.
    public static let weightsFormat = "synapse-weights"
    /// The `format_version` this Synapse writes and reads.
    public static let formatVersion = "1"
    /// The `weight_layout` metadata: the layouts, and how PyTorch's differ.
    public static let weightLayoutNote = "keras: dense kernel [in, out] (torch Linear.weight = kernel.T); "
        + "conv2d kernel [kh, kw, in, out] (torch Conv2d.weight = kernel.permute(3, 2, 0, 1)); "
        + "conv2d_transpose kernel [kh, kw, out, in] (torch ConvTranspose2d.weight = kernel.permute(3, 2, 0, 1)); "
        + "conv1d kernel [k, in, out] (torch Conv1d.weight = kernel.permute(2, 1, 0))"

    /// The weights, by name.
    public var tensors: [String: Tensor]
    /// The raw metadata strings.
    public var metadata: [String: String]
    /// The architecture.
    public var architecture: ModelArchitecture
    /// The training configuration, if the model was compiled.
    public var compile: CompileConfig?
    /// The training history, if stored.
    public var history: History?
    /// The differential-privacy guarantee the weights were trained under, if any.
    public var privacy: PrivacyGuarantee?
    /// The metadata key of ``privacy`` (a JSON object: epsilon, delta, noise
    /// multiplier, clipping norm, sample rate, steps).
    public static let privacyKey = "privacy"

    /// Reads and checks a model file written by ``Model/save(to:)``. Nothing is
    /// built; ``makeSequential()`` does that.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError``: `unreadable` for a missing or damaged file,
    ///   `notAModelFile` for another kind of safetensors file,
    ///   `unsupportedFormatVersion`, `invalidJSON` or `invalidArchitecture` for bad metadata.
    ///
    /// - Parameter url: a `.safetensors` model file (or a checkpoint).
    /// - Returns: the file's weights, metadata, architecture, compile settings and history.
    public static func read(from url: URL) throws -> ModelFile {
        try checked(readSafeTensors(from: url), path: url.path)
    }

    /// Checks a safetensors file read from `path` as a model file. A checkpoint's
    /// optimizer state (tensors under ``Checkpoint/optimizerPrefix``) is left out of
    /// ``tensors``, so a checkpoint also loads as a model.
    static func checked(_ file: SafeTensors, path: String) throws -> ModelFile {
        let url = URL(fileURLWithPath: path)
        let metadata = file.metadata
        guard let format = metadata["format"] else {
            throw ModelFileError.notAModelFile(path: url.path, reason: "its metadata has no \"format\" (a weights file? use loadWeights(from:))")
        }
        guard format == Self.format else {
            throw ModelFileError.notAModelFile(path: url.path, reason: "its format is \"\(format.prefix(40))\", not \"\(Self.format)\"")
        }
        let version = metadata["format_version"] ?? "?"
        guard version == formatVersion else { throw ModelFileError.unsupportedFormatVersion(String(version.prefix(20))) }
        guard let architectureText = metadata["architecture"] else {
            throw ModelFileError.notAModelFile(path: url.path, reason: "its metadata has no \"architecture\"")
        }
        var tensors = file.tensors
        if metadata[Checkpoint.metadataKey] != nil {
            tensors = tensors.filter { !$0.key.hasPrefix(Checkpoint.optimizerPrefix) }
        }
        return ModelFile(tensors: tensors, metadata: metadata,
                         architecture: try ModelArchitecture(jsonText: architectureText),
                         compile: try metadata["compile"].map(CompileConfig.init(jsonText:)),
                         history: try metadata["history"].map(Self.decodeHistory),
                         privacy: try metadata[privacyKey].map { try PrivacyGuarantee(jsonText: $0) })
    }

    /// Reads any safetensors file (a weights file, a PyTorch export), turning its
    /// errors into ``/SynapseNN/ModelFileError/unreadable(path:reason:)`` with the path.
    ///
    /// - Parameter url: the `.safetensors` file.
    /// - Returns: its tensors by name and its metadata.
    /// - Throws: ``/SynapseNN/ModelFileError/unreadable(path:reason:)`` for a missing,
    ///   damaged or malformed file.
    public static func readSafeTensors(from url: URL) throws -> SafeTensors {
        do {
            return try SafeTensors.read(from: url)
        } catch SafeTensorsError.unreadable(let path, let reason) {
            throw ModelFileError.unreadable(path: path, reason: reason)
        } catch let error as SafeTensorsError {
            throw ModelFileError.unreadable(path: url.path, reason: error.description)
        }
    }

    /// Writes tensors and metadata atomically, turning errors into ``/SynapseNN/ModelFileError``.
    static func writeSafeTensors(_ tensors: [String: Tensor], metadata: [String: String], to url: URL) throws {
        do {
            try SafeTensors.write(tensors, metadata: metadata, to: url)
        } catch SafeTensorsError.unwritable(let path, let reason) {
            throw ModelFileError.unwritable(path: path, reason: reason)
        } catch {
            throw ModelFileError.unwritable(path: url.path, reason: String(describing: error))
        }
    }

    // MARK: History

    /// History as JSON; NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity".
    static func encodeHistory(_ history: History) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(history), as: UTF8.self)
    }

    /// Parses history JSON and checks that every series has one value per epoch.
    static func decodeHistory(_ text: String) throws -> History {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let history: History
        do {
            history = try decoder.decode(History.self, from: Data(text.utf8))
        } catch {
            throw ModelFileError.invalidJSON(key: "history", reason: "expected {\"epochs\": [...], \"values\": {...}} (\(String(describing: error).prefix(120)))")
        }
        for (key, series) in history.values where series.count != history.epochs.count {
            throw ModelFileError.invalidJSON(key: "history", reason: "\"\(key.prefix(40))\" has \(series.count) values for \(history.epochs.count) epochs")
        }
        return history
    }
}
